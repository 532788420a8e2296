"""Splitting at import (core/formats/splitting.py): one document per paragraph or sentence, each with
meta that puts it back where it was; a text over 1 MB imported whole is warned about."""

from __future__ import annotations

import csv

import orjson
import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.ops.importing import import_paths
from annotator.core.formats.splitting import LARGE_TEXT_BYTES, MAX_PIECE_CHARS, paragraphs, sentences, split_text

TEXT = ("  Ada Lovelace met Charles Babbage in London. She wrote the first program!\r\n"
        "It ran on the Analytical Engine.\r\n \r\n\r\n"
        "Dr. Smith disagreed. \"Nonsense,\" he said.\n\n\n"
        "😀 Emoji count as one character. Really?   \n  \t\n"
        "Last paragraph without a full stop")


def reassemble(original_length: int, pieces: list[tuple[int, str]]) -> str:
    """The original rebuilt from its pieces alone: each at its offset, spaces in between."""
    out = [" "] * original_length
    for offset, piece in sorted(pieces):
        assert out[offset:offset + len(piece)] == [" "] * len(piece)  # no overlap
        out[offset:offset + len(piece)] = piece
    return "".join(out)


def blank_outside(original: str, rebuilt: str) -> bool:
    """Equal, except that the original may have any whitespace where the pieces left spaces."""
    return len(original) == len(rebuilt) and all(a == b or (a.isspace() and b == " ")
                                                 for a, b in zip(original, rebuilt))


@pytest.mark.parametrize("by", ["paragraphs", "sentences"])
def test_pieces_put_back_together_give_the_original(by):
    pieces = split_text(TEXT, by)
    assert all(TEXT[o:o + len(p)] == p and p == p.strip() and p for o, p in pieces)
    assert [o for o, _ in pieces] == sorted(o for o, _ in pieces)
    assert blank_outside(TEXT, reassemble(len(TEXT), pieces))


def test_paragraphs_are_blank_line_separated():
    assert [p for _, p in paragraphs(TEXT)] == [
        "Ada Lovelace met Charles Babbage in London. She wrote the first program!\r\n"
        "It ran on the Analytical Engine.",
        "Dr. Smith disagreed. \"Nonsense,\" he said.",
        "😀 Emoji count as one character. Really?",
        "Last paragraph without a full stop"]


def test_sentences_follow_spacy_and_never_cross_a_paragraph():
    got = [p for _, p in sentences(TEXT)]
    assert got[:2] == ["Ada Lovelace met Charles Babbage in London.", "She wrote the first program!"]
    assert "Last paragraph without a full stop" in got
    assert not any("\n\n" in s for s in got)


def test_a_long_single_line_is_cut_into_sentences():
    text = "Grace Hopper wrote a compiler in 1952. " * 6000  # ~240,000 characters, one line
    pieces = sentences(text.strip())
    assert len(pieces := list(pieces)) == 6000
    assert all(p == "Grace Hopper wrote a compiler in 1952." for _, p in pieces)


def test_import_split_keeps_file_index_and_offset_in_meta(store, tmp_path):
    txt = tmp_path / "book.txt"
    txt.write_bytes(TEXT.encode("utf-8"))
    rows = tmp_path / "rows.csv"
    with rows.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        writer.writerow(["r1", "One. Two.\n\nThree."])
    lines = tmp_path / "lines.jsonl"
    lines.write_bytes(orjson.dumps({"text": "Alpha beta.\n\nGamma.", "meta": {"source": "x"}}) + b"\n"
                      + orjson.dumps({"text": "Kept whole.\n\nWith spans.", "spans": [[0, 4, "ORG"]]}) + b"\n")
    report = import_paths(store, [txt, rows, lines], split="paragraphs", annotator="a")
    assert report.ok, report.errors
    docs = {d.text: d.meta for d in store.documents.iter_documents()}
    book = sorted((m["split"]["index"], m["split"]["offset"], t) for t, m in docs.items()
                  if m.get("split", {}).get("file") == "book.txt")
    assert [b[0] for b in book] == [0, 1, 2, 3]
    assert blank_outside(TEXT, reassemble(len(TEXT), [(o, t) for _, o, t in book]))
    assert docs["Three."] == {"id": "r1", "split": {"file": "rows.csv", "by": "paragraphs", "index": 1,
                                                    "offset": 11, "line": 2}}
    assert docs["Gamma."]["source"] == "x" and docs["Gamma."]["split"]["line"] == 1
    assert "Kept whole.\n\nWith spans." in docs  # annotated records are not split


