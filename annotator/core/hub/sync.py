"""`sync()`: push what the hub lacks, pull what this project lacks (issue 12). It only
orchestrates: the hub's statements are hub_store.py's, the admission of what comes back is
pull.py's, the project's side is the store's (store/sync_state.py).

Order: labels, documents, this annotator's decisions (current, then history), reviews (if
this annotator is a reviewer), this annotator's decision records (the window's seconds and
suggestions at opening), notes and guidelines (core/hub/teamwork.py), pattern changes (a
reviewer's: core/hub/patterns.py), assignments, then everything changed on the hub since the
last pull. Every step is one hub transaction then one local transaction per chunk of CHUNK
rows, and each watermark is written with (pulls) or right after (pushes) the data it
covers: a sync killed, cut off or facing a stopped server at any point leaves both sides
whole, and the next sync completes it (a repeated push merges as "unchanged").

Pull rule: the hub's rows carry the id of the transaction that wrote them (xid8). A pull
reads, in one REPEATABLE READ snapshot, the rows with pulled_xid <= xid < xmin, where xmin
is the oldest transaction still running (pg_snapshot_xmin): every transaction below it has
finished, so no row can commit later below the new watermark.

Decisions reach a project only on documents it holds: the assigned ones, the ones it
pushed (a document already on the hub brings along every decision and review on it), and
with pull_all every document. A local decision under another annotator's name (merged from
a file) is never pushed as theirs: it stays local and the report counts it.

The bundled sample articles (core/project.py marks them when seeded) never go to a hub:
neither they nor any decision, review, decision record or note on them; the report counts them.

Who syncs (core/team/identity.py): the annotator given, else the URL's user, else this project's
name. The hub name becomes the project's name when the project has none yet (or when it was
given): the work of a project that joined a hub is signed with the name the hub knows.

Decision records follow the decisions' rule: only this annotator's are pushed (the hub's
row-level security refuses any other name), each added once (document, annotator, decided)
and never changed; others' merged from a file stay local and are counted; records on the
documents this project holds are pulled, whoever made them. With a hub older than hub
schema 2 they stay local (their watermark waits) and the report says to run `hub init`.

Issue 29, one teammate's bad row never stops the team:
- Pulls admit row by row (pull.py): a bad row is skipped and counted, the rest applied, and
  the watermark moves past it.
- Pushes send only what the hub admits (the same rules, hub/checks.py): a value of this
  project the hub would refuse (a label made before the label-name rule, a NUL in a text
  from an older import) stays local, is counted with its reason, and its watermark moves
  (a later change of that row is pushed again). Should the hub refuse a chunk anyway, its
  rows go one by one and only the refused ones stay local.
- Waiting is bounded: LOCK_TIMEOUT_S for a teammate's lock, STATEMENT_TIMEOUT_S a statement;
  then HubBusy, "the hub is busy; try again", nothing half-written.
- A URL read from the project file (url_from_file) is used only when the person chose that
  hub on this machine (trust.py); a URL given to sync() is chosen by being given.
- A connection to a host other than this machine without TLS is said once per project.
"""

from __future__ import annotations

import contextlib
import functools
import time
from typing import Any, Callable, Iterator, Sequence

import orjson

from annotator.core.text.admission import (
    MAX_JSON_BYTES, MIB, AdmissionError, admit_text, admit_time, json_has_nul, utf8_size_over,
)
from annotator.core.hub import teamwork
from annotator.core.errors import AnnotatorError
from annotator.core.hub.connection import (  # noqa: F401 - HubBusy: the sync's error, imported from here
    LOCK_TIMEOUT_S, STATEMENT_TIMEOUT_S, HubBusy, HubError, HubOffline, check_url, connect, is_local, is_offline,
    safe_url,
)
from annotator.core.hub.hub_store import HubDocument, HubStore
from annotator.core.hub.patterns import pull_patterns, push_patterns
from annotator.core.hub.pull import Puller
from annotator.core.hub.report import SyncReport
from annotator.core.hub.roles import HubInfo, check_name, hub_info
from annotator.core.hub.trust import HubNotChosen, check_chosen, check_target, parse_user  # noqa: F401 - re-exported
from annotator.core.hub.routing import DEFAULT_BATCH
from annotator.core.hub.schema import DECISION_TIMES_VERSION
from annotator.core.progress import Progress
from annotator.core.project import sample_hashes
from annotator.core.team import identity
from annotator.core.text.labels import LabelError, admit_label, check_name as check_label_name
from annotator.core.store import HubState, Store
from annotator.core.settings import HUB_PLAINTEXT_WARNED, settings

