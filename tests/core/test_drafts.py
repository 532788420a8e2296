"""Drafts as a base plus edits (core/store/journal.py): what is read back is always what was saved,
edits are small, compaction folds them without losing a later save, and every path that
removes a draft removes its edits."""

from __future__ import annotations

import random
import sqlite3

import pytest

from annotator.core.store import journal as drafts
from annotator.core.text import editing
from annotator.core.store.journal import DraftJournal
from annotator.core.errors import ProjectBusy, SpanError
from annotator.core.text.model import SOURCE_MODEL, Span
from annotator.core.store.schema import SCHEMA_VERSION
from annotator.core.store import Store, spans_from_json, spans_to_json
from annotator.core.store.codec import dumps_spans

LABELS = ["PERSON", "ORG", "GPE"]


def _doc(store: Store, words: int = 3000):
    text = " ".join(f"w{i}" for i in range(words))
    doc_id, _ = store.documents.add_document(text)
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == " "]
    return doc_id, text, starts


def _word(text: str, start: int) -> tuple[int, int]:
    end = text.find(" ", start)
    return start, len(text) if end < 0 else end


def _opened(store: Store):
    """A document and a journal that shows it with no draft yet."""
    doc_id, text, starts = _doc(store)
    journal = DraftJournal(store, "alice")
    journal.shown(doc_id, text, [], stored=False)
    return doc_id, text, starts, journal


