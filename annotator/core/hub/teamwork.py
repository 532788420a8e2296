"""The team's quality loop through the hub (issue 24): notes, guidelines and label
descriptions, and how each review was decided. Its hub statements are hub_store.py's, as
every sync's are; this module decides what goes up and admits what comes back.

Push (steps of sync.py's run, after the decision records):
- notes: this annotator's own (hub.merge_note: the newer version of a note wins, a
  deletion is a tombstone, the author never changes); notes merged in under another's name
  stay local and are counted;
- guidelines and label descriptions: this annotator's own, only when they are a reviewer on
  the hub (row-level security refuses anyone else): otherwise they stay local, their
  watermark waits, and the report counts them;
- reviews carry their method (hand, majority, unanimous) through hub.merge_review_decided.
Pull: notes on the documents this project holds (as decisions: pull.py admits them), every
guideline, in the pull's snapshot, checked as a teammate's file's: text limits, uid, finite
times, a described label the project must have (labels are pulled first). A bad row is
skipped and counted by teammate and reason (issue 29); the rest is applied. A hub older than
TEAMWORK_VERSION holds none of it: notes and guidelines wait (the report says to run `hub
init`), reviews go up without their method.

Every sync also remembers, in the project, whether its annotator is a reviewer on the hub
(core/team/guidelines.py HUB_ROLE): the window and the CLI let only reviewers edit.
"""

from __future__ import annotations

from typing import Any

import orjson

from annotator.core.text.admission import AdmissionError, admit_person, admit_time
from annotator.core.errors import AnnotatorError
from annotator.core.hub.hub_store import HubGuideline
from annotator.core.hub.pull import admit_free_text
from annotator.core.hub.schema import TEAMWORK_VERSION
from annotator.core.settings import HUB_ROLE, settings
from annotator.core.team.guidelines import ROLE_ANNOTATOR, ROLE_REVIEWER
from annotator.core.text.free_text import check_text
from annotator.core.text.labels import LabelError, check_name


def remember_role(store: Any, is_reviewer: bool) -> None:
    """The project remembers its annotator's role on the hub (a write only when it changed)."""
    role = ROLE_REVIEWER if is_reviewer else ROLE_ANNOTATOR
    if settings(store).get(HUB_ROLE) != role:
        settings(store).set(HUB_ROLE, role)


# ---- push ---------------------------------------------------------------------------------------
def push_reviews(run: Any) -> None:
    """This reviewer's reviews and their history, with their method when the hub holds it."""
    if run.info.version >= TEAMWORK_VERSION:
        current, history, function = run.store.sync.changed_reviews, run.store.sync.review_history_after, "merge_review_decided"
    else:
        def trim(fetch: Any) -> Any:
            def rows(after: int, limit: int) -> list[tuple[Any, ...]]:
                got = fetch(after, limit)
                run.report.review_methods_dropped += sum(1 for r in got if r[6] != "hand" and r[2] == run.info.user
                                                         and r[1] not in run.samples)
                return [r[:6] for r in got]
            return rows
        current, history, function = trim(run.store.sync.changed_reviews), trim(run.store.sync.review_history_after), "merge_review"
    run.push_with_history("reviews", "review", current, history, ("pushed_review_rev", "pushed_review_history"),
                          function, run.report.pushed_reviews, run.check_review)


def push_notes(run: Any) -> None:
    if run.info.version < TEAMWORK_VERSION:
        run.report.teamwork_waiting += run.store.sync.count_changed("note", run.state.pushed_note_rev)
        return
    def fetch(after: int) -> list[tuple[Any, ...]]:  # SQLite's 0/1 as PostgreSQL's boolean
        return [(*r[:7], bool(r[7])) for r in run.store.notes.changed_notes(after, run.chunk)]

    run.push("notes", "note", fetch, "pushed_note_rev", "merge_note", run.report.pushed_notes, "kept_local_notes",
             _pushable_note)


def push_guidelines(run: Any) -> None:
    waiting = run.store.sync.count_changed("guideline", run.state.pushed_guideline_rev)
    if run.info.version < TEAMWORK_VERSION:
        run.report.teamwork_waiting += waiting
        return
    if not run.info.is_reviewer:
        # Not pushed, the watermark stays: they go up once the role becomes a reviewer.
        run.report.kept_local_guidelines = waiting
        return
    run.push("guidelines", "guideline", lambda w: run.store.guidelines.changed_guidelines(w, run.chunk), "pushed_guideline_rev",
             "merge_guideline", run.report.pushed_guidelines, "kept_local_guidelines", _pushable_guideline)


def _pushable_note(row: tuple[Any, ...]) -> None:
    """The hub's rules on a note (checks.py): its text, finite times."""
    _hash, _author, _uid, text, created, updated, _deleted = row
    check_text(text, "its text")
    admit_time(created, "created"), admit_time(updated, "updated")


def _pushable_guideline(row: tuple[Any, ...]) -> None:
    """The hub's rules on a guideline: a subject by the label rule (or '': the guidelines),
    its text and examples, a finite time."""
    subject, _author, text, examples, updated = row
    if subject:
        check_name(subject, strip=False)
    check_text(text, "its text")
    check_text(examples, "its examples")
    admit_time(updated, "updated")


# ---- pull ---------------------------------------------------------------------------------------
def pull_guidelines(run: Any, lo: int, hi: int) -> None:
    """Guidelines changed on the hub in [lo, hi), current then history, inside the pull's
    snapshot and local transaction (sync.py pull_changes); a bad one is skipped and counted."""
    labels = set(run.store.labels.label_names())
    for rows in run.hub.guidelines(lo, hi):
        for row in rows:
            try:
                subject, text, phrases, author, updated = admit_guideline(row, labels)
                run.report.pulled.guidelines[run.store.guidelines.merge_guideline(subject, text, phrases, author, updated)] += 1
            except (AnnotatorError, ValueError, TypeError) as exc:
                run.report.pulled.skip("guideline", row.author, str(exc),
                                       ("guideline", repr(row.subject), row.history, repr(row.updated)))


def admit_guideline(row: HubGuideline, labels: set[str]) -> tuple[str, str, list[str], str, float]:
    """(subject, text, examples, author, updated) of a hub guideline, or an error saying why."""
    subject = row.subject
    if type(subject) is not str:
        raise AdmissionError("its subject is not text")
    if subject:
        try:
            check_name(subject, strip=False)
        except LabelError as exc:
            raise AdmissionError(f"it describes a label the label rule refuses: {exc}") from None
        if subject not in labels:
            raise AdmissionError(f"it describes {subject[:40]!r}, which is not a label here")
    text = admit_free_text(row.text, "its text")
    raw = admit_free_text(row.examples, "its examples")
    try:
        phrases = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise AdmissionError("its examples are not valid JSON") from None
    if not isinstance(phrases, list) or not all(isinstance(x, str) for x in phrases):
        raise AdmissionError("its examples are not a list of phrases")
    for phrase in phrases:
        check_text(phrase, "an example")
    return subject, text, phrases, admit_person(row.author, "author"), admit_time(row.updated, "updated")
