"""Splitting a long text into one document per paragraph or per sentence at import
(`annotator import --split paragraphs|sentences`, and the window's import).

- paragraphs: the runs of text between blank lines (a line with nothing but whitespace);
- sentences: spaCy's rule-based sentencizer on a blank pipeline of the project's language
  (punctuation, no statistical model), within each paragraph: a sentence never crosses a
  blank line.

A piece is stored as it is in the original, without the whitespace around it. Its meta keeps
the record's own meta plus `split`: {"file", "line" (CSV and JSONL records), "by", "index"
(0-based, in the order of the original), "offset" (its first character's code-point offset in
the original text)}, so every piece, and every span labelled in it, maps back to the original:
original[offset:offset + len(piece)] == piece, and only whitespace lies between pieces.

Records that carry annotations (spans or an answer) are imported whole: splitting would have
to move their spans. Texts over LARGE_TEXT_BYTES imported whole get a warning suggesting a split.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from annotator.core.errors import RecordError
from annotator.core.formats.importers.base import ImportRecord

SPLITS = ("paragraphs", "sentences")
SPLITTABLE = ("txt", "jsonl", "csv")  # the formats whose text --split applies to
LARGE_TEXT_BYTES = 1_000_000
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")  # a line with only whitespace (and what follows)
_SENTENCE_CHUNK = 100_000  # characters given to spaCy at once (its limit is 1,000,000)


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, paragraph) of the text, blank-line separated, outer whitespace left out."""
    start = 0
    for m in _BLANK_LINE.finditer(text):
        yield from _trimmed(text, start, m.start())
        start = m.end()
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        yield start + lead, stripped


def _sentencizer(lang: str) -> Any:
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(text: str, lang: str = "en") -> Iterator[tuple[int, str]]:
    """(offset, sentence) of the text: spaCy's sentencizer within each paragraph; a very long
    paragraph is given to spaCy in chunks cut after a sentence end where there is one."""
    nlp = _sentencizer(lang)
    chunks: list[tuple[int, str]] = []
    for offset, para in paragraphs(text):
        chunks.extend((offset + o, piece) for o, piece in _chunks(para))
    for (offset, _), doc in zip(chunks, nlp.pipe(piece for _, piece in chunks)):
        for sent in doc.sents:
            yield from _trimmed(text, offset + sent.start_char, offset + sent.end_char)


_SENTENCE_END = re.compile(r"[.!?][\"'\u201d)\]]*\s")


def _chunks(para: str) -> Iterator[tuple[int, str]]:
    start = 0
    while len(para) - start > _SENTENCE_CHUNK:
        window_end = start + _SENTENCE_CHUNK
        ends = [m.end() for m in _SENTENCE_END.finditer(para, start + _SENTENCE_CHUNK // 2, window_end)]
        space = para.rfind(" ", start + 1, window_end)
        cut = ends[-1] if ends else (space + 1 if space > start else window_end)
        yield start, para[start:cut]
        start = cut
    yield start, para[start:]


def split_text(text: str, by: str, lang: str = "en") -> list[tuple[int, str]]:
    """(offset, piece) of `text` split `by` "paragraphs" or "sentences"."""
    if by not in SPLITS:
        raise ValueError(f"split by {by!r}: use one of {', '.join(SPLITS)}")
    return list(paragraphs(text) if by == "paragraphs" else sentences(text, lang))


def split_records(records: Iterator[ImportRecord | RecordError], by: str, file: str,
                  lang: str = "en") -> Iterator[ImportRecord | RecordError]:
    """A reader's records with each plain text split `by` paragraphs or sentences (see the
    module docstring); annotated records and errors pass through unchanged."""
    for rec in records:
        if not isinstance(rec, ImportRecord) or rec.spans or rec.answer is not None:
            yield rec
            continue
        pieces = split_text(rec.text, by, lang)
        for index, (offset, piece) in enumerate(pieces):
            where = {"file": file, "by": by, "index": index, "offset": offset}
            if rec.line is not None:
                where["line"] = rec.line
            last = index == len(pieces) - 1
            yield ImportRecord(piece, {**rec.meta, "split": where}, line=rec.line,
                               pos=rec.pos if last else None)


def large_text_warning(where: str, text: str) -> str | None:
    """The warning for a text over LARGE_TEXT_BYTES imported as one document, else None."""
    if len(text) * 4 <= LARGE_TEXT_BYTES:
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= LARGE_TEXT_BYTES:
        return None
    return (f"{where}: a text of {size / 1e6:.1f} MB was imported as one document; to label it as "
            f"one document per paragraph or sentence, import it with --split paragraphs or "
            f"--split sentences")
