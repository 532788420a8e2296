"""Text + spans -> spaCy Doc, used by the .spacy exporter and by training."""

from __future__ import annotations

from typing import Any, Iterable

from annotator.core.text.model import Span


def make_doc(nlp: Any, text: str, spans: Iterable[Span]) -> tuple[Any, list[str]]:
    """A Doc whose ents are the spans. Spans off token boundaries are widened to the tokens
    they touch (alignment_mode='expand') and reported; a span that would then overlap another
    is kept out of ents and reported too, never dropped silently."""
    doc = nlp.make_doc(text)
    ents, warnings = [], []
    for span in sorted(spans):
        ent = doc.char_span(span.start, span.end, label=span.label)
        if ent is None:
            ent = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
            if ent is None:
                warnings.append(f"span [{span.start}, {span.end}, {span.label}] {text[span.start:span.end]!r} "
                                f"covers no token; not in the Doc")
                continue
            warnings.append(f"span [{span.start}, {span.end}, {span.label}] {text[span.start:span.end]!r} "
                            f"widened to token boundaries [{ent.start_char}, {ent.end_char}] {ent.text!r}")
        if ents and ent.start < ents[-1].end:
            warnings.append(f"span [{span.start}, {span.end}, {span.label}] overlaps "
                            f"{ents[-1].text!r} after widening to tokens; not in the Doc")
            continue
        ents.append(ent)
    doc.ents = ents
    return doc, warnings