CHUNK = 500
_RETRIES = 3
PLAINTEXT_WARNED = HUB_PLAINTEXT_WARNED.name  # the URL already warned about (core/settings.py)
PLAINTEXT_WARNING = ("this hub connection is not encrypted: your password's proof and your data "
                     "cross the network readable; add ?sslmode=verify-full with the server's CA "
                     "(README, Team hub)")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextlib.contextmanager
def hub_errors(doing: str) -> Iterator[None]:
    """psycopg errors as HubError messages a person can act on."""
    import psycopg

    try:
        yield
    except (psycopg.errors.LockNotAvailable, psycopg.errors.QueryCanceled):
        raise HubBusy(f"the hub is busy; try again ({doing} waited too long for a teammate's "
                      "transaction; nothing was half-written)") from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise HubError(f"the hub refused {doing}: {_first_line(exc)}") from None
    except psycopg.OperationalError as exc:
        error = HubOffline if is_offline(exc) else HubError
        raise error(f"lost the hub while {doing} ({_first_line(exc)}); nothing was "
                    "half-written: sync again when the hub is back") from None
    except psycopg.Error as exc:
        raise HubError(f"the hub failed while {doing}: {_first_line(exc)}") from None


def _retry(call: Callable[[], Any]) -> Any:
    """Run a hub transaction again when PostgreSQL rolled it back for a deadlock or a
    serialization conflict with another sync (it left nothing behind)."""
    import psycopg

    for attempt in range(_RETRIES):
        try:
            return call()
        except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
            if attempt == _RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def sync(store: Store, url: str, annotator: str | None = None, *, pull_all: bool = False,
         password: str | None = None, batch: int = DEFAULT_BATCH, url_from_file: bool = False,
         give_back: bool = False, on_progress: Progress | None = None, on_stage: Callable[[str], None] | None = None,
         lock_timeout_s: float = LOCK_TIMEOUT_S, statement_timeout_s: float = STATEMENT_TIMEOUT_S) -> SyncReport:
    """Sync the project with the hub at `url` as `annotator` (default: the URL's user; the
    annotator name is the PostgreSQL role). on_stage("labels", "documents"... "pull") as each step
    begins, then on_progress(done, total) after each of its chunks (total 0: not known). url_from_file: the
    URL was read from the project (see check_chosen). give_back: after pushing your work, your
    open assignments return to the hub's queue (hub.release) and none are taken. Raises HubError (nothing half-written)
    when the hub fails or refuses, HubBusy when it waited past the timeouts."""
    url = check_target(url, annotator, from_file=url_from_file)
    check_chosen(url, url_from_file)
    given = annotator
    if annotator is None and not parse_user(url):
        who = identity.resolve(store, write=False)
        annotator = who.name if who.chosen else None
    started = time.monotonic()
    conn = connect(url, user=annotator, password=password, waits=(lock_timeout_s, statement_timeout_s))
    try:
        with hub_errors("reading the hub"):
            info = hub_info(conn)
            hub = HubStore(conn, info.version)
        if annotator is not None and info.user != annotator:
            raise HubError(f"connected as {info.user}, not {annotator}: use {annotator} in the URL")
        check_name(info.user)
        if given is not None or identity.project_name(store) is None:
            identity.remember(store, info.user)
        state = store.sync.hub_state(info.hub_id, info.user, safe_url(url))
        teamwork.remember_role(store, info.is_reviewer)
        run = _Run(store, hub, info, state, SyncReport(safe_url(url), info.user, info.hub_id),
                   on_progress or (lambda done, total: None))
        on_stage = on_stage or (lambda stage: None)
        run.warn_if_plaintext(conn)
        for stage, step in (("labels", run.labels), ("documents", run.push_documents),
                            ("decisions", run.push_decisions), ("reviews", run.push_reviews),
                            ("decision records", run.push_decision_times),
                            ("notes", lambda: teamwork.push_notes(run)),
                            ("guidelines", lambda: teamwork.push_guidelines(run)),
                            ("patterns", lambda: push_patterns(run))):
            on_stage(stage)
            with hub_errors(f"pushing {stage}"):
                step()
        on_stage("assignments")
        with hub_errors("giving back assignments" if give_back else "pulling assignments"):
            if give_back:
                run.give_back()
            else:
                run.claim(batch)
        on_stage("pull")
        with hub_errors("pulling changes"):
            run.pull_changes(pull_all)
        run.report.seconds = time.monotonic() - started
        return run.report
    finally:
        conn.close()