def _edits(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM draft_edits").fetchone()[0]


def test_random_edits_read_back_exactly(store):
    doc_id, text, starts = _doc(store)
    rng = random.Random(4)
    spans = sorted({Span(*_word(text, s), rng.choice(LABELS), rng.choice([None, SOURCE_MODEL]))
                    for s in rng.sample(starts, 300)})
    journal = DraftJournal(store, "alice")
    journal.shown(doc_id, text, spans, stored=False)
    for _ in range(60):  # edits of one document (folded only past COMPACT_AFTER)
        op = rng.random()
        if op < 0.4 or not spans:
            spans = editing.add_span(spans, Span(*_word(text, rng.choice(starts)), rng.choice(LABELS)))
        elif op < 0.7:
            spans = editing.remove_span(spans, rng.choice(spans))
        else:
            spans = editing.relabel_span(spans, rng.choice(spans), rng.choice(LABELS))
        journal.save(doc_id, spans)
        assert store.drafts.get_draft(doc_id, "alice") == tuple(spans)
    got = store.drafts.get_draft(doc_id, "alice")
    assert [editing.full_key(s) for s in got] == [editing.full_key(s) for s in spans]  # sources too
    assert _edits(store) == 60
    assert store.drafts.status(doc_id, "alice") == "draft"
    # Each edit row holds only what changed, not the 300 spans.
    longest = store.conn.execute("SELECT max(length(edit)) FROM draft_edits").fetchone()[0]
    assert longest < 400


def test_edits_are_folded_in_a_thread_when_the_person_moves_on(store, monkeypatch):
    doc_id, text, starts = _doc(store)
    other, _ = store.documents.add_document("Another article.")
    monkeypatch.setattr(drafts, "COMPACT_AFTER", 30)
    journal = DraftJournal(store, "alice")
    journal.shown(doc_id, text, [], stored=False)
    spans: list[Span] = []
    for s in starts[:35]:  # past COMPACT_AFTER while editing: folded once
        spans = editing.add_span(spans, Span(*_word(text, s), "ORG"))
        journal.save(doc_id, spans)
    journal.wait(30)
    assert journal.compactions == 1 and _edits(store) == 5  # the ones after the snapshot stay
    monkeypatch.setattr(drafts, "COMPACT_AFTER", 10_000)
    for s in starts[35:35 + drafts.FOLD_ON_LEAVING]:
        spans = editing.add_span(spans, Span(*_word(text, s), "GPE"))
        journal.save(doc_id, spans)
    journal.wait(30)
    assert journal.compactions == 1  # not while editing (below COMPACT_AFTER)
    journal.shown(other, "Another article.", [], stored=False)  # the person opens another one
    journal.wait(30)
    assert journal.compactions == 2 and _edits(store) == 0
    assert store.drafts.get_draft(doc_id, "alice") == tuple(spans)


def test_a_fold_never_overwrites_a_later_full_save(store):
    doc_id, text, starts, journal = _opened(store)
    old = [Span(*_word(text, starts[0]), "ORG")]
    journal.save(doc_id, old)
    upto = store.conn.execute("SELECT max(id) FROM draft_edits").fetchone()[0]
    newer = [Span(*_word(text, starts[5]), "GPE")]
    store.drafts.save_draft(doc_id, "alice", newer)  # e.g. the window retried a whole list
    journal._fold(store.path, doc_id, tuple(old), upto)
    assert store.drafts.get_draft(doc_id, "alice") == tuple(newer)


def test_an_invalid_edit_is_refused_and_nothing_is_written(store):
    doc_id, text, starts, journal = _opened(store)
    good = [Span(*_word(text, starts[1]), "ORG")]
    journal.save(doc_id, good)
    with pytest.raises(SpanError, match="unknown label"):
        journal.save(doc_id, good + [Span(*_word(text, starts[9]), "NOPE")])
    with pytest.raises(SpanError, match="out of range"):
        journal.save(doc_id, good + [Span(len(text) - 2, len(text) + 5, "ORG")])
    assert store.drafts.get_draft(doc_id, "alice") == tuple(good)
    journal.save(doc_id, good + [Span(*_word(text, starts[9]), "GPE")])
    assert len(store.drafts.get_draft(doc_id, "alice")) == 2


def test_a_busy_file_writes_nothing_and_the_next_save_catches_up(store, db_path):
    doc_id, text, starts = _doc(store)
    store.set_busy_wait(0.05, 1)
    journal = DraftJournal(store, "alice")
    journal.shown(doc_id, text, [], stored=False)
    one = [Span(*_word(text, starts[1]), "ORG")]
    journal.save(doc_id, one)
    other = sqlite3.connect(str(db_path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    two = one + [Span(*_word(text, starts[3]), "GPE")]
    with pytest.raises(ProjectBusy):
        journal.save(doc_id, two)
    other.execute("ROLLBACK")
    other.close()
    three = editing.remove_span(two, one[0])
    journal.save(doc_id, three)
    assert store.drafts.get_draft(doc_id, "alice") == tuple(three)


def test_decisions_deletes_and_renames_take_the_edits_along(store):
    doc_id, text, starts, journal = _opened(store)
    spans = [Span(*_word(text, starts[1]), "ORG")]
    journal.save(doc_id, spans)
    spans = spans + [Span(*_word(text, starts[4]), "ORG")]
    journal.save(doc_id, spans)
    store.rename_label("ORG", "COMPANY")
    assert [s.label for s in store.drafts.get_draft(doc_id, "alice")] == ["COMPANY", "COMPANY"]
    assert _edits(store) == 0
    journal.shown(doc_id, text, list(store.drafts.get_draft(doc_id, "alice")), stored=True)
    journal.save(doc_id, [])
    assert _edits(store) == 1
    store.annotations.save_annotation(doc_id, "alice", "accept", [])
    assert store.drafts.get_draft(doc_id, "alice") is None and _edits(store) == 0
    journal.shown(doc_id, text, [], stored=False)
    journal.save(doc_id, spans[:1] and [Span(spans[0].start, spans[0].end, "GPE")])
    store.annotations.save_annotation(doc_id, "alice", "ignore", [])  # a decision ends the draft and its edits
    assert store.drafts.get_draft(doc_id, "alice") is None and _edits(store) == 0


@pytest.mark.slow
def test_long_span_lists_parse_in_pieces_the_same():
    spans = [Span(i * 7, i * 7 + 3, f'L"{i % 5}}},{{"start":', SOURCE_MODEL if i % 2 else None)
             for i in range(120_000)]
    for raw in (spans_to_json(spans, with_source=True), dumps_spans(spans)):
        assert len(raw) > 256_000
        got = spans_from_json(raw)
        assert [editing.full_key(s) for s in got] == [editing.full_key(s) for s in spans]


def test_a_schema_1_project_gets_the_edits_table(tmp_path):
    from annotator.core.store.schema import MIGRATIONS

    db = tmp_path / "old.db"
    conn = sqlite3.connect(str(db))
    for sql in MIGRATIONS[0]:
        conn.execute(sql)
    conn.execute("PRAGMA application_id = 1095650895")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Store(db) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        doc_id, _ = s.documents.add_document("Grace Hopper")
        s.labels.add_label("PERSON")  # a hand-made schema-1 file has no labels yet
        journal = DraftJournal(s, "alice")
        journal.shown(doc_id, "Grace Hopper", [], stored=False)
        journal.save(doc_id, [Span(0, 5, "PERSON")])
        assert s.drafts.get_draft(doc_id, "alice") == (Span(0, 5, "PERSON"),)


def test_a_known_change_is_saved_as_given_only_when_it_continues_the_last_save(store):
    # The editor hands over the edit it applied (spans before, removed, added), so a step of
    # tens of thousands of spans is not worked out twice. It is taken only from the very span
    # objects last saved; any other change is worked out afresh, and the draft is right either way.
    doc_id, text, starts, journal = _opened(store)
    first = sorted(Span(*_word(text, s), "ORG") for s in starts[:400:2])
    journal.save(doc_id, first)
    saved = list(first)  # the same objects, as the editor holds them
    second = editing.add_span(saved, Span(*_word(text, starts[1]), "GPE"))
    removed, added = editing.diff_spans(saved, second)
    journal.save(doc_id, second, (saved, removed, added))
    assert list(store.drafts.get_draft(doc_id, "alice")) == second
    # Equal spans but other objects (the journal saved something else since): not trusted.
    lookalike = [Span(s.start, s.end, s.label) for s in second]
    third = editing.remove_span(lookalike, lookalike[0])
    journal.save(doc_id, third, (lookalike, [lookalike[0], lookalike[1]], []))  # a wrong change
    assert list(store.drafts.get_draft(doc_id, "alice")) == third
    # Counts that do not add up: not trusted either.
    fourth = editing.remove_span(third, third[-1])
    journal.save(doc_id, fourth, (third, [], []))
    assert list(store.drafts.get_draft(doc_id, "alice")) == fourth
    assert _edits(store) == 4
