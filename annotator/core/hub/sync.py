"""`sync()`: push what the hub lacks, pull what this project lacks (issue 12).

Order: labels, documents, this annotator's decisions (current, then history), reviews (if
this annotator is a reviewer), this annotator's decision records (the window's seconds and
suggestions at opening), notes and guidelines (core/hub/teamwork.py), pattern changes (a
reviewer's: core/hub/patterns.py), assignments, then everything changed on the hub since the
last pull. Every step is one hub transaction then one local transaction per chunk of CHUNK
rows, and each watermark is written with (pulls) or right after (pushes) the data it covers: a sync killed, cut off or facing a stopped server at any point leaves both sides
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
"""

from __future__ import annotations

import contextlib
import functools
import time
from typing import Any, Callable, Iterator

from annotator.core.hub import pull, teamwork
from annotator.core.hub.connection import HubError, HubOffline, check_url, connect, is_offline, safe_url
from annotator.core.hub.patterns import pull_patterns, push_patterns
from annotator.core.hub.report import SyncReport
from annotator.core.hub.roles import HubInfo, check_name, hub_info
from annotator.core.team import identity
from annotator.core.hub.routing import DEFAULT_BATCH, fair_share
from annotator.core.project import sample_hashes
from annotator.core.hub.schema import DECISION_TIMES_VERSION
from annotator.core.store import HubState, Store

CHUNK = 500
ProgressFn = Callable[[str, int, int], None]
_RETRIES = 3


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextlib.contextmanager
def hub_errors(doing: str) -> Iterator[None]:
    """psycopg errors as HubError messages a person can act on."""
    import psycopg

    try:
        yield
    except psycopg.errors.InsufficientPrivilege as exc:
        raise HubError(f"the hub refused {doing}: {_first_line(exc)}") from None
    except psycopg.OperationalError as exc:
        error = HubOffline if is_offline(exc) else HubError
        raise error(f"lost the hub while {doing} ({_first_line(exc)}); nothing was "
                    "half-written: sync again when the hub is back") from None
    except psycopg.Error as exc:
        raise HubError(f"the hub failed while {doing}: {_first_line(exc)}") from None


def _parse_user(url: str) -> str | None:
    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(url).get("user")


def check_target(url: str, annotator: str | None) -> str:
    """The URL, once it is fit for a sync as `annotator` (no network): no password in it, a
    valid hub name, and the URL's user (if any) is that name. HubError says what to change."""
    url = check_url(url)
    if annotator is not None:
        check_name(annotator)
        url_user = _parse_user(url)
        if url_user and url_user != annotator:
            raise HubError(f"the URL logs in as {url_user} but the annotator is {annotator}: your "
                           "hub annotator name is your PostgreSQL role, use one name")
    return url


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
         password: str | None = None, batch: int = DEFAULT_BATCH,
         on_progress: ProgressFn | None = None) -> SyncReport:
    """Sync the project with the hub at `url` as `annotator` (default: the URL's user; the
    annotator name is the PostgreSQL role). on_progress(stage, done, total) after each
    chunk. Raises HubError (nothing half-written) when the hub fails or refuses."""
    url = check_target(url, annotator)
    given = annotator
    if annotator is None and not _parse_user(url):
        who = identity.resolve(store, write=False)
        annotator = who.name if who.chosen else None
    started = time.monotonic()
    conn = connect(url, user=annotator, password=password)
    try:
        with hub_errors("reading the hub"):
            info = hub_info(conn)
        if annotator is not None and info.user != annotator:
            raise HubError(f"connected as {info.user}, not {annotator}: use {annotator} in the URL")
        check_name(info.user)
        if given is not None or identity.project_name(store) is None:
            identity.remember(store, info.user)
        state = store.hub_state(info.hub_id, info.user, safe_url(url))
        teamwork.remember_role(store, info.is_reviewer)
        run = _Run(store, conn, info, state, SyncReport(safe_url(url), info.user, info.hub_id),
                   on_progress or (lambda stage, done, total: None))
        for stage, step in (("labels", run.labels), ("documents", run.push_documents),
                            ("decisions", run.push_decisions), ("reviews", run.push_reviews),
                            ("decision records", run.push_decision_times),
                            ("notes", lambda: teamwork.push_notes(run)),
                            ("guidelines", lambda: teamwork.push_guidelines(run)),
                            ("patterns", lambda: push_patterns(run))):
            with hub_errors(f"pushing {stage}"):
                step()
        with hub_errors("pulling assignments"):
            run.claim(batch)
        with hub_errors("pulling changes"):
            run.pull_changes(pull_all)
        run.report.seconds = time.monotonic() - started
        return run.report
    finally:
        conn.close()