def _pushable_document(row: Sequence[Any]) -> tuple[str, bytes, str, float]:
    """(hash, UTF-8 body, meta, added) of a local document row, or AdmissionError."""
    _id, digest, text, meta, added = row
    admit_text(text)
    try:
        body = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise AdmissionError(f"the text holds a lone surrogate U+{ord(text[exc.start]):04X}") from None
    if json_has_nul(meta):
        raise AdmissionError("NUL in the meta")
    if utf8_size_over(meta, MAX_JSON_BYTES):
        raise AdmissionError(f"meta is larger than the {MAX_JSON_BYTES // MIB} MiB limit")
    return digest, body, meta, admit_time(added, "added")


class _Pushable:
    """The hub's rules on a local row's values, before it is sent (checks.py): spans and
    suggested spans within MAX_JSON_BYTES, no NUL, labels by the label rule; times finite."""

    def __init__(self) -> None:
        self._labels: dict[str, str | None] = {}  # label -> why the hub refuses it (None: fine)

    def spans(self, raw: Any) -> None:
        if raw is None:
            return
        if utf8_size_over(raw, MAX_JSON_BYTES):
            raise AdmissionError(f"spans are larger than the {MAX_JSON_BYTES // MIB} MiB limit")
        for label in {s.get("label") for s in orjson.loads(raw) if isinstance(s, dict)}:
            if label not in self._labels:
                try:
                    check_label_name(label, strip=False)
                    self._labels[label] = None
                except LabelError as exc:
                    self._labels[label] = str(exc)
            if self._labels[label]:
                raise AdmissionError(self._labels[label])
        if json_has_nul(raw):
            raise AdmissionError("NUL in a span's source")


