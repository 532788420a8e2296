"""The jobs the window runs in workers (gui/workers.py): pre-annotation, import, export,
tokenising, syncing with the team hub. Each opens its own Store on the project path, reports
through `ctx` and never touches a widget. No Qt here."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from annotator.core.progress import Progress
from annotator.core.store import Store
from annotator.jobs.suggest_process import Ahead, run_child


# The documents the person will see next: set by the GUI thread, read by the suggestion job.
Lookahead = Ahead


def suggest_job(ctx: Any, db_path: Path, model: str | None, lookahead: Ahead, *,
                batch_size: int = 8, labels: list[str] | None = None) -> Any:
    """Load the model and pre-annotate, the lookahead documents first, then the rest of the
    project, in a child process (see suggest_process: model loading holds the GIL too long
    for a thread). Yields ("located"|"loaded", key, name) and ("suggested", ids)."""
    return run_child(ctx, db_path, model, lookahead, batch_size=batch_size, labels=labels)


def matcher_job(ctx: Any, db_path: Path, annotator: str | None = None) -> Any:
    """Build the gold matcher (what this project's accepted spans teach) off the GUI thread."""
    from annotator.core.learning.learned import GoldMatcher

    store = Store(db_path)
    try:
        matcher = GoldMatcher.from_store(store, annotator=annotator)
        # Load spaCy's tokenizer here, not on the GUI thread at the first accept.
        from annotator.core.text.tokens import blank_nlp

        blank_nlp(matcher.lang).make_doc("warm up")
        return matcher
    finally:
        store.close()


def learn_job(ctx: Any, db_path: Path, annotator: str, matcher: Any, doc_ids: list[int]) -> Any:
    """What these documents teach `annotator` now (core/team/gold.learned_version), learned
    into `matcher`, which this worker alone holds meanwhile: its entries for them, not a
    rebuild. Off the GUI thread, as a phrase new to the matcher is counted in every gold
    document. Returns the matcher."""
    from annotator.core.team.gold import learned_version

    store = Store(db_path, readonly=True)
    try:
        items = []
        for doc_id in doc_ids:
            teaches = learned_version(store, doc_id, annotator)
            if teaches is None:
                matcher.remove(doc_id)
            else:
                items.append((doc_id, store.documents.get_document(doc_id).text, list(teaches)))
        matcher.add_many(items)
        return matcher
    finally:
        store.close()


def patterns_job(ctx: Any, db_path: Path) -> Any:
    """The project's PatternMatcher (None when it has no patterns), built off the GUI thread:
    a 100,000-term list takes a second or two."""
    from annotator.core.learning.patterns.precision import matcher_for

    store = Store(db_path, readonly=True)
    try:
        return matcher_for(store) if store.patterns.count_patterns() else None
    finally:
        store.close()


def pattern_figures_job(ctx: Any, db_path: Path) -> tuple[list[Any], Any]:
    """Each pattern's shown / kept / relabelled / removed, and the project's flag rule."""
    from annotator.core.learning.patterns.precision import flag_rule, pattern_figures

    store = Store(db_path, readonly=True)
    try:
        return pattern_figures(store), flag_rule(store)
    finally:
        store.close()


def read_patterns_job(ctx: Any, db_path: Path, path: Path, label: str | None,
                      check_gold_as: str | None = None) -> Any:
    """A pattern file or term list read and checked (core/learning/patterns/manage.read_patterns);
    with check_gold_as (an annotator), what the project's gold contradicts is set apart."""
    from annotator.core.learning.patterns.manage import check_against_gold, read_patterns

    store = Store(db_path, readonly=True)
    try:
        read = read_patterns(path, store.labels.label_names(), label)
        if check_gold_as is not None:
            check_against_gold(store, read, check_gold_as)
        return read
    finally:
        store.close()


def save_patterns_job(ctx: Any, db_path: Path, read: Any, author: str, add_labels: bool) -> Any:
    """Add what read_patterns_job read to the project (one transaction). The window learns
    what it changed from the change log (gui/project.py check_changes)."""
    from annotator.core.ops.patterns import save_patterns

    store = Store(db_path)
    try:
        return save_patterns(store, read, author, by="patterns", add_labels=add_labels)[0]
    finally:
        store.close()


def disputed_job(ctx: Any, db_path: Path) -> list[int]:
    """The team gold's disputed documents (core/team/gold.py), counted off the GUI thread."""
    from annotator.core.team.gold import disputed_ids

    store = Store(db_path, readonly=True)
    try:
        return disputed_ids(store)
    finally:
        store.close()


def continuous_due_job(ctx: Any, db_path: Path) -> bool:
    """Whether a continuous-learning round is due (core/learning/continuous.py), off the GUI thread."""
    from annotator.core.learning.continuous import is_due

    store = Store(db_path, readonly=True)
    try:
        return is_due(store)
    finally:
        store.close()


def tokenize_job(ctx: Any, doc_id: int, text: str, lang: str = "en") -> tuple[int, Any]:
    """spaCy token boundaries of one text (lazy for a long one: editing.token_index); the
    first call imports spaCy (about a second)."""
    from annotator.core.text.editing import token_index

    return doc_id, token_index(text, lang)


def doc_list_job(ctx: Any, db_path: Path, annotator: str) -> tuple[list[int], dict[int, str]]:
    """Every document id and this annotator's statuses, for the document list."""
    store = Store(db_path, readonly=True)
    try:
        return store.documents.document_ids(), store.drafts.statuses(annotator)
    finally:
        store.close()


def long_spans_job(ctx: Any, db_path: Path, doc_id: int, text: str, annotator: str,
                   model_key: str | None, matcher: Any,
                   patterns: Any = None) -> tuple[int, list[Any], str, str | None]:
    """What a long document shows (core/suggestions.spans_to_show), read and checked here
    rather than on the GUI thread. Returns (doc_id, spans, origin, base): base is the spans as
    the draft journal writes them (None for a draft, which the store holds already). The gold
    matcher is only read here; if the GUI thread changes it meanwhile (a dict changes size
    under us), the reading starts again."""
    from annotator.core.text.spans import validate_spans
    from annotator.core.store.codec import dumps_spans
    from annotator.core.learning.suggestions import FROM_DRAFT, spans_to_show

    store = Store(db_path)
    try:
        for attempt in range(3):
            try:
                spans, origin = spans_to_show(store, doc_id, annotator, model_key, matcher, text, patterns)
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        spans = validate_spans(text, spans, trim=False)
        return doc_id, spans, origin, None if origin == FROM_DRAFT else dumps_spans(spans)
    finally:
        store.close()


_GC_LOCK = threading.Lock()
_GC_PAUSES = [0, False]  # jobs inside paused_gc(), and whether the collector was on before the first


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No automatic garbage collection while a job builds a million small objects (the tokens
    of a 5 MB text): a full collection over them takes 0.1-0.2 s, during which every thread,
    the window's too, waits for the GIL. They are acyclic and freed by reference counting.
    Nested and concurrent uses count; the last one out restores the collector."""
    with _GC_LOCK:
        if _GC_PAUSES[0] == 0:
            _GC_PAUSES[1] = gc.isenabled()
            gc.disable()
        _GC_PAUSES[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES[0] -= 1
            if _GC_PAUSES[0] == 0 and _GC_PAUSES[1]:
                gc.enable()


def propagate_job(ctx: Any, text: str, spans: list[Any], labels: list[str], lang: str,
                  dismissed: list[tuple[int, int]], limit: int | None) -> tuple[list[Any], list[Any], list[Any]]:
    """The propagation inside a long document (core/suggestions.with_propagated) off the GUI
    thread: (spans after, removed, added), the change worked out here too."""
    from annotator.core.text.editing import diff_spans
    from annotator.core.learning.suggestions import with_propagated

    with paused_gc():
        after = with_propagated(text, spans, labels, lang, dismissed, limit)
        return (after, *diff_spans(spans, after))


def label_all_job(ctx: Any, text: str, spans: list[Any], selected: Any, label: str,
                  lang: str) -> tuple[Any, list[Any], list[Any]]:
    """"Label all occurrences" in a long document (core/propagate.label_all) off the GUI
    thread: (its LabelAll, removed, added), the new spans checked and the change worked out here."""
    from annotator.core.text.editing import diff_spans
    from annotator.core.learning.propagate import label_all
    from annotator.core.text.spans import validate_spans

    with paused_gc():
        result = label_all(text, spans, selected, label, lang)
        checked = tuple(validate_spans(text, result.spans, trim=False))  # sorted, disjoint, in range
        return (dataclasses.replace(result, spans=checked), *diff_spans(spans, checked))


def order_job(ctx: Any, db_path: Path, order: str, model_key: str | None) -> tuple[list[int], int]:
    """The document list's order (core/ordering.document_order) and, for "uncertainty", how
    many documents have no stored score for this model yet."""
    from annotator.core.learning.ordering import ORDER_UNCERTAINTY, document_order, stored_uncertainty

    store = Store(db_path, readonly=True)
    try:
        ids = document_order(store, order, model_key=model_key)
        missing = 0
        if order == ORDER_UNCERTAINTY and model_key is not None:
            missing = len(ids) - len(stored_uncertainty(store, model_key).keys() & set(ids))
        return ids, missing
    finally:
        store.close()


def uncertainty_job(ctx: Any, db_path: Path, model: str) -> dict[str, Any]:
    """Score the documents' uncertainty with `model` (core/ordering.score_uncertainty) in a
    child process (loading spaCy holds the GIL: see suggest_process)."""
    from annotator.jobs.uncertainty import run_uncertainty

    return run_uncertainty(ctx, db_path, model)


def import_job(ctx: Any, db_path: Path, paths: list[Path], annotator: str | None,
               split: str | None = None, fmt: str | None = None, encoding: str | None = None) -> Any:
    """Import files and folders (split: core/formats/splitting.py; fmt and encoding as `import
    --format/--encoding`); problems are collected as RecordErrors, never fatal for the rest."""
    from annotator.core.errors import RecordError
    from annotator.core.ops.importing import import_files

    errors: list[RecordError] = []

    on_progress = _reporter(ctx, "Importing")
    store = Store(db_path)
    try:
        # The window learns what it changed from the change log (gui/project.py check_changes).
        report, _ = import_files(store, paths, by="import", annotator=annotator, on_error=errors.append,
                                 on_progress=on_progress, split=split, fmt=fmt, encoding=encoding)
    finally:
        store.close()
    return report, errors


def export_job(ctx: Any, db_path: Path, fmt: str, out: Path, options: dict[str, Any]) -> Any:
    """Export the project in `fmt` to `out`; warnings are collected for the person."""
    from annotator.core.ops.exporting import export

    warnings: list[str] = []

    on_progress = _reporter(ctx, "Exporting")
    store = Store(db_path)
    try:
        report = export(store, fmt, out, on_progress=on_progress,
                        on_warning=lambda w: warnings.append(str(w)), **options)
    finally:
        store.close()
    return report, warnings


def merge_job(ctx: Any, db_path: Path, other: Path) -> Any:
    """Merge a teammate's project file into ours (one transaction: all or nothing)."""
    from annotator.core.ops.team import merge

    on_progress = _reporter(ctx, "Merging")  # a cancel rolls the merge's transaction back

    store = Store(db_path)
    try:
        return merge(store, other, by="merge", on_progress=on_progress)[0]
    finally:
        store.close()


def train_job(ctx: Any, db_path: Path, out_dir: Path, options: dict[str, Any]) -> dict[str, Any]:
    """Train a pipeline from the project's gold in a child process (see train_process)."""
    from annotator.jobs.train_process import TrainCancelled, run_train_child

    try:
        return run_train_child(ctx, db_path, out_dir, options)
    except TrainCancelled:
        ctx.check()  # stopped by the person: report as cancelled, not as a failure
        raise


def curve_job(ctx: Any, db_path: Path, options: dict[str, Any]) -> list[dict[str, Any]]:
    """A learning curve (core/train.learning_curve, recorded in the project) in a child process."""
    from annotator.jobs.train_process import TrainCancelled, run_train_child

    try:
        return run_train_child(ctx, db_path, None, options, curve=True)["curve"]
    except TrainCancelled:
        ctx.check()
        raise


@dataclass
class HubSyncResult:
    """One background sync: its report, or why it did not happen (offline: the hub could
    not be reached; else a refusal or failure to show), and this annotator's decisions still
    waiting to be pushed (counted off the GUI thread)."""

    report: Any | None
    error: str | None
    offline: bool
    pending: int
    finished: float
    note: str = ""  # e.g. the keyring did not take the password


def hub_sync_job(ctx: Any, db_path: Path, url: str, annotator: str, password: str | None = None,
                 remember: bool = False, url_from_file: bool = False, give_back: bool = False) -> HubSyncResult:
    """Sync with the team hub on this job's own Store (core/hub/sync.py). A hub that fails
    or cannot be reached is a result, not an exception: the window keeps working offline and
    tries again. The password goes to the OS keyring only once it worked (`remember`).
    url_from_file: the URL is the project's (synced only once the person chose that hub).
    give_back: return the undecided assignments to the hub's queue instead of taking any."""
    from annotator.core.hub.connection import HubError, HubOffline, save_keyring_password
    from annotator.core.ops.team import sync

    store = Store(db_path)
    try:
        try:
            # A stop (the window closes) ends the sync between two chunks: both sides stay whole.
            report, _ = sync(store, url, annotator, by="sync", password=password,
                             on_progress=lambda _done, _total: ctx.check(), url_from_file=url_from_file,
                             give_back=give_back)
        except HubError as exc:
            return HubSyncResult(None, str(exc), isinstance(exc, HubOffline),
                                 store.sync.hub_pending_decisions(annotator), time.time())
        note = ""
        if remember and password:
            try:
                save_keyring_password(url, password, annotator)
            except Exception as exc:  # noqa: BLE001 - any keyring backend's failure: say so, go on
                note = f"the OS keyring did not keep the password ({exc})"
        note = "; ".join([*report.warnings, *([note] if note else [])])
        return HubSyncResult(report, None, False, store.sync.hub_pending_decisions(annotator), time.time(), note)
    finally:
        store.close()


def _reporter(ctx: Any, label: str) -> Progress:
    """A core on_progress callback: checks for cancel (raising in the core, which rolls back
    its transaction) and reports (done, total) to the status bar."""
    def on_progress(done: int, total: int) -> None:
        ctx.check()
        ctx.progress(done, total, label)

    return on_progress


def overview_job(ctx: Any, db_path: Path, *, detail: bool = False) -> Any:
    """The numbers behind the overview's charts (core/report/overview.py), off the GUI thread;
    detail: also what only the report's tables show."""
    from annotator.core.report.overview import compute_overview

    store = Store(db_path, readonly=True)
    try:
        return compute_overview(store, detail=detail, on_step=lambda _step: ctx.check())  # stoppable
    finally:
        store.close()


def charts_job(ctx: Any, db_path: Path | None, overview: Any, sizes: dict[str, tuple[int, int]],
               scale: float, narrow: bool, theme: dict[str, str] | None = None) -> tuple[Any, dict[str, Any]]:
    """The overview's charts as pixels at the window's sizes (core/charts.render): the numbers
    computed afresh from db_path, or `overview`'s again (the panel was resized). Every
    matplotlib call happens here, none on the GUI thread (six charts take a second or more).
    `theme`: the window theme's chart colours (core/report/charts.ChartColors fields)."""
    from annotator.core.report import charts

    colors = charts.ChartColors(**theme) if theme else None

    if db_path is not None:
        overview = overview_job(ctx, db_path)
    images = {}
    for chart in charts.CHARTS:
        ctx.check()
        width, height = sizes[chart.key]
        images[chart.key] = charts.render(chart, overview, width, height, scale=scale, narrow=narrow, theme=colors)
    return overview, images


def report_job(ctx: Any, db_path: Path, out: Path) -> Path:
    """Write the HTML report (core/report/report.py): the figures are drawn here, not on the GUI thread."""
    from annotator.core.report.report import write_report

    return write_report(overview_job(ctx, db_path, detail=True), out)
