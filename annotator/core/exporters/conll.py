"""CoNLL-2003 style columns, IOB2 tags: one `token TAG` line per token.

Each document starts with `-DOCSTART- O` and a blank line; sentences (the document's lines:
a line break in the text, any that str.splitlines knows, ends a sentence) are separated by a
blank line. Tokens are
annotator.core.tokens.tokenize's (spaCy, whitespace dropped). The format keeps tokens, not the
original spacing, so a round trip gives back the same tokens and entity chunks.
"""

from __future__ import annotations

import bisect
import re
from typing import Any, Callable, Sequence

from annotator.core.exporters.base import Exporter, ExportItem, export_pipeline
from annotator.core.model import Span
from annotator.core.tokens import Token

DOCSTART = "-DOCSTART- O"
# Whatever str.splitlines() breaks on ends a sentence.
_LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_SPACE = re.compile(r"\s+")


def doc_tokens(doc: Any) -> list[Token]:
    """annotator.core.tokens.tokenize's tokens, from a Doc of the exporter's own pipeline."""
    return [Token(t.text, t.idx, t.idx + len(t), bool(t.whitespace_)) for t in doc if not t.is_space]


def iob_tags(text: str, spans: Sequence[Span], tokens: Sequence[Token],
             warn: Callable[[str], None]) -> list[str]:
    """IOB2 tag of every token. A span off token boundaries is widened to the tokens it
    touches and reported; one that then overlaps another is left out and reported."""
    tags = ["O"] * len(tokens)
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    for span in sorted(spans):
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


def conll_block(text: str, spans: Sequence[Span], tokens: Sequence[Token],
                warn: Callable[[str], None]) -> str:
    """One document as CoNLL text, from its -DOCSTART- line to the blank line after it."""
    tags = iob_tags(text, spans, tokens, warn)
    lines = [DOCSTART, ""]
    for i, (token, tag) in enumerate(zip(tokens, tags)):
        if i and _LINE_BREAK.search(text, tokens[i - 1].end, token.start):
            lines.append("")
            if tag.startswith("I-"):
                # IOB2 cannot continue an entity into the next sentence: it becomes two.
                warn(f"entity {tag[2:]} at [{token.start}] crosses a line break; written as two entities")
                tag = "B-" + tag[2:]
        lines.append(f"{token.text} {tag}")
    if tokens:
        lines.append("")
    return "\n".join(lines) + "\n"


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

            blocks.append(conll_block(doc.text, item.spans, doc_tokens(spacy_doc), warn))
        self.stream.write("".join(blocks).encode("utf-8", "surrogatepass"))
        self.records += len(items)
