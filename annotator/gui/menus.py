"""The window's menus and their keyboard shortcuts, as one table (File, Edit, Document, Model,
Review, View, Help). The window passes a handler per entry; this module knows no window.

Every shortcut is a QAction on the window, so it works wherever the focus is in the window
(except text fields, which keep their typing) and shows next to its menu entry. The keys in
the table are the defaults: the keys in force are the person's (gui/keymap.py, Edit ->
Shortcuts…), and every action follows a change at once."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from annotator.gui.keymap import keymap

Keys = list[Any]
SEPARATOR = None

# (menu title, [(name, text, keys, status tip) or SEPARATOR or ("submenu", name) or
#  ("toggle", name, text, status tip): a checkable entry whose handler gets the new state])
MENUS: list[tuple[str, list[Any]]] = [
    ("&File", [
        ("new_project", "&New project…", [QKeySequence.StandardKey.New], ""),
        ("open_project", "&Open project…", [QKeySequence.StandardKey.Open], ""),
        ("submenu", "recent"),
        SEPARATOR,
        ("import_files", "&Import files…", ["Ctrl+I"], ""),
        ("import_folder", "Import &folder…", [], ""),
        ("export", "&Export…", ["Ctrl+E"], ""),
        ("merge", "&Merge project file…", [],
         "Bring in a teammate's project file: their documents and labelled versions"),
        ("team_hub", "Team &hub…", [], "Sync with the team's PostgreSQL hub in the background"),
        SEPARATOR,
        ("annotator", "Annotator &name…", [], ""),
        ("quit", "&Quit", ["Ctrl+Q"], ""),
    ]),
    ("&Edit", [
        ("undo", "&Undo", ["Ctrl+Z"], ""),
        ("redo", "&Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], ""),
        ("delete", "&Delete span", ["Delete", "Backspace"], ""),
        ("confirm_all", "&Confirm all suggestions", ["Ctrl+Return"], ""),
        ("label_picker", "Choose a label &by name…", ["/"], "Type to find a label, Return to choose it (any number of labels)"),
        SEPARATOR,
        ("labels", "&Labels…", ["Ctrl+L"], ""),
        ("edit_shortcuts", "S&hortcuts…", [], "See and change the keys of every action"),
    ]),
    ("&Document", [
        ("accept", "&Accept (save as gold)", ["A"], ""),
        ("reject", "&Reject", ["X"], ""),
        ("skip", "&Skip", ["Space"], ""),
        ("undo_decision", "&Undo decision", [],
         "Take back your accept, reject or skip (also Ctrl+Z right after moving on): the version before it comes back"),
        SEPARATOR,
        ("previous", "&Previous document", ["Left", "PgUp"], ""),
        ("next", "&Next document", ["Right", "PgDown"], ""),
        ("find", "&Search documents", [QKeySequence.StandardKey.Find], ""),
    ]),
    ("&Model", [
        ("choose_model", "&Choose model…", [], ""),
        ("no_model", "&No model (label by hand)", [], ""),
        ("stop_suggest", "&Stop pre-annotation", [], ""),
        ("patterns", "&Patterns…", [],
         "Term lists and match patterns, suggested as ◆, with each pattern's measured precision"),
        SEPARATOR,
        ("train", "&Train from gold…", [], "Train a spaCy model on the team gold, in the background"),
        ("submenu", "trained"),
        ("toggle", "keep_improving", "&Keep improving while I label",
         "Every 25 new gold documents, retrain in the background and switch to the new model if it "
         "scores better on held-out gold"),
    ]),
    ("&Review", [
        ("review", "&Review teammates' labels…", ["Ctrl+R"],
         "Compare the annotators' versions side by side and adjudicate the disputed documents"),
        ("agreement", "&Agreement…", [], ""),
    ]),
    ("&View", [
        ("guidelines", "&Guidelines", ["Ctrl+G"], "The project's guidelines and what each label means, beside the text"),
        ("submenu", "panels"),
        ("submenu", "theme"),
        SEPARATOR,
        ("text_bigger", "&Bigger text", ["Ctrl+=", "Ctrl++"], "Larger text in the editor and the review"),
        ("text_smaller", "&Smaller text", ["Ctrl+-"], "Smaller text in the editor and the review"),
        ("text_reset", "&Normal text size", ["Ctrl+0"], ""),
    ]),
    ("&Help", [
        ("shortcuts", "&Keyboard shortcuts", ["?", "F1"], ""),
        ("about", "&About", [], ""),
    ]),
]


def build_menus(window: QMainWindow, handlers: dict[str, Callable[[], Any]],
                submenus: dict[str, QMenu]) -> dict[str, QAction]:
    """Create the menu bar from MENUS; returns the actions by name (tests and the help read
    them). `handlers` has a callable per entry name; `submenus` the menus to place."""
    acts: dict[str, QAction] = {}
    bar = window.menuBar()
    keys = keymap()
    for title, entries in MENUS:
        menu = bar.addMenu(title)
        for entry in entries:
            if entry is SEPARATOR:
                menu.addSeparator()
                continue
            if entry[0] == "submenu":
                menu.addMenu(submenus[entry[1]])
                continue
            if entry[0] == "toggle":
                _, name, text, tip = entry
                action = QAction(text, window, checkable=True, statusTip=tip)
                action.triggered.connect(lambda checked, slot=handlers[name]: slot(checked))
                menu.addAction(action)
                window.addAction(action)
                keys.define(name, text, title.replace("&", ""), [])
                keys.bind(name, action)
                acts[name] = action
                continue
            name, text, defaults, tip = entry
            action = QAction(text, window)
            keys.define(name, text, title.replace("&", ""), defaults)
            keys.bind(name, action)  # the person's keys, or these defaults
            if tip:
                action.setStatusTip(tip)
            action.triggered.connect(lambda _checked=False, slot=handlers[name]: slot())
            menu.addAction(action)
            window.addAction(action)  # shortcuts work with the menu bar hidden or closed
            acts[name] = action
    return acts