def test_a_large_text_imported_whole_is_warned_about(store, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("word " * (LARGE_TEXT_BYTES // 5 + 10), encoding="utf-8")
    report = import_paths(store, [path])
    assert report.documents_added == 1
    assert any("big.txt" in w and "--split paragraphs" in w for w in report.warnings)
    # Split, the text has no sentence end: cut at whitespace, said once, no flag suggested.
    [note] = import_paths(store, [tmp_path / "big.txt"], split="sentences").warnings
    assert "without a sentence end were cut at whitespace" in note and "--split" not in note
    with pytest.raises(AnnotatorError, match="unknown split"):
        import_paths(store, [path], split="words")


# ---- text without punctuation or blank lines (issue 23, item 7) ----------------------------

# The users' own style: lowercased, unpunctuated, one long run of words.
UNPUNCTUATED = " ".join(f"the ferry from wrenmouth quay to gullstone island left at {n} and idris pennant waved"
                        for n in range(700))  # ~60,000 characters, no sentence end, no blank line


def assert_cut_at_whitespace(text: str, pieces: list[tuple[int, str]]) -> None:
    assert len(pieces) > 1
    assert all(0 < len(p) <= MAX_PIECE_CHARS for _, p in pieces), max(len(p) for _, p in pieces)
    assert all(text[o:o + len(p)] == p for o, p in pieces)
    for offset, piece in pieces[:-1]:
        assert text[offset + len(piece)].isspace()  # cut at whitespace, never inside a word
    assert blank_outside(text, reassemble(len(text), pieces))


@pytest.mark.parametrize("by", ["sentences", "paragraphs"])
def test_text_without_sentence_ends_or_blank_lines_is_cut_at_whitespace(by):
    assert_cut_at_whitespace(UNPUNCTUATED, split_text(UNPUNCTUATED, by))
    # Near the limit, not in tiny bits: every piece but the last is over 90% of it.
    assert all(len(p) > 0.9 * MAX_PIECE_CHARS for _, p in split_text(UNPUNCTUATED, by)[:-1])


@pytest.mark.parametrize("by", ["sentences", "paragraphs"])
def test_cutting_at_whitespace_is_said_in_a_warning_without_the_flag_just_used(store, tmp_path, by):
    path = tmp_path / "notes.txt"
    path.write_text(UNPUNCTUATED, encoding="utf-8")
    report = import_paths(store, [path], split=by)
    assert report.ok and report.documents_added == len(split_text(UNPUNCTUATED, by))
    [note] = [w for w in report.warnings if w.startswith(f"{path}: ")]
    assert f"{MAX_PIECE_CHARS:,} characters" in note and "whitespace" in note
    assert "--split" not in note  # neither flag helps: there are no sentence ends
    docs = list(store.documents.iter_documents())
    assert all(len(d.text) <= MAX_PIECE_CHARS for d in docs)
    assert sorted(d.meta["split"]["offset"] for d in docs) == [o for o, _ in split_text(UNPUNCTUATED, by)]


def test_a_long_paragraph_with_sentence_ends_suggests_sentences_not_paragraphs(store, tmp_path):
    path = tmp_path / "one-paragraph.txt"
    path.write_text("The ferry left Wrenmouth quay at dawn. " * 300, encoding="utf-8")  # ~12,000 characters
    report = import_paths(store, [path], split="paragraphs")
    [note] = report.warnings
    assert note.startswith(f"{path}: 1 paragraph longer than 5,000 characters was cut at whitespace")
    assert "--split sentences" in note and "--split paragraphs" not in note


def test_a_large_one_paragraph_file_split_by_paragraphs_does_not_suggest_that_flag(store, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("word " * (LARGE_TEXT_BYTES // 5 + 10), encoding="utf-8")
    report = import_paths(store, [path], split="paragraphs")
    assert report.ok and report.documents_added > 1
    assert not any("--split paragraphs" in w for w in report.warnings), report.warnings


def test_a_long_run_without_any_whitespace_is_cut_between_characters():
    text = ("e\u0301" * 4000) + "\U0001F1EC\U0001F1E7" * 2000  # combining accents, then flags: no whitespace
    pieces = split_text(text, "paragraphs")
    assert all(len(p) <= MAX_PIECE_CHARS for _, p in pieces) and "".join(p for _, p in pieces) == text
    for offset, _ in pieces[1:]:  # never inside a grapheme cluster
        assert text[offset] not in ("\u0301",) and not (text[offset - 1] == "\U0001F1EC")


def test_short_pieces_are_not_cut_and_nothing_is_said(store, tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("one short paragraph without a full stop\n\nand another one", encoding="utf-8")
    report = import_paths(store, [path], split="sentences")
    assert report.ok and report.warnings == [] and report.documents_added == 2
