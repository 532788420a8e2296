"""The team's quality loop through the hub (issue 24): notes, guidelines and label
descriptions, and how each review was decided. Its hub SQL is here, apart from sync.py's.

Push (steps of sync.py's run, after the decision records):
- notes: this annotator's own (hub.merge_note: the newer version of a note wins, a
  deletion is a tombstone, the author never changes); notes merged in under another's name
  stay local and are counted;
- guidelines and label descriptions: this annotator's own, only when they are a reviewer on
  the hub (row-level security refuses anyone else): otherwise they stay local, their
  watermark waits, and the report counts them;
- reviews carry their method (hand, majority, unanimous) through hub.merge_review_decided.
Pull: notes on the documents this project holds (as decisions), every guideline, in the
pull's snapshot, checked as a teammate's file's: text limits, uid, a described label the
project must have (labels are pulled first). A hub older than TEAMWORK_VERSION holds none of
it: notes and guidelines wait (the report says to run `hub init`), reviews go up without
their method.

Every sync also remembers, in the project, whether its annotator is a reviewer on the hub
(core/team/guidelines.py HUB_ROLE): the window and the CLI let only reviewers edit.
"""

from __future__ import annotations

from typing import Any

import orjson

from annotator.core.errors import SpanError
from annotator.core.hub.schema import TEAMWORK_VERSION
from annotator.core.settings import HUB_ROLE, settings
from annotator.core.team.guidelines import ROLE_ANNOTATOR, ROLE_REVIEWER
from annotator.core.text.free_text import TeamTextError, check_text

NOTE_COLS = "d.hash, x.author, x.uid, x.text, x.created, x.updated, x.deleted"
GUIDELINE_COLS = "x.subject, x.author, x.text, x.examples, x.updated"


def remember_role(store: Any, is_reviewer: bool) -> None:
    """The project remembers its annotator's role on the hub (a write only when it changed)."""
    role = ROLE_REVIEWER if is_reviewer else ROLE_ANNOTATOR
    if settings(store).get(HUB_ROLE) != role:
        settings(store).set(HUB_ROLE, role)


def note_tables(version: int) -> tuple[tuple[str, str], ...]:
    """The per-document tables of this part pulled from a hub at `version` (pull.tables)."""
    return (("notes", NOTE_COLS),) if version >= TEAMWORK_VERSION else ()


def review_cols(version: int) -> str:
    return "d.hash, x.reviewer, x.spans, x.sources, x.created" + (", x.method" if version >= TEAMWORK_VERSION else "")


# ---- push ---------------------------------------------------------------------------------------
def push_reviews(run: Any) -> None:
    """This reviewer's reviews and their history, with their method when the hub holds it."""
    if run.info.version >= TEAMWORK_VERSION:
        current, history, function = run.store.changed_reviews, run.store.review_history_after, "merge_review_decided"
    else:
        def trim(fetch: Any) -> Any:
            def rows(after: int, limit: int) -> list[tuple[Any, ...]]:
                got = fetch(after, limit)
                run.report.review_methods_dropped += sum(1 for r in got if r[6] != "hand" and r[2] == run.info.user
                                                         and r[1] not in run.samples)
                return [r[:6] for r in got]
            return rows
        current, history, function = trim(run.store.changed_reviews), trim(run.store.review_history_after), "merge_review"
    run._push_with_history("reviews", current, history, ("pushed_review_rev", "pushed_review_history"), function,
                           run.report.pushed_reviews)


def push_notes(run: Any) -> None:
    if run.info.version < TEAMWORK_VERSION:
        run.report.teamwork_waiting += run.store.count_changed("note", run.state.pushed_note_rev)
        return
    def fetch(after: int) -> list[tuple[Any, ...]]:  # SQLite's 0/1 as PostgreSQL's boolean
        return [(*r[:7], bool(r[7])) for r in run.store.changed_notes(after, run.chunk)]

    run._push("notes", fetch, "pushed_note_rev", "merge_note", run.report.pushed_notes, "kept_local_notes")


def push_guidelines(run: Any) -> None:
    waiting = run.store.count_changed("guideline", run.state.pushed_guideline_rev)
    if run.info.version < TEAMWORK_VERSION:
        run.report.teamwork_waiting += waiting
        return
    if not run.info.is_reviewer:
        # Not pushed, the watermark stays: they go up once the role becomes a reviewer.
        run.report.kept_local_guidelines = waiting
        return
    run._push("guidelines", lambda w: run.store.changed_guidelines(w, run.chunk), "pushed_guideline_rev",
              "merge_guideline", run.report.pushed_guidelines, "kept_local_guidelines")


# ---- pull ---------------------------------------------------------------------------------------
def apply_note(store: Any, doc_id: int, row: tuple[Any, ...]) -> str:
    """A hub note (hash, author, uid, text, created, updated, deleted), checked, merged."""
    _hash, author, uid, text, created, updated, deleted = row
    if not isinstance(uid, str) or not 8 <= len(uid) <= 64 or not isinstance(author, str) or not author:
        raise ValueError("its uid or author is not what annotator writes")
    check_text(text, "its text")
    return store.merge_note(uid, doc_id, author, text, float(created), float(updated), bool(deleted))


def pull_guidelines(run: Any, lo: int, hi: int) -> None:
    """Guidelines changed on the hub in [lo, hi), current then history, inside the pull's
    snapshot and local transaction (sync.py pull_changes)."""
    if run.info.version < TEAMWORK_VERSION:
        return
    cur = run.conn.cursor()
    for table in ("guidelines", "guideline_history"):
        rows = cur.execute(f"SELECT {GUIDELINE_COLS} FROM hub.{table} x WHERE x.xid >= %s::text::xid8 "
                           "AND x.xid < %s::text::xid8 ORDER BY x.xid", (str(lo), str(hi))).fetchall()
        for row in rows:
            _apply_guideline(run.store, row, run.report.pulled)


def _apply_guideline(store: Any, row: tuple[Any, ...], counts: Any) -> None:
    subject, author, text, examples, updated = row
    try:
        if subject and subject not in store.label_names():
            raise ValueError(f"it describes {str(subject)[:40]!r}, which is not a label here")
        phrases = orjson.loads(examples)
        if not isinstance(phrases, list) or not all(isinstance(x, str) for x in phrases):
            raise ValueError("its examples are not a list of phrases")
        check_text(text, "its text")
        for phrase in phrases:
            check_text(phrase, "an example")
        counts.guidelines[store.merge_guideline(subject, text, phrases, author, float(updated))] += 1
    except (TeamTextError, SpanError, ValueError, TypeError, orjson.JSONDecodeError) as exc:
        counts.reject(f"guideline {str(subject)[:40]!r} by {str(author)[:40]}: {exc}")
