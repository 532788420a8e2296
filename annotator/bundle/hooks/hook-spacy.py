# ruff: noqa: N999 - PyInstaller finds hooks by this file name
"""spaCy for the one-folder app: this hook replaces pyinstaller-hooks-contrib's (hookspath
comes first), which collects every submodule including spaCy's test suite."""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

datas = collect_data_files("spacy", excludes=["tests/**"])
hiddenimports = collect_submodules("spacy", filter=lambda name: not name.startswith("spacy.tests"))
