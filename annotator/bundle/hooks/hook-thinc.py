# ruff: noqa: N999 - PyInstaller finds hooks by this file name
"""thinc for the one-folder app: contrib's hook without thinc's test suite (see hook-spacy.py)."""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

datas = collect_data_files("thinc", excludes=["tests/**"])
hiddenimports = collect_submodules("thinc", filter=lambda name: not name.startswith("thinc.tests"))
