"""Help -> Keyboard shortcuts: the rows, read from the live menu actions and the keymap (so
they show the keys in force, the person's own, never stale defaults), with the mouse gestures
and the marks of the span editor explained."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from annotator.gui.keymap import EDITOR_ACTIONS, keymap, shown


def shortcut_rows(menu_actions: dict[str, QAction]) -> list[tuple[str, str]]:
    """(keys, what) for Help → Keyboard shortcuts, read from the live actions."""
    def rows_for(names: list[str]) -> list[tuple[str, str]]:
        native = QKeySequence.SequenceFormat.NativeText
        return [(", ".join(s.toString(native) for s in menu_actions[n].shortcuts()),
                 menu_actions[n].text().replace("&", "").rstrip("…")) for n in names]

    # Most used first: deciding, labelling, editing; the rest after.
    first = ["accept", "reject", "skip", "previous", "next"]
    editing = ["delete", "undo", "redo", "confirm_all"]
    rows = rows_for(first)
    rows += [(", ".join(shown(k) for k in keymap().keys(name)) or "(none)", title)
             for name, title, _defaults in EDITOR_ACTIONS]
    rows.append(("1–9, 0, q, w…", "Choose the label the next span gets (the label bar shows it); with a span "
                 "you clicked (or the cursor is in) selected, relabel that span instead. A span you just "
                 "added is not selected"))
    rows.append(("Shift + 1–9, 0, q, w…", "Label all occurrences of the selected span's words in this document "
                 "with that label, as one undo step (also on a span's right-click menu)"))
    rows.append(("Mouse drag / double-click", "Create a span with the active label (snapped to whole "
                 "tokens: a token counts when at least half of it is selected)"))
    rows.append(("Alt + drag", "Create a span exactly as selected, character by character"))
    rows.append(("Click a span", "Select it (outlined; then a label key relabels it, Delete removes it)"))
    rows += rows_for(editing)
    rows.append(("Dashed border, ?", "A suggestion you have not confirmed yet (accepting confirms it)"))
    rows.append(("★ on a tag", "Suggested because you labelled this phrase elsewhere in this document, "
                 "or the team labelled it so in other documents (gold and your own accepted work). "
                 "Delete a ★ to dismiss it; undoing your edit takes back the ★ it brought"))
    rows.append(("⚑", "A disputed document: annotators disagree and nobody has reviewed it"))
    listed = set(first) | set(editing)
    rows += rows_for([n for n, a in menu_actions.items() if n not in listed and a.shortcuts()])
    return rows
