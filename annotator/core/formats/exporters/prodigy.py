"""Prodigy `ner_manual` JSONL: the record format Prodigy's db-in, data-to-spacy and ner recipes read.

Hashes. Like Prodigy, `_input_hash` and `_task_hash` are 32-bit signed MurmurHash3 values
(seed 0, the `murmurhash` package spaCy ships):

- `_input_hash` = murmurhash(UTF-8 bytes of the text): same text, same input hash;
- `_task_hash`  = murmurhash("<input hash>|start,end,label|start,end,label...") over the spans
  sorted by (start, end, label): same text and spans, same task hash, whoever annotated it.

Prodigy hashes its own JSON serialisation of the task, so the numbers are not byte-identical
to Prodigy's; they only need to be stable, which these are across runs, machines and versions.

Tokens are spaCy's (the project language's rule-based tokenizer), every token including
whitespace tokens, so `id` is the spaCy token index, as in Prodigy. Span `token_end` is inclusive.
"""

from __future__ import annotations

import bisect
import itertools
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable, Sequence

from murmurhash.mrmr import hash_bytes

from annotator.core.formats.exporters.base import Exporter, ExportItem, Warn, dumps_line, export_pipeline
from annotator.core.text.model import Document, Span
from annotator.core.text.tokens import Token, blank_nlp

VIEW_ID = "ner_manual"
_BY_START = itemgetter("start")
_BY_END = itemgetter("end")


def input_hash(text: str) -> int:
    """Prodigy-style input hash of a text (see the module docstring)."""
    return hash_bytes(text.encode("utf-8", "surrogatepass"))


def task_hash(in_hash: int, spans: Iterable[Span]) -> int:
    """Prodigy-style task hash of an input hash plus spans (see the module docstring)."""
    key = "|".join([str(in_hash), *(f"{s.start},{s.end},{s.label}" for s in sorted(spans))])
    return hash_bytes(key.encode("utf-8", "surrogatepass"))


def doc_tokens(doc: Any, text: str) -> list[dict[str, Any]]:
    """Prodigy token dicts of a spaCy Doc made from `text` (every token; offsets in code points).

    The text is passed in because Doc.text rebuilds it token by token (a third of the time)."""
    from spacy.attrs import IDX, LENGTH, SPACY  # here: importing spaCy takes seconds

    # Whole-Doc arrays and slicing beat per-Token attribute access (~10% of an export).
    starts = doc.to_array(IDX)
    ends = (starts + doc.to_array(LENGTH)).tolist()
    spaces = doc.to_array(SPACY).astype(bool).tolist()
    return [{"text": text[start:end], "start": start, "end": end, "id": i, "ws": ws}
            for i, start, end, ws in zip(itertools.count(), starts.tolist(), ends, spaces)]


def _token_dicts(tokens: Sequence[Token]) -> list[dict[str, Any]]:
    return [{"text": t.text, "start": t.start, "end": t.end, "id": i, "ws": t.ws}
            for i, t in enumerate(tokens)]


def span_dicts(spans: Iterable[Span], tokens: list[dict[str, Any]], *,
               with_source: bool = False) -> list[dict[str, Any]]:
    """Prodigy span dicts: character offsets plus the first and last (inclusive) token touched."""
    out = []
    for span in sorted(spans):
        # First token ending after the start; last token starting before the end.
        first = bisect.bisect_right(tokens, span.start, key=_BY_END)
        last = bisect.bisect_left(tokens, span.end, key=_BY_START) - 1
        record: dict[str, Any] = {"start": span.start, "end": span.end,
                                  "token_start": min(first, max(last, 0)), "token_end": max(last, 0),
                                  "label": span.label}
        if with_source and span.source:
            record["source"] = span.source
        out.append(record)
    return out


def _record(document: Document, meta: dict[str, Any], spans: Sequence[Span],
            tokens: list[dict[str, Any]] | None, *, answer: str | None, annotator: str | None,
            timestamp: float | None, with_source: bool) -> dict[str, Any]:
    in_hash = input_hash(document.text)
    record: dict[str, Any] = {
        "text": document.text,
        "meta": meta,
        "_input_hash": in_hash,
        "_task_hash": task_hash(in_hash, spans),
    }
    if tokens is not None:
        record["tokens"] = tokens
        record["spans"] = span_dicts(spans, tokens, with_source=with_source)
    else:
        record["spans"] = [s.to_dict(with_source) for s in sorted(spans)]
    if answer is not None:
        record["answer"] = answer
    if annotator is not None:
        record["_annotator_id"] = annotator
    if timestamp is not None:
        record["_timestamp"] = int(timestamp)
    record["_view_id"] = VIEW_ID
    return record


def prodigy_record(document: Document, spans: Iterable[Span], tokens: Sequence[Token] | None = None, *,
                   answer: str | None = None, annotator: str | None = None,
                   timestamp: float | None = None, with_source: bool = False,
                   lang: str = "en") -> dict[str, Any]:
    """One Prodigy ner_manual task for a document and its spans.

    `tokens=None` tokenizes the text with spaCy as Prodigy does (recommended); a list of
    annotator.core.text.tokens.Token is used as given, ids by position. Keys left None (answer,
    annotator, timestamp) are left out, e.g. for suggestion streams; `with_source=True` keeps
    each span's `source` ("model"...).
    """
    token_dicts = (doc_tokens(blank_nlp(lang).make_doc(document.text), document.text) if tokens is None
                   else _token_dicts(tokens))
    return _record(document, document.meta, sorted(spans), token_dicts, answer=answer,
                   annotator=annotator, timestamp=timestamp, with_source=with_source)


class ProdigyExporter(Exporter):
    """Writes Prodigy records. tokens=False leaves out `tokens` and the spans' token indices
    (Prodigy re-tokenizes such tasks when it loads them): ~50x faster, as tokenizing with spaCy
    is nearly all of the export's time."""

    name = "jsonl"
    suffix = ".jsonl"
    description = ("Prodigy ner_manual records: text, meta, _input_hash, _task_hash, tokens, spans (with "
                   "token_start/token_end), answer, _annotator_id, _timestamp")

    def __init__(self, out: Path, *, lang: str = "en", on_warning: Warn | None = None,
                 tokens: bool = True, with_source: bool = False) -> None:
        super().__init__(out, lang=lang, on_warning=on_warning)
        self.with_tokens = tokens
        self.with_source = with_source  # suggestion streams say where each span came from

    def write(self, items: Sequence[ExportItem]) -> None:
        if self.with_tokens:
            # One pipe call per batch over the whole batch's texts.
            nlp = export_pipeline(self.lang, len(items))
            texts = [item.document.text for item in items]
            docs = nlp.tokenizer.pipe(texts, batch_size=len(items) or 1)
            token_lists: Iterable[list[dict[str, Any]] | None] = map(doc_tokens, docs, texts)
        else:
            token_lists = itertools.repeat(None)
        write = self.stream.write  # line by line: a record with tokens is ~10x its text
        for item, tokens in zip(items, token_lists):
            write(dumps_line(_record(item.document, item.meta, item.spans, tokens, answer=item.answer,
                                     annotator=item.annotator, timestamp=item.timestamp,
                                     with_source=self.with_source)))
        self.records += len(items)
