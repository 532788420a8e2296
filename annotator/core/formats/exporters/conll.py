"""CoNLL-2003 style columns, IOB2 tags: one `token TAG` line per token.

Each document starts with `-DOCSTART- O` and a blank line; sentences (the document's lines:
a line break in the text, any that str.splitlines knows, ends a sentence) are separated by a
blank line. Tokens are
annotator.core.text.tokens.tokenize's (spaCy, whitespace dropped), read from whole-Doc arrays. The format keeps tokens, not the
original spacing, so a round trip gives back the same tokens and entity chunks.
"""

from __future__ import annotations

import bisect
import itertools
import re
from typing import Any, Callable, Sequence

from annotator.core.formats.exporters.base import Exporter, ExportItem, export_pipeline
from annotator.core.text.model import Span

DOCSTART = "-DOCSTART- O"
# Whatever str.splitlines() breaks on ends a sentence.
_LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_SPACE = re.compile(r"\s+")


def token_bounds(doc: Any) -> tuple[list[int], list[int]]:
    """(starts, ends) of annotator.core.text.tokens.tokenize's tokens (whitespace dropped), from a
    Doc of the exporter's own pipeline: whole-Doc arrays, no Token objects (a 10 MB document
    has two million tokens)."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    starts = doc.to_array(IDX)
    ends = starts + doc.to_array(LENGTH)
    space = doc.to_array(IS_SPACE).astype(bool)
    if space.any():
        starts, ends = starts[~space], ends[~space]
    return starts.tolist(), ends.tolist()


def iob_tags(text: str, spans: Sequence[Span], starts: Sequence[int], ends: Sequence[int],
             warn: Callable[[str], None]) -> list[str]:
    """IOB2 tag of every token. A span off token boundaries is widened to the tokens it
    touches and reported; one that then overlaps another is left out and reported."""
    tags = ["O"] * len(starts)
    for span in sorted(spans, key=Span.key):  # a key: tuple comparisons in C
        first = bisect.bisect_right(ends, span.start)
        last = bisect.bisect_left(starts, span.end) - 1
        where = f"span [{span.start}, {span.end}, {span.label}] {text[span.start:span.end]!r}"
        if first > last:
            warn(f"{where} covers no token; not written")
            continue
        if any(tag != "O" for tag in tags[first:last + 1]):
            warn(f"{where} overlaps another span after widening to tokens; not written")
            continue
        if starts[first] != span.start or ends[last] != span.end:
            warn(f"{where} widened to token boundaries [{starts[first]}, {ends[last]}]")
        label = span.label
        if _SPACE.search(label):
            # A space would split the tag into two columns.
            label = _SPACE.sub("_", label)
            warn(f"{where}: label written as {label!r} (no spaces in a CoNLL tag)")
        tags[first] = f"B-{label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{label}"
    return tags


def conll_block(text: str, spans: Sequence[Span], starts: Sequence[int], ends: Sequence[int],
                warn: Callable[[str], None]) -> str:
    """One document as CoNLL text, from its -DOCSTART- line to the blank line after it."""
    tags = iob_tags(text, spans, starts, ends, warn)
    if not starts:
        return DOCSTART + "\n\n"
    # A sentence starts at each token with a line break in the gap before it.
    breaks: list[int] = []
    for m in _LINE_BREAK.finditer(text, ends[0], starts[-1]):
        i = bisect.bisect_right(starts, m.start())
        if ends[i - 1] <= m.start() and (not breaks or breaks[-1] != i):
            breaks.append(i)
            if tags[i].startswith("I-"):
                # IOB2 cannot continue an entity into the next sentence: it becomes two.
                warn(f"entity {tags[i][2:]} at [{starts[i]}] crosses a line break; written as two entities")
                tags[i] = "B-" + tags[i][2:]
    # Two million tokens in a 10 MB document: runs of O-tagged tokens are joined in C, only
    # tagged tokens and sentence starts are visited one by one.
    words = list(map(text.__getitem__, map(slice, starts, ends)))
    tagged = itertools.compress(range(len(tags)), map("O".__ne__, tags))
    sentence_starts = set(breaks)
    out: list[str] = []
    pos = 0
    for i in sorted(sentence_starts.union(tagged)):
        if i > pos:
            out.append(" O\n".join(words[pos:i]) + " O\n")
        pos = i
        if i in sentence_starts:
            out.append("\n")
        if tags[i] != "O":
            out.append(f"{words[i]} {tags[i]}\n")
            pos = i + 1
    if pos < len(words):
        out.append(" O\n".join(words[pos:]) + " O\n")
    return DOCSTART + "\n\n" + "".join(out) + "\n"


class ConllExporter(Exporter):
    name = "conll"
    suffix = ".conll"
    description = ("CoNLL IOB2 columns (token TAG), -DOCSTART- per document, a blank line between "
                   "sentences (the text's lines)")
    gold_by_default = True  # training data: one version per document

    def write(self, items: Sequence[ExportItem]) -> None:
        nlp = export_pipeline(self.lang, len(items))
        blocks = []
        for item, spacy_doc in zip(items, nlp.tokenizer.pipe([item.document.text for item in items])):
            doc = item.document

            def warn(message: str, doc_id: int = doc.id) -> None:
                self.warn(f"document {doc_id}: {message}")

            blocks.append(conll_block(doc.text, item.spans, *token_bounds(spacy_doc), warn))
        self.stream.write("".join(blocks).encode("utf-8", "surrogatepass"))
        self.records += len(items)
