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

No piece is longer than MAX_PIECE_CHARS (5,000 characters): a paragraph or sentence longer
than that (text without blank lines or sentence punctuation, as people type notes) is cut at
the last line break in the second half of the limit, else at the last whitespace before it,
else (a run without any whitespace) at the last character boundary before it; one warning per
file says how many were cut. The pieces of a cut still map back by their offsets.

Records that carry annotations (spans or an answer) are imported whole: splitting would have
to move their spans. Texts over LARGE_TEXT_BYTES imported whole get a warning suggesting a split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from annotator.core.errors import RecordError
from annotator.core.text.graphemes import cluster_at
from annotator.core.formats.importers.base import ImportRecord, ReadNote
from annotator.core.wording import count

SPLITS = ("paragraphs", "sentences")
# The formats whose text --split applies to: plain texts and articles.
SPLITTABLE = ("txt", "jsonl", "csv", "docx", "odt", "pdf", "html")
LARGE_TEXT_BYTES = 1_000_000
MAX_PIECE_CHARS = 5_000  # longer paragraphs or sentences are cut at whitespace
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


_LAST_LINE_BREAK = re.compile(r".*\n", re.S)  # greedy: up to the last one
_LAST_WHITESPACE = re.compile(r".*\s", re.S)


def _cut(piece: str, limit: int = MAX_PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, part) of a piece longer than `limit`: see the module docstring."""
    start = 0
    while len(piece) - start > limit:
        window = piece[start:start + limit + 1]  # the character just past the limit may be the space
        found = _LAST_LINE_BREAK.match(window, limit // 2) or _LAST_WHITESPACE.match(window, 1)
        if found:
            end = start + found.end() - 1
        else:  # no whitespace at all (e.g. Chinese): between two characters, never inside one
            end = cluster_at(piece, start + limit)[0]
            end = end if end > start else cluster_at(piece, start + limit)[1]
        yield from _trimmed(piece, start, end)
        start = end
    yield from _trimmed(piece, start, len(piece))


@dataclass
class _Cuts:
    """The pieces over the limit that were cut, for the warning: how many, their characters,
    and whether any has a sentence end."""

    pieces: int = 0
    chars: int = 0
    sentence_end: bool = False

    def add(self, piece: str) -> None:
        self.pieces += 1
        self.chars += len(piece)
        self.sentence_end = self.sentence_end or bool(_SENTENCE_END.search(piece))


def _split(text: str, by: str, lang: str, cuts: _Cuts | None = None) -> list[tuple[int, str]]:
    """(offset, piece) of `text` split `by`; pieces over the limit are cut (and added to `cuts`)."""
    pieces: list[tuple[int, str]] = []
    for offset, piece in (paragraphs(text) if by == "paragraphs" else sentences(text, lang)):
        if len(piece) <= MAX_PIECE_CHARS:
            pieces.append((offset, piece))
            continue
        if cuts is not None:
            cuts.add(piece)
        pieces.extend((offset + o, part) for o, part in _cut(piece))
    return pieces


def split_text(text: str, by: str, lang: str = "en") -> list[tuple[int, str]]:
    """(offset, piece) of `text` split `by` "paragraphs" or "sentences"."""
    if by not in SPLITS:
        raise ValueError(f"split by {by!r}: use one of {', '.join(SPLITS)}")
    return _split(text, by, lang)


def _cut_note(where: str, by: str, cuts: _Cuts) -> ReadNote:
    """The warning that pieces over MAX_PIECE_CHARS were cut at whitespace. It never suggests
    the split just used; for paragraphs that have sentence ends, it suggests sentences."""
    limit = f"{MAX_PIECE_CHARS:,} characters"
    if by == "sentences":
        # A "sentence" here is whatever ran on without an end: count characters, not those.
        return ReadNote(f"{where}: {count(cuts.chars, 'character')} without a sentence end were cut at "
                        f"whitespace into documents of at most {limit}")
    text = (f"{where}: {count(cuts.pieces, 'paragraph')} longer than {limit} "
            f"{'was' if cuts.pieces == 1 else 'were'} cut at whitespace into documents of at most {limit}")
    if cuts.sentence_end:
        text += "; --split sentences cuts at sentence ends instead"
    return ReadNote(text)


def split_records(records: Iterator[ImportRecord | RecordError | ReadNote], by: str, file: str,
                  lang: str = "en", where: str | None = None) -> Iterator[ImportRecord | RecordError | ReadNote]:
    """A reader's records with each plain text split `by` paragraphs or sentences (see the
    module docstring); annotated records, errors and notes pass through unchanged. `where`
    names the file in the warning about long pieces cut (default `file`)."""
    cuts = _Cuts()
    for rec in records:
        if not isinstance(rec, ImportRecord) or rec.spans or rec.answer is not None:
            yield rec
            continue
        pieces = _split(rec.text, by, lang, cuts)
        for index, (offset, piece) in enumerate(pieces):
            origin = {"file": file, "by": by, "index": index, "offset": offset}
            if rec.line is not None:
                origin["line"] = rec.line
            last = index == len(pieces) - 1
            yield ImportRecord(piece, {**rec.meta, "split": origin}, line=rec.line,
                               pos=rec.pos if last else None)
    if cuts.pieces:
        yield _cut_note(where or file, by, cuts)


def large_text_warning(name: str, line: int | None, text: str) -> str | None:
    """The warning for a text over LARGE_TEXT_BYTES imported as one document (from file `name`,
    at `line` when known), else None."""
    if len(text) * 4 <= LARGE_TEXT_BYTES:
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= LARGE_TEXT_BYTES:
        return None
    where = name if line is None else f"{name}:{line}"
    return (f"{where}: a text of {size / 1e6:.1f} MB was imported as one document; to label it as "
            f"one document per paragraph or sentence, import it with --split paragraphs or "
            f"--split sentences")