class _Run:
    """One sync's steps; each is a loop of (hub transaction, local transaction)."""

    def __init__(self, store: Store, conn: Any, info: HubInfo, state: HubState,
                 report: SyncReport, progress: ProgressFn):
        self.store, self.conn, self.info, self.state = store, conn, info, state
        self.report, self.progress = report, progress
        self.chunk = CHUNK
        self.samples = sample_hashes(store)  # never pushed (module rules)
        report.kept_local_samples = len(self.samples)

    def labels(self) -> None:
        def on_hub() -> list[tuple[Any, ...]]:
            mine = self.store.labels()
            with self.conn.transaction():
                cur = self.conn.cursor()
                cur.execute("INSERT INTO hub.labels (name, color, key, position) SELECT * FROM "
                            "unnest(%s::text[], %s::text[], %s::text[], %s::int[]) "
                            "ON CONFLICT (name) DO NOTHING RETURNING name",
                            ([l.name for l in mine], [l.color for l in mine], [l.key for l in mine],
                             [l.position for l in mine]))
                self.report.pushed_labels = len(cur.fetchall())
                return cur.execute("SELECT name, color, key FROM hub.labels ORDER BY position, name").fetchall()

        theirs = _retry(on_hub)
        known = set(self.store.label_names())
        if all(name in known for name, _c, _k in theirs):
            self.progress("labels", 1, 1)
            return
        with self.store.hub_pull_transaction():
            keys = {l.key for l in self.store.labels()}
            for name, color, key in theirs:
                if name not in known:
                    self.store.add_label(name, color, key if key not in keys else None)
                    keys.add(key)
                    self.report.pulled.labels += 1
        self.progress("labels", 1, 1)

    def push_documents(self) -> None:
        total = self.store.count_documents_after(self.state.pushed_document)
        done = 0
        while rows := self.store.documents_after(self.state.pushed_document, CHUNK):
            ours = [r for r in rows if r[1] not in self.samples]
            new, found = _retry(functools.partial(self._insert_documents, ours)) if ours else (set(), {})
            with self.store.hub_pull_transaction():
                pull.apply_all(self.store, found, self.report.pulled)
                self.store.save_hub_state(self.state, pushed_document=rows[-1][0])
            self.report.pushed_documents += len(new)
            self.report.documents_already_on_hub += len(ours) - len(new)
            done += len(rows)
            self.progress("documents", done, total)

    def _insert_documents(self, rows: list[tuple[Any, ...]]
                          ) -> tuple[set[str], dict[str, list[tuple[Any, ...]]]]:
        """One hub transaction: add the documents it lacks; returns their hashes, and what
        is on the documents it already had (brought along to this project)."""
        hashes = [r[1] for r in rows]
        with self.conn.transaction():
            cur = self.conn.cursor()
            cur.execute("INSERT INTO hub.documents (hash, body, meta, added) SELECT * FROM "
                        "unnest(%s::text[], %s::bytea[], %s::text[], %s::float8[]) "
                        "ON CONFLICT (hash) DO NOTHING RETURNING hash",
                        (hashes, [r[2].encode("utf-8", "surrogatepass") for r in rows],
                         [r[3] for r in rows], [r[4] for r in rows]))
            new = {r[0] for r in cur.fetchall()}
            old = [h for h in hashes if h not in new]
            return new, (pull.rows_on_documents(cur, old, self.info.version) if old else {})

    def _merge_on_hub(self, function: str, params: list[tuple[Any, ...]]) -> list[str]:
        def on_hub() -> list[str]:
            with self.conn.transaction():
                cur = self.conn.cursor()
                marks = ", ".join(["%s"] * len(params[0]))
                cur.executemany(f"SELECT hub.{function}({marks})", params, returning=True)
                out = []
                while True:
                    out.append(cur.fetchone()[0])
                    if not cur.nextset():
                        return out

        return _retry(on_hub) if params else []

    def _push(self, stage: str, fetch: Callable[[int], list[tuple[Any, ...]]], mark: str,
              function: str, counter: Any, kept: str | None) -> None:
        """Push this annotator's rows from fetch(watermark) in chunks; others stay local and
        are counted in report.<kept> with their names (None: not counted, e.g. history). Rows
        on the sample articles stay local (counted in report.sample_work)."""
        done = 0
        while rows := fetch(getattr(self.state, mark)):
            on_samples = [r for r in rows if r[1] in self.samples]
            ours = [r for r in rows if r[1] not in self.samples]
            mine = [r[1:] for r in ours if r[2] == self.info.user]
            for outcome in self._merge_on_hub(function, mine):
                counter[outcome] += 1
            if kept:
                setattr(self.report, kept, getattr(self.report, kept) + len(ours) - len(mine))
                self.report.kept_names.setdefault(stage, set()).update(
                    str(r[2]) for r in ours if r[2] != self.info.user)
                if stage in ("decisions", "reviews", "notes"):
                    self.report.sample_work += len(on_samples)
            self.store.save_hub_state(self.state, **{mark: rows[-1][0]})
            done += len(rows)
            self.progress(stage, done, 0)

    def _push_with_history(self, kind: str, current: Callable[..., list[tuple[Any, ...]]],
                           history: Callable[..., list[tuple[Any, ...]]], marks: tuple[str, str],
                           function: str, counter: Any) -> None:
        """Current versions first, then history (as `annotator merge` does)."""
        self._push(kind, lambda w: current(w, CHUNK), marks[0], function, counter,
                   f"kept_local_{kind}")
        self._push(kind, lambda w: history(w, CHUNK), marks[1], function, counter, None)

    def push_decisions(self) -> None:
        self._push_with_history("decisions", self.store.changed_annotations, self.store.annotation_history_after,
                                ("pushed_rev", "pushed_annotation_history"), "merge_decision",
                                self.report.pushed_decisions)

    def push_reviews(self) -> None:
        if not self.info.is_reviewer:
            # Not pushed, and the watermark stays: they go up once the role becomes a reviewer.
            by_name = self.store.changed_reviewers(self.state.pushed_review_rev, self.samples)
            self.report.reviews_waiting_for_role = by_name.pop(self.info.user, 0)
            self.report.kept_local_reviews = sum(by_name.values())
            self.report.kept_names.setdefault("reviews", set()).update(by_name)
            return
        teamwork.push_reviews(self)  # with how each was decided, where the hub holds it

    def push_decision_times(self) -> None:
        if self.info.version < DECISION_TIMES_VERSION:
            # The hub cannot hold them yet: the watermark waits for `hub init` to upgrade it.
            self.report.decision_times_waiting = self.store.count_changed_decision_times(
                self.state.pushed_time_rev, self.info.user)
            return
        self._push("decision records", lambda w: self.store.changed_decision_times(w, CHUNK), "pushed_time_rev",
                   "add_decision_time", self.report.pushed_decision_times, "kept_local_decision_times")

    def claim(self, batch: int) -> None:
        """Top up this annotator's assignments; fetch the documents (and what is on them)
        that the project lacks; remember the assignments locally."""
        if not self.info.is_annotator or batch <= 0:
            return

        def on_hub() -> list[tuple[int, str, float]]:
            with self.conn.transaction():
                return self.conn.execute("SELECT document_id, hash, expires FROM hub.claim(%s)",
                                         (fair_share(self.conn, batch),)).fetchall()

        assigned = _retry(on_hub)
        hashes = [r[1] for r in assigned]
        missing = [h for h in hashes if h not in self.store.ids_for_hashes(hashes)]
        docs: list[tuple[Any, ...]] = []
        found: dict[str, list[tuple[Any, ...]]] = {}
        if missing:
            with self.conn.transaction():
                cur = self.conn.cursor()
                docs = cur.execute("SELECT hash, body, meta FROM hub.documents WHERE hash = ANY(%s)",
                                   (missing,)).fetchall()
                found = pull.rows_on_documents(cur, missing, self.info.version)
        held = self.store.hub_assignments(self.info.hub_id, self.info.user)
        if missing or held != {(h, exp) for _, h, exp in assigned}:
            with self.store.hub_pull_transaction():
                self._add_documents(docs)
                pull.apply_all(self.store, found, self.report.pulled)
                ids = self.store.ids_for_hashes(hashes)
                self.store.set_hub_assignments(self.info.hub_id, self.info.user,
                                               [(ids[h], exp) for _, h, exp in assigned if h in ids])
        self.report.assigned = len(assigned)
        self.report.assigned_received = len(set(missing) & {d[0] for d in docs})
        self.progress("assignments", 1, 1)

    def _add_documents(self, docs: list[tuple[Any, ...]]) -> list[str]:
        """Add hub documents; they need no pushing back, so the document watermark follows
        when nothing local was waiting below it."""
        before = self.store.max_document_id()
        held = pull.add_documents(self.store, docs, self.report.pulled)
        if self.state.pushed_document >= before:
            self.store.save_hub_state(self.state, pushed_document=self.store.max_document_id())
        return held

    def pull_changes(self, pull_all: bool) -> None:
        """Everything written on the hub since the last pull, in one snapshot and one local
        transaction that also moves the watermarks."""
        lo = self.state.pulled_xid
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            hi = max(lo, int(self.conn.execute(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text").fetchone()[0]))
            with self.store.hub_pull_transaction():
                if pull_all:
                    self._pull_all_documents(self.state.pulled_all_xid, hi)
                for table, cols in pull.tables(self.info.version):
                    cur = self.conn.cursor(name=f"pull_{table}")
                    cur.execute(f"SELECT {cols} FROM hub.{table} x JOIN hub.documents d "
                                "ON d.id = x.document_id WHERE x.xid >= %s::text::xid8 "
                                "AND x.xid < %s::text::xid8", (str(lo), str(hi)))
                    while rows := cur.fetchmany(1000):
                        ids = self.store.ids_for_hashes(sorted({r[0] for r in rows}))
                        pull.apply_rows(self.store, table, rows, ids, self.report.pulled)
                    cur.close()
                teamwork.pull_guidelines(self, lo, hi)
                pull_patterns(self.conn, self.store, lo, hi, self.info.version, self.report.patterns)
                marks = {"pulled_xid": hi, "last_sync": time.time(),
                         **({"pulled_all_xid": hi} if pull_all else {})}
                self.store.save_hub_state(self.state, **marks)
        self.progress("pull", 1, 1)

    def _pull_all_documents(self, lo: int, hi: int) -> None:
        cur = self.conn.cursor(name="pull_documents")
        cur.execute("SELECT hash, body, meta FROM hub.documents WHERE xid >= %s::text::xid8 "
                    "AND xid < %s::text::xid8 ORDER BY id", (str(lo), str(hi)))
        other = self.conn.cursor()
        while rows := cur.fetchmany(1000):
            held = self.store.ids_for_hashes([r[0] for r in rows])
            new = [r for r in rows if r[0] not in held]
            if new:
                hashes = self._add_documents(new)
                pull.apply_all(self.store, pull.rows_on_documents(other, hashes, self.info.version),
                               self.report.pulled)
        cur.close()
