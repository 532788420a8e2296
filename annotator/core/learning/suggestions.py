"""What the window suggests for a document: the one composition, used by the window,
`suggest -o`, `evaluate` and the per-annotator quality figures.

    model spans (cached raw predictions) -> the project's label map -> the project's labels
    pattern spans (PatternMatcher.match) -> the project's labels
    learned spans (GoldMatcher.propose)  -> the project's labels
    clean: edges widened to whole grapheme clusters (a span inside one cluster, such as
           half a flag, is dropped), every span valid for the text, then no overlaps by the
           one precedence (core/learning/precedence.py: the person's own spans, learned gold,
           propagated, patterns, the model)

A span that would not pass the store's validation is dropped rather than shown, so the
editor and a draft only ever hold valid spans.

Predictions imported with the documents (a Label Studio export's `predictions`, cached under
their source as the key) take the model's place for the documents that have them: they were
made for this data. The running model's suggestions fill in every other document.

Inside the open document, with_propagated() adds what the person's own spans imply
(core/learning/propagate.py): the other occurrences of each phrase they labelled, as "propagated"
suggestions, composed with the rest by the same precedence: they win over the model's
suggestions and give way to the person's own spans and to learned gold.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping, Sequence

from annotator.core.errors import SpanError
from annotator.core.text.graphemes import snap_span
from annotator.core.learning.learned import GoldMatcher
from annotator.core.learning.patterns.matcher import PatternMatcher
from annotator.core.text.model import SOURCE_PROPAGATED, Span
from annotator.core.learning.precedence import compose_spans
from annotator.core.learning.propagate import own_spans, propagated
from annotator.core.text.labels import LabelError, check_name
from annotator.core.text.spans import admit_spans, validate_spans
from annotator.core.learning.suggest import load_label_map, map_spans
from annotator.core.progress import Progress

if TYPE_CHECKING:
    from annotator.core.store import Store


def clean(text: str, spans: Iterable[Span], labels: Iterable[str]) -> list[Span]:
    """Drop spans with labels the project lacks, widen edges to whole grapheme clusters (or
    drop a span inside one cluster), drop spans invalid for the text, then compose what is
    left by the one precedence (core/learning/precedence.py), so nothing overlaps."""
    known = set(_admissible(labels))
    candidates: list[Span] = []
    for span in spans:
        if span.label not in known:
            continue
        snapped = snap_span(text, span.start, span.end)
        if snapped is None:
            continue
        if snapped != (span.start, span.end):
            span = Span(snapped[0], snapped[1], span.label, span.source)
        candidates.append(span)
    try:  # the usual case: all valid and disjoint as they are, one pass of the one admission
        admitted = admit_spans(text, candidates, known)
        if len(admitted) == len(candidates) and set(map(id, admitted)) == set(map(id, candidates)):
            return admitted  # sorted and disjoint: what compose_spans would return
    except SpanError:
        pass
    valid: list[Span] = []
    for span in candidates:
        try:
            (span,) = admit_spans(text, [span], known)
        except SpanError:
            continue
        valid.append(span)
    return compose_spans(valid)


def _admissible(labels: Iterable[str]) -> Iterator[str]:
    """The names that pass the label rule (a project made before it may hold others)."""
    for name in set(labels):
        try:
            yield check_name(name, strip=False)
        except LabelError:
            continue


def compose(text: str, model_spans: Iterable[Span], learned_spans: Iterable[Span],
            labels: Sequence[str], label_map: Mapping[str, str],
            pattern_spans: Iterable[Span] = ()) -> list[Span]:
    """Raw model spans, learned spans and pattern spans -> what the person is shown."""
    model = map_spans(model_spans, label_map, labels)
    learned = map_spans(learned_spans, {}, labels)
    patterns = map_spans(pattern_spans, {}, labels)
    return clean(text, [*model, *patterns, *learned], labels)


# Suggestion-cache keys of predictions imported with documents (core/importers).
IMPORTED_SOURCES = ("label-studio",)


def model_part(store: "Store", doc_id: int, model_key: str | None) -> Sequence[Span]:
    """The raw spans that stand for "the model" on a document: its imported predictions if
    it has any, else the running model's cached spans ([] when neither is there)."""
    for key in IMPORTED_SOURCES:
        imported = store.suggestions.get_suggestions(doc_id, key)
        if imported is not None:
            return imported
    return (store.suggestions.get_suggestions(doc_id, model_key) or ()) if model_key else ()


def with_propagated(text: str, spans: Iterable[Span], labels: Iterable[str], lang: str = "en",
                    dismissed: Iterable[tuple[int, int]] = (), limit: int | None = None) -> list[Span]:
    """The open document's spans after an edit: the person's own spans (no source), the
    propagated suggestions they imply (recomputed, so removing a span removes its
    propagations; none where the person removed one: `dismissed`, (start, end) ranges; at
    most `limit`, see propagate.propagated) and the other suggestions, composed by the one
    precedence (core/learning/precedence.py)."""
    spans = list(spans)
    mine = own_spans(spans)
    known = set(labels)
    fresh = [s for s in propagated(text, mine, lang, dismissed, limit) if s.label in known]
    rest = [s for s in spans if s.source not in (None, SOURCE_PROPAGATED)]
    return compose_spans(mine + fresh + rest)