class _Run:
    """One sync's steps; each is a loop of (hub transaction, local transaction)."""

    def __init__(self, store: Store, hub: HubStore, info: HubInfo, state: HubState,
                 report: SyncReport, progress: Progress):
        self.store, self.hub, self.info, self.state = store, hub, info, state
        self.report, self.progress = report, progress
        self.pushable = _Pushable()
        self.chunk = CHUNK
        self.samples = sample_hashes(store)  # never pushed (module rules)
        report.kept_local_samples = len(self.samples)

    def warn_if_plaintext(self, conn: Any) -> None:
        """Once per project and hub: a connection to another machine without TLS."""
        if conn.pgconn.ssl_in_use or is_local(conn.info.host):
            return
        if settings(self.store).get(HUB_PLAINTEXT_WARNED) != self.report.hub:
            self.report.warnings.append(PLAINTEXT_WARNING)
            settings(self.store).set(HUB_PLAINTEXT_WARNED, self.report.hub)

    def _sent(self, kind: str, rows: list[Any], send: Callable[[list[Any]], Any], empty: Any) -> list[Any]:
        """send(rows) in one hub transaction; if the hub refuses the chunk (a CHECK this client
        did not foresee, or a row on a document this project kept local, which the hub lacks),
        each row alone, the refused ones kept local. Returns the results of the accepted sends."""
        import psycopg

        refusals = (psycopg.errors.CheckViolation, psycopg.errors.ForeignKeyViolation)
        if not rows:
            return [empty]
        try:
            return [_retry(functools.partial(send, rows))]
        except refusals:
            out = []
            for row in rows:
                try:
                    out.append(_retry(functools.partial(send, [row])))
                except psycopg.errors.ForeignKeyViolation:
                    self.report.refused[(kind, "its document is not on the hub")] += 1
                except psycopg.errors.CheckViolation as exc:
                    self.report.refused[(kind, _first_line(exc))] += 1
            return out

    # ---- labels ----------------------------------------------------------------------------
    def labels(self) -> None:
        """Push the labels the hub lacks (each by the label rule), then pull those this
        project lacks (pull.Puller.add_labels: one pass, within the cap)."""
        theirs = _retry(self.hub.labels)
        on_hub = {l.name for l in theirs}
        mine = []
        for label in self.store.labels.all():
            try:
                admit_label(label.name, label.color, label.key)
            except LabelError as exc:
                self.report.refused[("label", str(exc))] += 1
                continue
            if label.name not in on_hub:
                mine.append((label.name, label.color, label.key, label.position))
        if mine:
            self.report.pushed_labels = sum(self._sent("label", mine, self.hub.add_labels, 0))
        known = set(self.store.labels.label_names())
        new = [l for l in theirs if l.name not in known]
        if new:
            with self.store.sync.hub_pull_transaction():
                Puller(self.store, self.report.pulled).add_labels(new)
        self.progress(1, 1)

    # ---- documents -------------------------------------------------------------------------
    def push_documents(self) -> None:
        total = self.store.sync.count_documents_after(self.state.pushed_document)
        done = 0
        while rows := self.store.sync.documents_after(self.state.pushed_document, CHUNK):
            ours = [r for r in rows if r[1] not in self.samples]
            sendable = []
            for row in ours:
                try:
                    sendable.append(_pushable_document(row))
                except AdmissionError as exc:
                    self.report.refused[("document", str(exc))] += 1
            new: set[str] = set().union(*self._sent("document", sendable, self.hub.add_documents, set()))
            old = [r[0] for r in sendable if r[0] not in new]
            with self.store.sync.hub_pull_transaction():
                if old:  # already on the hub: what is on them comes to this project
                    with self.hub.reading():
                        puller = Puller(self.store, self.report.pulled)
                        for found in self.hub.rows_on_documents(old):
                            puller.apply(found)
                self.store.sync.save_hub_state(self.state, pushed_document=rows[-1][0])
            self.report.pushed_documents += len(new)
            self.report.documents_already_on_hub += len(sendable) - len(new)
            done += len(rows)
            self.progress(done, total)

    # ---- decisions, reviews, records -------------------------------------------------------
    def send(self, kind: str, function: str, params: list[tuple[Any, ...]]) -> list[str]:
        """hub.<function>(...) for each row (one transaction; the refused rows kept local and
        counted, see _sent); the outcomes of those the hub took."""
        return [o for outcomes in self._sent(kind, params, functools.partial(self.hub.merge, function), [])
                for o in outcomes]

    def push(self, stage: str, kind: str, fetch: Callable[[int], list[tuple[Any, ...]]], mark: str,
             function: str, counter: Any, kept: str | None, check: Callable[[tuple[Any, ...]], None]) -> None:
        """Push this annotator's rows from fetch(watermark) in chunks; others stay local and
        are counted in report.<kept> with their names (None: not counted, e.g. history); rows
        the hub would refuse (check) stay local and are counted in report.refused; rows on the
        sample articles stay local (counted in report.sample_work)."""
        done = 0
        while rows := fetch(getattr(self.state, mark)):
            on_samples = [r for r in rows if r[1] in self.samples]
            ours = [r for r in rows if r[1] not in self.samples]
            mine = [r[1:] for r in ours if r[2] == self.info.user]
            sendable = []
            for row in mine:
                try:
                    check(row)
                    sendable.append(row)
                except (AnnotatorError, ValueError) as exc:
                    self.report.refused[(kind, str(exc))] += 1
            for outcome in self.send(kind, function, sendable):
                counter[outcome] += 1
            if kept:
                setattr(self.report, kept, getattr(self.report, kept) + len(ours) - len(mine))
                self.report.kept_names.setdefault(stage, set()).update(
                    str(r[2]) for r in ours if r[2] != self.info.user)
                if stage in ("decisions", "reviews", "notes"):
                    self.report.sample_work += len(on_samples)
            self.store.sync.save_hub_state(self.state, **{mark: rows[-1][0]})
            done += len(rows)
            self.progress(done, 0)

    def push_with_history(self, stage: str, kind: str, current: Callable[[int, int], list[tuple[Any, ...]]],
                          history: Callable[[int, int], list[tuple[Any, ...]]], marks: tuple[str, str],
                          function: str, counter: Any, check: Callable[[tuple[Any, ...]], None]) -> None:
        """Current versions first, then history (as `annotator merge` does)."""
        self.push(stage, kind, functools.partial(_chunk, current), marks[0], function, counter,
                  f"kept_local_{stage}", check)
        self.push(stage, kind, functools.partial(_chunk, history), marks[1], function, counter, None, check)

    def _decision(self, row: tuple[Any, ...]) -> None:
        _hash, _who, _answer, spans, created, updated = row
        self.pushable.spans(spans)
        admit_time(created, "created"), admit_time(updated, "updated")

    def check_review(self, row: tuple[Any, ...]) -> None:
        _hash, _who, spans, sources, created, *_method = row
        self.pushable.spans(spans)
        if json_has_nul(sources):
            raise AdmissionError("NUL in the sources")
        admit_time(created, "created")

    def _record(self, row: tuple[Any, ...]) -> None:
        _hash, _who, _answer, decided, _seconds, suggested = row
        self.pushable.spans(suggested)
        admit_time(decided, "decided")

    def push_decisions(self) -> None:
        self.push_with_history("decisions", "decision", self.store.sync.changed_annotations,
                               self.store.sync.annotation_history_after, ("pushed_rev", "pushed_annotation_history"),
                               "merge_decision", self.report.pushed_decisions, self._decision)

    def push_reviews(self) -> None:
        if not self.info.is_reviewer:
            # Not pushed, and the watermark stays: they go up once the role becomes a reviewer.
            by_name = self.store.sync.changed_reviewers(self.state.pushed_review_rev, self.samples)
            self.report.reviews_waiting_for_role = by_name.pop(self.info.user, 0)
            self.report.kept_local_reviews = sum(by_name.values())
            self.report.kept_names.setdefault("reviews", set()).update(by_name)
            return
        teamwork.push_reviews(self)  # with how each was decided, where the hub holds it

    def push_decision_times(self) -> None:
        if self.info.version < DECISION_TIMES_VERSION:
            # The hub cannot hold them yet: the watermark waits for `hub init` to upgrade it.
            self.report.decision_times_waiting = self.store.sync.count_changed_decision_times(
                self.state.pushed_time_rev, self.info.user)
            return
        self.push("decision records", "decision record", functools.partial(_chunk, self.store.sync.changed_decision_times),
                   "pushed_time_rev", "add_decision_time", self.report.pushed_decision_times,
                   "kept_local_decision_times", self._record)

    # ---- assignments and pulls -------------------------------------------------------------
    def claim(self, batch: int) -> None:
        """Top up this annotator's assignments; fetch the documents (and what is on them)
        that the project lacks; remember the assignments locally."""
        if not self.info.is_annotator or batch <= 0:
            return
        assigned = _retry(functools.partial(self.hub.claim, batch))
        hashes = [r[1] for r in assigned]
        held = self.store.documents.ids_for_hashes(hashes)
        missing = [h for h in hashes if h not in held]
        known = self.store.sync.hub_assignments(self.info.hub_id, self.info.user)
        received = 0
        if missing or known != {(h, exp) for _, h, exp in assigned}:
            with self.store.sync.hub_pull_transaction():
                if missing:  # streamed: a few big documents never sit in memory together
                    with self.hub.reading():
                        puller = Puller(self.store, self.report.pulled)
                        for docs in self.hub.documents(missing):
                            received += len(self._add_documents(docs, puller))
                        for found in self.hub.rows_on_documents(missing):
                            puller.apply(found)
                ids = self.store.documents.ids_for_hashes(hashes)
                self.store.sync.set_hub_assignments(self.info.hub_id, self.info.user,
                                               [(ids[h], exp) for _, h, exp in assigned if h in ids])
        self.report.assigned = len(assigned)
        self.report.assigned_received = received
        self.progress(1, 1)

    def give_back(self) -> None:
        """Return this annotator's open assignments to the queue; the project forgets them."""
        if not self.info.is_annotator:
            return
        self.report.released = _retry(self.hub.release)
        with self.store.sync.hub_pull_transaction():
            self.store.sync.set_hub_assignments(self.info.hub_id, self.info.user, [])
        self.progress(1, 1)

    def _add_documents(self, docs: list[HubDocument], puller: Puller) -> list[str]:
        """Add hub documents; they need no pushing back, so the document watermark follows
        when nothing local was waiting below it."""
        before = self.store.sync.max_document_id()
        held = puller.add_documents(docs)
        if self.state.pushed_document >= before:
            self.store.sync.save_hub_state(self.state, pushed_document=self.store.sync.max_document_id())
        return held

    def pull_changes(self, pull_all: bool) -> None:
        """Everything written on the hub since the last pull, in one snapshot and one local
        transaction that also moves the watermarks (past skipped rows too)."""
        lo = self.state.pulled_xid
        with self.hub.snapshot(lo) as hi, self.store.sync.hub_pull_transaction():
            puller = Puller(self.store, self.report.pulled)
            if pull_all:
                for docs in self.hub.new_documents(self.state.pulled_all_xid, hi):
                    held = self.store.documents.ids_for_hashes([d.hash for d in docs])
                    new = [d for d in docs if d.hash not in held]
                    hashes = self._add_documents(new, puller) if new else []
                    for found in self.hub.rows_on_documents(hashes) if hashes else ():
                        puller.apply(found)
            for rows in self.hub.changes(lo, hi):
                puller.apply(rows)
            teamwork.pull_guidelines(self, lo, hi)
            pull_patterns(self.hub, self.store, lo, hi, self.report.patterns, self.report.pulled)
            marks = {"pulled_xid": hi, "last_sync": time.time(), **({"pulled_all_xid": hi} if pull_all else {})}
            self.store.sync.save_hub_state(self.state, **marks)
        self.progress(1, 1)


def _chunk(fetch: Callable[[int, int], list[tuple[Any, ...]]], watermark: int) -> list[tuple[Any, ...]]:
    return fetch(watermark, CHUNK)

