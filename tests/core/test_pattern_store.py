"""Patterns in a real project file (issue 25): kept with removals, brought by a merge (newer
wins), renamed with their label, composed into the suggestions after learned spans and before
the model, and each pattern's precision counted from the decisions the window records."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.core.errors import RecordError
from annotator.core.learning.learned import GoldMatcher
from annotator.core.learning.patterns.manage import gold_patterns, import_patterns
from annotator.core.learning.patterns.matcher import PatternMatcher
from annotator.core.learning.patterns.precision import FlagRule, flag_rule, pattern_figures, save_flag_rule
from annotator.core.learning.patterns.records import Pattern, check_pattern
from annotator.core.learning.suggestions import compose, current_suggestions, with_propagated
from annotator.core.store import MIGRATIONS, Store
from annotator.core.team.merge import merge_project
from annotator.core.text.model import SOURCE_GOLD, SOURCE_MODEL, SOURCE_PATTERN, Span

TEXT = "the halvard line left belmouth in march, said tomas brennick in belmouth."


def add(store: Store, *patterns: Pattern, who: str = "alice", at: float | None = None) -> tuple[int, int]:
    return store.patterns.add_patterns(patterns, who, timestamp=at)


# ---- the store ---------------------------------------------------------------------------------------------
def test_added_once_removed_and_back(store):
    assert add(store, Pattern("GPE", "Belmouth"), Pattern("GPE", "belmouth"), Pattern("ORG", "halvard line")) == (2, 0)
    assert add(store, Pattern("GPE", "BELMOUTH")) == (0, 1)
    (belmouth, _org) = store.patterns.all()
    assert store.patterns.remove_patterns([belmouth.id], author="bob") == 1
    assert [p.pattern for p in store.patterns.all()] == ["halvard line"]
    assert add(store, Pattern("GPE", "belmouth")) == (1, 0)  # comes back with its old id
    assert [p.id for p in store.patterns.all()] == [belmouth.id, _org.id]
    assert store.patterns.remove_patterns(label="GPE", author="bob") == 1 and store.patterns.count_patterns() == 1


def test_a_label_rename_takes_its_patterns_along(store):
    add(store, Pattern("GPE", "belmouth"), Pattern("ORG", "halvard line"))
    store.rename_label("GPE", "PLACE", "carol")
    assert sorted((p.label, p.pattern) for p in store.patterns.all()) == [("ORG", "halvard line"), ("PLACE", "belmouth")]


def test_the_migration_upgrades_an_older_project(tmp_path):
    """A project made before patterns existed (whatever number their migration has) opens
    with the table there and empty."""
    mine = next(i for i, m in enumerate(MIGRATIONS) if any("CREATE TABLE patterns" in s for s in m))
    with Store(tmp_path / "p.db") as new:
        new.documents.add_documents([("text", {})])
    old = tmp_path / "old.db"
    import annotator.core.store as store_module

    saved = list(MIGRATIONS)
    try:
        store_module.MIGRATIONS[:] = saved[:mine]
        Store(old).close()
    finally:
        store_module.MIGRATIONS[:] = saved
    with Store(old) as s:
        assert s.patterns.all() == [] and add(s, Pattern("GPE", "x")) == (1, 0)


def test_the_file_refuses_a_bad_removed_flag(store):
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("INSERT INTO patterns (key, label, pattern, author, changed, removed) "
                           "VALUES ('k', 'GPE', '\"x\"', 'a', 1, 2)")


# ---- composition -------------------------------------------------------------------------------------------
def test_precedence_own_then_learned_then_patterns_then_model():
    text = "new york city and boston and rome"
    model = [Span(0, 13, "ORG", SOURCE_MODEL), Span(18, 24, "ORG", SOURCE_MODEL), Span(29, 33, "PERSON", SOURCE_MODEL)]
    patterns = [Span(0, 8, "GPE", SOURCE_PATTERN), Span(18, 24, "GPE", SOURCE_PATTERN), Span(29, 33, "GPE", SOURCE_PATTERN)]
    learned = [Span(29, 33, "LOC", SOURCE_GOLD)]
    labels = ["GPE", "ORG", "PERSON", "LOC"]
    shown = compose(text, model, learned, labels, {}, patterns)
    assert [(text[s.start:s.end], s.label, s.source) for s in shown] == [
        ("new york", "GPE", SOURCE_PATTERN),  # a pattern wins over the model span it overlaps
        ("boston", "GPE", SOURCE_PATTERN), ("rome", "LOC", SOURCE_GOLD)]  # learned wins over both
    # The person's own span wins over every suggestion.
    after = with_propagated(text, [*shown, Span(18, 24, "PERSON")], labels)
    assert (18, 24, "PERSON", None) in [(s.start, s.end, s.label, s.source) for s in after]
    assert all(s.source != SOURCE_PATTERN or s.start != 18 for s in after)


def test_current_suggestions_with_a_real_gold_matcher_and_patterns(store):
    ids, _ = store.documents.add_documents([(TEXT, {}), ("tomas brennick spoke for the union in march.", {})])
    store.annotations.save_annotation(ids[1], "alice", "accept", [Span(0, 14, "PERSON")])
    add(store, Pattern("GPE", "belmouth"), Pattern("PERSON", "brennick"), Pattern("GPE", "march"))
    gold = GoldMatcher.from_store(store, "alice")
    shown = current_suggestions(store, ids[0], None, gold, patterns=PatternMatcher(store.patterns.all()))
    assert [(TEXT[s.start:s.end], s.label, s.source) for s in shown] == [
        ("belmouth", "GPE", SOURCE_PATTERN), ("march", "GPE", SOURCE_PATTERN),
        ("tomas brennick", "PERSON", SOURCE_GOLD),  # the learned phrase wins over the pattern inside it
        ("belmouth", "GPE", SOURCE_PATTERN)]


# ---- precision ---------------------------------------------------------------------------------------------
def decide(store, doc_id, spans, suggested, at, answer="accept"):
    store.activity.save_timed_decision(doc_id, "alice", answer, spans, seconds=5.0, suggested=suggested, timestamp=at)


def test_each_pattern_is_counted_kept_relabelled_or_removed(store):
    (doc,), _ = store.documents.add_documents([(TEXT, {})])
    add(store, Pattern("GPE", "belmouth"), Pattern("GPE", "march"), Pattern("ORG", "halvard line"))
    matcher = PatternMatcher(store.patterns.all())
    suggested = matcher.match(TEXT)
    assert len(suggested) == 4
    halvard, belmouth1, march, belmouth2 = suggested
    # kept: halvard line and the first belmouth; relabelled: the second belmouth; removed: march
    decide(store, doc, [halvard.with_label("ORG"), Span(belmouth1.start, belmouth1.end, "GPE"),
                        Span(belmouth2.start, belmouth2.end, "LOC")], suggested, 100.0)
    # A reject says nothing about the entities: not counted.
    decide(store, doc, [], suggested, 200.0, answer="reject")
    figures = {f.pattern.pattern: f for f in pattern_figures(store)}
    b, m, h = figures["belmouth"], figures["march"], figures["halvard line"]
    assert (b.shown, b.kept, b.relabelled, b.removed, b.precision) == (2, 1, 1, 0, 0.5)
    assert (m.shown, m.kept, m.removed, m.precision) == (1, 0, 1, 0.0)
    assert (h.shown, h.kept, h.precision) == (1, 1, 1.0)


def test_boundaries_moved_count_as_removed_and_only_patterns_are_counted(store):
    (doc,), _ = store.documents.add_documents([(TEXT, {})])
    add(store, Pattern("ORG", "halvard"))
    (span,) = PatternMatcher(store.patterns.all()).match(TEXT)
    decide(store, doc, [Span(span.start, span.end + 5, "ORG")],
           [span, Span(22, 30, "GPE", SOURCE_MODEL)], 100.0)
    (f,) = pattern_figures(store)
    assert (f.shown, f.kept, f.relabelled, f.removed) == (1, 0, 0, 1)


def test_flagged_below_the_rule_after_enough_showings(store):
    texts = [f"story {i} in march and belmouth" for i in range(12)]
    ids, _ = store.documents.add_documents([(t, {}) for t in texts])
    add(store, Pattern("GPE", "march"), Pattern("GPE", "belmouth"))
    matcher = PatternMatcher(store.patterns.all())
    for n, (doc, text) in enumerate(zip(ids, texts)):
        suggested = matcher.match(text)
        keep = [Span(s.start, s.end, s.label) for s in suggested if text[s.start:s.end] == "belmouth"]
        if n == 0:  # march was right once
            keep += [Span(s.start, s.end, s.label) for s in suggested if text[s.start:s.end] == "march"]
        decide(store, doc, keep, suggested, 100.0 + n)
        figures = {f.pattern.pattern: f for f in pattern_figures(store)}
        assert figures["march"].flagged(flag_rule(store)) == (n + 1 >= 10)
    assert not figures["belmouth"].flagged(flag_rule(store))
    save_flag_rule(store, FlagRule(below=0.05, after=3))
    assert flag_rule(store) == FlagRule(0.05, 3) and not figures["march"].flagged(flag_rule(store))
    assert figures["march"].to_dict(flag_rule(store))["precision"] == round(1 / 12, 4)


# ---- merge -------------------------------------------------------------------------------------------------
def test_patterns_and_their_removals_travel_with_a_merge(tmp_path):
    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        add(a, Pattern("GPE", "belmouth"), Pattern("GPE", "march"), at=100.0)
        add(b, Pattern("GPE", "march"), Pattern("ORG", "halvard line"), at=90.0)
        b.patterns.remove_patterns([p.id for p in b.patterns.all() if p.pattern == "march"], author="bob", timestamp=150.0)
        report = merge_project(a, b.path)
        assert dict(report.patterns) == {"added": 1, "updated": 1}
        assert sorted(p.pattern for p in a.patterns.all()) == ["belmouth", "halvard line"]  # bob's newer removal won
        assert merge_project(a, b.path).patterns == {"unchanged": 2}  # idempotent
        add(a, Pattern("GPE", "march"), at=200.0)  # re-added later: newer than bob's removal
        report = merge_project(b, a.path)
        assert sorted(p.pattern for p in b.patterns.all()) == ["belmouth", "halvard line", "march"]
        assert any("patterns: 1 added, 1 updated" in line for line in report.lines())


def test_a_teammates_pattern_is_checked_before_anything_is_merged(tmp_path):
    with Store(tmp_path / "b.db") as b:
        add(b, Pattern("GPE", "march"))
        b.conn.execute("UPDATE patterns SET pattern = '[{\"POS\": \"PROPN\"}]'")
    with Store(tmp_path / "a.db") as a:
        with pytest.raises(RecordError, match=r"b\.db: pattern 1: token 1: POS needs a trained pipeline"):
            merge_project(a, tmp_path / "b.db")
        assert a.patterns.all() == []
    with Store(tmp_path / "b.db") as b:
        b.conn.execute("UPDATE patterns SET pattern = '\"april\"'")
    with Store(tmp_path / "a.db") as a, pytest.raises(RecordError, match="its key does not match"):
        merge_project(a, tmp_path / "b.db")


# ---- the learned phrases and files --------------------------------------------------------------------------
def test_the_learned_phrases_become_patterns(store):
    texts = ["tomas brennick met ingrid solberg", "tomas brennick spoke", "ingrid solberg left"]
    ids, _ = store.documents.add_documents([(t, {}) for t in texts])
    store.annotations.save_annotation(ids[0], "alice", "accept", [Span(0, 14, "PERSON"), Span(19, 33, "PERSON")])
    store.annotations.save_annotation(ids[1], "alice", "accept", [Span(0, 14, "PERSON")])
    store.annotations.save_annotation(ids[2], "alice", "accept", [Span(0, 14, "PERSON")])
    assert [(p.label, p.pattern) for p in gold_patterns(store, min_count=2)] == [
        ("PERSON", [{"lower": "ingrid"}, {"lower": "solberg"}]), ("PERSON", [{"lower": "tomas"}, {"lower": "brennick"}])]
    assert len(gold_patterns(store)) == 2
    # and they are valid patterns that match the same phrases
    assert PatternMatcher([check_pattern(p.label, p.pattern) for p in gold_patterns(store)]).match(texts[0])


def test_unknown_labels_are_left_out_or_added_on_request(store, tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"label": "GPE", "pattern": "belmouth"}\n{"label": "SHIP", "pattern": "ever given"}\n'
                    '{"label": "SHIP", "pattern": "maersk alabama"}\n', encoding="utf-8")
    report, read = import_patterns(store, path, "alice")
    assert (report.added, report.skipped_unknown) == (1, 2)
    assert read.unknown_message("SHIP") == (f"{path}:2: label 'SHIP' is not a project label (2 patterns): add it with "
                                            "`annotator labels add SHIP`, or add the file again with --add-labels")
    report, _ = import_patterns(store, path, "alice", add_labels=True)
    assert (report.added, report.already, report.labels_added) == (2, 1, ["SHIP"])
    assert "SHIP" in store.labels.label_names()


# ---- evaluate, the overview and the report -------------------------------------------------------------
def test_evaluate_scores_the_patterns_as_part_of_the_suggestions(store):
    from annotator.core.learning.evaluate import evaluate

    ids, _ = store.documents.add_documents([("ships left belmouth", {}), ("rain in belmouth and march", {})])
    store.annotations.save_annotation(ids[0], "alice", "accept", [Span(11, 19, "GPE")])
    store.annotations.save_annotation(ids[1], "alice", "accept", [Span(8, 16, "GPE")])
    without = evaluate(store, None)
    add(store, Pattern("GPE", "belmouth"), Pattern("GPE", "march"))
    with_patterns = evaluate(store, None)
    assert without["parts"] == ["gold"] and with_patterns["parts"] == ["patterns", "gold"]
    assert (with_patterns["tp"], with_patterns["fp"], with_patterns["fn"]) == (2, 1, 0)
    assert evaluate(store, None, use_patterns=False)["tp"] == without["tp"]


@pytest.mark.slow
def test_the_overview_and_the_report_show_each_patterns_figures(store, tmp_path):
    from annotator.core.report.overview import compute_overview
    from annotator.core.report.report import render_html

    ov = compute_overview(store, detail=False)
    assert ov.patterns is None and "No patterns" in render_html(ov)
    (doc,), _ = store.documents.add_documents([(TEXT, {})])
    add(store, Pattern("GPE", "belmouth"), Pattern("GPE", "<march>"), Pattern("ORG", "halvard line"))
    suggested = PatternMatcher(store.patterns.all()).match(TEXT)
    decide(store, doc, [s for s in suggested if s.label == "GPE"], suggested, 100.0)
    save_flag_rule(store, FlagRule(0.5, 1))
    ov = compute_overview(store, detail=False)
    assert ov.patterns.total == 3 and ov.patterns.flagged == 1
    first = ov.patterns.rows[0]
    assert (first.pattern.pattern, first.shown, first.precision) == ("halvard line", 1, 0.0)  # flagged first
    html = render_html(ov)
    assert '<section id="patterns">' in html and "&lt;march&gt;" in html and "<march>" not in html
    assert "3 patterns, 1 flagged (precision below 0.5 after at least 1 showing)" in html


def test_each_change_is_logged_once_for_the_hub_and_a_pull_logs_nothing(store):
    def logged() -> list[int]:
        return [r[0] for r in store.conn.execute("SELECT row_id FROM sync_log WHERE kind = 'pattern' ORDER BY rev")]

    add(store, Pattern("GPE", "belmouth"), Pattern("GPE", "march"), at=10.0)
    assert logged() == [1, 2]
    add(store, Pattern("GPE", "belmouth"), at=20.0)  # already there: nothing to push
    assert logged() == [1, 2]
    store.patterns.remove_patterns([1], author="alice", timestamp=30.0)
    assert logged() == [2, 1]
    add(store, Pattern("GPE", "belmouth"), Pattern("ORG", "halvard line"), at=40.0)  # back, and new
    assert logged() == [2, 1, 3]
    with store.sync.hub_pull_transaction():
        add(store, Pattern("GPE", "rotterdam"), at=50.0)
        store.patterns.merge_pattern(Pattern("GPE", "oslo").key, "GPE", '"oslo"', "carol", 60.0, False)
    assert logged() == [2, 1, 3]


def test_suggestion_quality_shows_pattern_spans_as_their_own_source(store):
    from annotator.core.report.activity import suggestion_points
    from annotator.core.report.overview import suggestion_figures

    (doc,), _ = store.documents.add_documents([(TEXT, {})])
    suggested = [Span(4, 16, "ORG", SOURCE_PATTERN), Span(22, 30, "GPE", SOURCE_MODEL), Span(34, 39, "GPE", SOURCE_PATTERN)]
    decide(store, doc, [Span(4, 16, "ORG"), Span(22, 30, "GPE")], suggested, 100.0)
    (point,) = suggestion_points(store.activity.timed_decisions())
    assert point.kept == {"patterns": (1, 2), "model": (1, 1)}
    figures = suggestion_figures([point])
    assert figures.split and set(figures.by_source) == {"model", "patterns"}


def test_patterns_the_gold_contradicts_are_left_out_on_request(store, tmp_path):
    texts = [f"the {w} of union pay in belmouth, day {i}" for i, w in enumerate(["strike", "vote", "deal"])]
    ids, _ = store.documents.add_documents([(t, {}) for t in texts])
    for doc, text in zip(ids, texts):
        start = text.index("belmouth")
        store.annotations.save_annotation(doc, "alice", "accept", [Span(start, start + 8, "GPE")])
    terms = tmp_path / "places.txt"
    terms.write_text("Belmouth\nOf\nUnion\nRotterdam\n", encoding="utf-8")
    report, read = import_patterns(store, terms, "alice", label="GPE", check_gold=True)
    assert [(p.pattern, r, w) for p, r, w in read.contradicted] == [("Of", 0, 3), ("Union", 0, 3)]
    assert (report.added, report.contradicted) == (2, 2)
    assert sorted(p.pattern for p in store.patterns.all()) == ["Belmouth", "Rotterdam"]  # never met: added
    assert "2 patterns the gold contradicts left out" in report.summary()
    from annotator.core.learning.patterns.manage import contradicted_message

    assert contradicted_message(read) == ("2 patterns left out: the project's gold mostly does not label their "
                                          "matches so: Of GPE (0 of 3 right), Union GPE (0 of 3 right)")


def test_a_rename_without_a_name_still_merges(tmp_path):
    """A label renamed with no author given (a script): the patterns carry a name, so a
    teammate's merge of that file is not refused."""
    with Store(tmp_path / "a.db") as a:
        add(a, Pattern("GPE", "belmouth"))
        a.rename_label("GPE", "PLACE")
        assert {p.author for p in a.patterns.all()} == {"annotator"}
    with Store(tmp_path / "b.db") as b:
        assert merge_project(b, tmp_path / "a.db").patterns == {"added": 2}  # the removed one too
        assert [(p.label, p.pattern) for p in b.patterns.all()] == [("PLACE", "belmouth")]