def current_suggestions(store: "Store", doc_id: int, model_key: str | None,
                        matcher: GoldMatcher | None, text: str | None = None,
                        patterns: PatternMatcher | None = None) -> list[Span]:
    """What the window shows for a document now: its cached model spans ([] if not cached
    yet) with the project's pattern matches and what is learned from gold (never from the
    document's own gold)."""
    text = store.documents.get_document(doc_id).text if text is None else text
    raw = model_part(store, doc_id, model_key)
    learned: list[Span] = []
    if matcher is not None and matcher.phrases():
        learned = matcher.propose(text, exclude_doc=doc_id)
    labels = store.labels.label_names()
    matched = patterns.match(text, labels) if patterns is not None else []
    return compose(text, raw, learned, labels, load_label_map(store), matched)


# Where the spans shown for a document came from.
FROM_DRAFT = "draft"
FROM_ANNOTATION = "annotation"
FROM_SUGGESTIONS = "suggestions"
FROM_NOTHING = "nothing"


def spans_to_show(store: "Store", doc_id: int, annotator: str, model_key: str | None,
                  matcher: GoldMatcher | None, text: str | None = None,
                  patterns: PatternMatcher | None = None) -> tuple[list[Span], str]:
    """What a document shows when opened: the annotator's draft if any, else their saved
    annotation, else the current suggestions, else nothing. Returns (spans, origin). The
    window runs it in a worker for a long document (jobs.tasks.long_spans_job).

    Saved spans made before the grapheme rule may cut a character (half a flag): they are
    shown widened to whole characters (a span inside one character is dropped), so the
    document opens; the next edit saves them so."""
    draft = store.drafts.get_draft(doc_id, annotator)
    if draft is not None:
        return _whole_characters(store, doc_id, text, list(draft)), FROM_DRAFT
    ann = store.annotations.get_annotation(doc_id, annotator)
    if ann is not None:
        return _whole_characters(store, doc_id, text, list(ann.spans)), FROM_ANNOTATION
    suggested = current_suggestions(store, doc_id, model_key, matcher, text, patterns)
    if suggested:
        return suggested, FROM_SUGGESTIONS
    return [], FROM_NOTHING


def _whole_characters(store: "Store", doc_id: int, text: str | None, spans: list[Span]) -> list[Span]:
    """Saved spans as the editor takes them: unchanged when valid (the usual, fast case),
    else each widened to whole grapheme clusters and any overlap left by that dropped."""
    text = store.documents.get_document(doc_id).text if text is None else text
    try:
        return validate_spans(text, spans, trim=False)
    except SpanError:
        return clean(text, spans, {s.label for s in spans})


def model_suggestions(store: "Store", doc_id: int, model_key: str, text: str | None = None,
                      *, labels: Sequence[str] | None = None,
                      label_map: Mapping[str, str] | None = None) -> list[Span] | None:
    """What the window would suggest from the model alone (no learned spans); None when the
    model's suggestions for the document are not cached."""
    raw = store.suggestions.get_suggestions(doc_id, model_key)
    if raw is None:
        return None
    text = store.documents.get_document(doc_id).text if text is None else text
    return compose(text, raw, (), store.labels.label_names() if labels is None else labels,
                   load_label_map(store) if label_map is None else label_map)


def export_suggestions(store: "Store", model_key: str | None, matcher: GoldMatcher | None,
                       out: str | Path, *, patterns: PatternMatcher | None = None, model_name: str | None = None,
                       order: Sequence[int] | None = None,
                       on_progress: Progress | None = None) -> int:
    """Write, for every document (or the ids in `order`, in that order: core/learning/ordering.py),
    what the window would suggest now, as Prodigy-style JSONL (no answer; meta["model"] names
    the model; each span's source is "model", "pattern" or "gold"). Written through the Prodigy
    exporter: all or nothing. Returns the number of records."""
    from annotator.core.formats.exporters import ExportItem
    from annotator.core.formats.exporters.prodigy import ProdigyExporter

    exporter = ProdigyExporter(Path(out), lang=store.settings.lang, with_source=True)
    try:
        batch: list[ExportItem] = []
        docs = store.documents.iter_documents() if order is None else (store.documents.get_document(d) for d in order)
        total = store.documents.count_documents() if order is None else len(order)
        for done, doc in enumerate(docs, 1):
            spans = current_suggestions(store, doc.id, model_key, matcher, doc.text, patterns)
            meta = {**doc.meta, "model": model_name or model_key}
            batch.append(ExportItem(replace(doc, meta=meta), tuple(spans), None, None, None))
            if len(batch) >= 256:
                exporter.write(batch)
                batch = []
            if on_progress is not None:
                on_progress(done, total)
        exporter.write(batch)
        exporter.finish()
    except BaseException:
        exporter.abort()
        raise
    return exporter.records
