"""Qt-free core: store, importers, exporters, suggester, review and agreement logic.

Nothing under annotator.core may import PySide6 (tests/core/test_qt_free.py proves it).
"""
