"""Readers, one by one: the real third-party files in peer_data, and small hand-made files for
each edge case (encodings, bad records, tag schemes, offsets)."""

from __future__ import annotations

import codecs
from collections import Counter
from pathlib import Path

import pytest

from annotator.core.errors import RecordError, SpanError
from annotator.core.formats.importers import FORMATS, READERS, ImportRecord, detect_format
from annotator.core.text.spans import validate_spans


def read(path: Path, fmt: str | None = None) -> tuple[list[ImportRecord], list[RecordError]]:
    out = list(READERS[fmt or detect_format(path)](path))
    return ([r for r in out if isinstance(r, ImportRecord)],
            [r for r in out if isinstance(r, RecordError)])


def label_counts(records: list[ImportRecord]) -> Counter:
    counts: Counter = Counter()
    for rec in records:
        for span in validate_spans(rec.text, rec.spans or []):
            counts[span.label] += 1
    return counts


# ---- the real peer files ---------------------------------------------------------------------

def test_prodigy_export(peer_data):
    records, errors = read(peer_data / "prodigy_news_headlines_ner.jsonl")
    assert errors == [] and len(records) == 373
    assert Counter(r.answer for r in records) == {"accept": 372, "ignore": 1}
    assert sum(r.spans is None for r in records) == 36
    assert label_counts(records) == {"ORG": 136, "LOCATION": 121, "PERSON": 38, "PRODUCT": 8}
    first = records[0]
    assert first.line == 1 and first.meta == {"source": "The New York Times"}
    assert first.text == "Uber\u2019s Lesson: Silicon Valley\u2019s Start-Up Machine Needs Fixing"
    assert [first.text[s["start"]:s["end"]] for s in first.spans] == ["Uber", "Silicon Valley"]
    second = records[1]
    assert [(second.text[s["start"]:s["end"]], s["label"]) for s in second.spans] == [
        ("Pearl Automation", "ORG"), ("Apple", "ORG")]
    # Prodigy's own fields are not metadata.
    assert not any(k.startswith("_") or k == "tokens" for r in records for k in r.meta)


def test_doccano_export_spans_with_spaces_are_trimmed(peer_data):
    path = peer_data / "doccano_bsner_bw_admin.jsonl"
    records, errors = read(path, "doccano")
    assert errors == [] and len(records) == 454
    raw = [(r.text, s) for r in records for s in r.spans]
    assert len(raw) == 444
    padded = [(t, s) for t, s in raw if t[s[0]:s[1]] != t[s[0]:s[1]].strip()]
    assert len(padded) == 98
    for text, (start, end, label) in padded:
        (span,) = validate_spans(text, [[start, end, label]])
        assert text[span.start:span.end] == text[start:end].strip()
    assert label_counts(records) == {"PERSON": 178, "LOC": 105, "ORG": 91, "MISC": 30, "DATE": 29,
                                     "MONEY": 10, "TIME": 1}
    third = records[2]
    assert third.meta == {"id": 5119, "Comments": []}
    (span,) = validate_spans(third.text, third.spans)
    assert third.text[103:118] == " Kgosi Mosojane"
    assert (span.start, span.end, third.text[span.start:span.end]) == (104, 118, "Kgosi Mosojane")
    second = records[1]
    assert [second.text[s:e] for s, e, _ in second.spans] == ["Kgosi wa pele", "Tatitown",
                                                              "Mme Ludo Mosojane"]
    # Nobody labelled 223 of the rows: an empty span list is no annotation.
    assert sum(1 for r in records if r.spans == []) == 223


def test_brat_pair_offsets_are_code_points(peer_data):
    assert detect_format(peer_data / "esp.train-doc-46.txt") == "brat"
    (record,), errors = read(peer_data / "esp.train-doc-46.ann")
    assert errors == []
    assert record.text == (peer_data / "esp.train-doc-46.txt").read_bytes().decode("utf-8")
    assert len(record.text) == 6652 and len(record.spans) == 104
    ann_lines = (peer_data / "esp.train-doc-46.ann").read_text(encoding="utf-8").splitlines()
    expected = [line.split("\t")[2] for line in ann_lines if line.startswith("T")]
    assert [record.text[s:e] for s, e, _ in record.spans] == expected
    assert record.spans[0] == [0, 8, "LOC"] and record.text[0:8] == "Freetown"
    assert record.text[42:54] == "Sierra Leona"
    assert label_counts([record]) == {"ORG": 45, "PER": 30, "LOC": 22, "MISC": 7}


def test_wikigold_conll_iob1(peer_data):
    path = peer_data / "wikigold.conll.txt"
    assert detect_format(path) == "conll"
    records, errors = read(path)
    assert errors == [] and len(records) == 145
    assert all(r.answer == "accept" for r in records)
    first = records[0]
    assert first.text.startswith("010 is the tenth album from Japanese Punk Techno band "
                                 "The Mad Capsule Markets .\nThis album")
    assert [(first.text[s:e], label) for s, e, label in first.spans[:3]] == [
        ("010", "MISC"), ("Japanese", "MISC"), ("The Mad Capsule Markets", "ORG")]
    assert records[-1].meta == {"file": "wikigold.conll.txt", "doc": 145}
    counts = label_counts(records)
    assert sum(counts.values()) == 3558  # the corpus paper's entity count
    assert counts == {"LOC": 1014, "PER": 934, "ORG": 898, "MISC": 712}


def test_spacy_docbin(peer_data):
    (record,), errors = read(peer_data / "ner_tweets_demo.spacy")
    assert errors == []
    assert record.text.startswith("I'm seeing Ed Sheeran on Wednesday in Miami")
    (start, end, label), = record.spans
    assert (record.text[start:end], label) == ("Ed Sheeran", "PERSON")
    assert record.answer == "accept"


def test_corrupt_docbin_is_one_error(tmp_path):
    path = tmp_path / "bad.spacy"
    path.write_bytes(b"not zlib at all")
    records, errors = read(path)
    assert records == [] and len(errors) == 1
    assert str(errors[0]).startswith(f"{path}: not a spaCy DocBin file")


# ---- detection ------------------------------------------------------------------------------

def test_detect_format(tmp_path):
    for name, fmt in [("a.txt", "txt"), ("a.jsonl", "jsonl"), ("a.csv", "csv"), ("a.tsv", "csv"),
                      ("a.conll", "conll"), ("a.iob", "conll"), ("a.conll.txt", "conll"),
                      ("a.spacy", "spacy"), ("a.ann", "brat")]:
        assert detect_format(tmp_path / name) == fmt
    (tmp_path / "b.txt").write_text("x")
    (tmp_path / "b.ann").write_text("")
    assert detect_format(tmp_path / "b.txt") == "brat"
    for name, fmt in [("a.docx", "docx"), ("a.ODT", "odt"), ("a.pdf", "pdf"), ("a.htm", "html"), ("a.html", "html")]:
        assert detect_format(tmp_path / name) == fmt
    with pytest.raises(RecordError, match="unknown file type '.pages'"):
        detect_format(tmp_path / "a.pages")
    assert set(FORMATS) == {"txt", "jsonl", "doccano", "csv", "brat", "conll", "spacy", "label-studio",
                            "webanno", "docx", "odt", "pdf", "html"}


def test_detect_format_looks_inside_json_and_tsv(tmp_path):
    """.tsv is CSV unless it is WebAnno; .json is a Label Studio export unless it holds objects
    one per line (JSONL saved as .json); BOMs do not hide the first characters."""
    cases = {"wa.tsv": ("\ufeff#FORMAT=WebAnno TSV 3.3\n", "utf-8"), "plain.tsv": ("text\tid\n", "utf-8"),
             "ls.json": ("\n  [{\"data\": {}}]", "utf-8"), "lines.json": ('{"text": "a"}\n', "utf-8"),
             "wide.tsv": ("#FORMAT=WebAnno TSV 3.2\n", "utf-16")}
    for name, (content, encoding) in cases.items():
        (tmp_path / name).write_text(content, encoding=encoding)
    found = {name: detect_format(tmp_path / name) for name in cases}
    assert found == {"wa.tsv": "webanno", "plain.tsv": "csv", "ls.json": "label-studio",
                     "lines.json": "jsonl", "wide.tsv": "webanno"}


# ---- text is kept exactly ---------------------------------------------------------------------

def test_txt_keeps_crlf_and_strips_utf8_bom(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Hun Sen\r\nmet Trump.\r\n".encode("utf-8"))
    (record,), errors = read(path)
    # Interior CRLF exact; the trailing line break is not part of the document.
    assert errors == [] and record.text == "Hun Sen\r\nmet Trump."
    assert record.meta == {"file": "a.txt"}


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("Müller in Zürich\r\n".encode("utf-16"))  # BOM + UTF-16-LE
    (record,), _ = read(path)
    assert record.text == "Müller in Zürich"
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_bytes(codecs.BOM_UTF16_BE + '{"text": "Zürich 😀"}\r\n{"text": "Bern"}\r\n'.encode("utf-16-be"))
    records, errors = read(jsonl)
    assert errors == [] and [r.text for r in records] == ["Zürich 😀", "Bern"]
    assert [r.line for r in records] == [1, 2]


def test_invalid_utf8_names_the_byte(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"caf\xc3\xa9 ok \xff")
    records, errors = read(path)
    assert records == [] and [str(e).split(";")[0] for e in errors] == [f"{path}: not valid UTF-8 at byte 9"]
    jsonl = tmp_path / "b.jsonl"
    jsonl.write_bytes(b'{"text": "good"}\n{"text": "caf\xe9"}\n{"text": "after"}\n')
    records, errors = read(jsonl)
    # Byte 17 starts line 2; the bad byte is 13 bytes into it. The file stops there.
    assert [r.text for r in records] == ["good"]
    assert [str(e).split(";")[0] for e in errors] == [f"{jsonl}:2: not valid UTF-8 at byte 30"]


def test_utf16_without_bom_is_an_error_not_nul_garbage(tmp_path):
    for name, content in [("a.txt", "Ada Lovelace"), ("a.jsonl", '{"text": "Ada"}\n{"text": "B"}\n'),
                          ("a.csv", "text\nAda\n"), ("a.conll", "Ada B-PER\n")]:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-16-le"))
        records, errors = read(path)
        assert records == [] and len(errors) == 1, name
        assert str(errors[0]).startswith(str(path)) and "UTF-16 without a BOM" in errors[0].message
        assert "at byte 1" in errors[0].message
    # A few NULs in real UTF-8 text are text: kept exactly.
    path = tmp_path / "nul.txt"
    path.write_bytes(b"\x00\x00Ada Lovelace\x00 met Bob .\x00")
    (record,), errors = read(path)
    assert errors == [] and record.text == "\x00\x00Ada Lovelace\x00 met Bob .\x00"


def test_emoji_offsets_are_code_points(tmp_path):
    path = tmp_path / "a.jsonl"
    text = "😀😀 Ed Sheeran 🎸 in 𝕄iami"
    path.write_text('{"text": "%s", "spans": [{"start": 3, "end": 13, "label": "PERSON"}, '
                    '[19, 24, "GPE"]]}\n' % text, encoding="utf-8")
    (record,), _ = read(path)
    spans = validate_spans(record.text, record.spans)
    assert [(record.text[s.start:s.end], s.start, s.end) for s in spans] == [
        ("Ed Sheeran", 3, 13), ("𝕄iami", 19, 24)]


# ---- JSONL records ----------------------------------------------------------------------------

def test_jsonl_bad_records_are_reported_and_the_rest_read(tmp_path):
    path = tmp_path / "a.jsonl"
    lines = [
        '{"text": "one"}',
        '{"text": "two"',                                          # 2 malformed
        '',                                                          # blank: skipped silently
        '["text"]',                                                  # 4 not an object
        '{"meta": {}}',                                              # 5 no text
        '{"text": 7}',                                               # 6 text not a string
        '{"text": "x", "meta": "m"}',                                # 7 meta not an object
        '{"text": "x", "spans": {"start": 0}}',                      # 8 spans not a list
        '{"text": "x", "answer": "maybe"}',                          # 9 bad answer
        '{"text": "x", "_timestamp": "noon"}',                       # 10 bad timestamp
        '{"text": "x", "_annotator_id": 3}',                         # 11 bad annotator
        '{"text": "lone \\ud800 surrogate"}',                        # 12 lone surrogate
        '{"text": "last", "meta": {"a": 1}}',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, errors = read(path)
    assert [r.text for r in records] == ["one", "last"]
    assert [r.line for r in records] == [1, 13]
    assert [e.line for e in errors] == [2, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    messages = {e.line: e.message for e in errors}
    assert messages[2].startswith("malformed JSON at column")
    assert messages[5] == 'missing "text" field'
    assert messages[6] == '"text" must be a string, got a number'
    assert messages[7] == '"meta" must be an object, got a string'
    assert "answer" in messages[9] and "'maybe'" in messages[9]
    assert "lone surrogate" in messages[12]
    assert all(str(e).startswith(f"{path}:{e.line}: ") for e in errors)


def test_jsonl_prodigy_and_doccano_fields(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"text": "Hun Sen", "spans": [{"start": 0, "end": 7, "label": "PERSON", "token_start": 0}],'
        ' "answer": "reject", "_annotator_id": "news-alice", "_session_id": "x", "_timestamp": 1700000000,'
        ' "tokens": [], "_input_hash": 1}\n'
        '{"text": "Hun Sen", "answer": "accept", "_session_id": "bob"}\n'
        '{"id": 9, "text": "Hun Sen", "entities": [{"id": 1, "start_offset": 0, "end_offset": 3,'
        ' "label": "PERSON"}, [4, 7, "PERSON"]]}\n'
        '{"text": "Hun Sen", "label": "POLITICS", "annotator": "carol"}\n', encoding="utf-8")
    a, b, c, d = read(path)[0]
    assert (a.annotator, a.answer, a.timestamp, a.meta) == ("news-alice", "reject", 1700000000.0, {})
    assert (b.annotator, b.answer, b.spans) == ("bob", "accept", None)
    assert c.spans == [{"start": 0, "end": 3, "label": "PERSON"}, [4, 7, "PERSON"]]
    assert c.meta == {"id": 9} and c.answer is None
    assert (d.spans, d.meta, d.annotator) == (None, {"label": "POLITICS"}, "carol")


def test_span_quoting_other_text_is_rejected(tmp_path):
    """A tool that counts UTF-16 units puts 'Ed Sheeran' after an emoji at 3..13, not 2..12."""
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "😀 Ed Sheeran sang", "spans": [{"start": 3, "end": 13, "label": "PERSON", '
                    '"text": "Ed Sheeran"}]}\n'
                    '{"text": "😀 Ed Sheeran sang", "spans": [{"start": 2, "end": 12, "label": "PERSON", '
                    '"text": "Ed Sheeran"}]}\n', encoding="utf-8")
    records, errors = read(path)
    assert [r.line for r in records] == [2]
    assert [e.line for e in errors] == [1] and "says its text is 'Ed Sheeran'" in errors[0].message


def test_spans_out_of_range_reversed_overlapping_are_rejected():
    text = "Hun Sen met Trump."
    for bad, words in [([[0, 99, "PERSON"]], "out of range"), ([[7, 0, "PERSON"]], "reversed"),
                       ([[0, 7, "PERSON"], [4, 11, "ORG"]], "overlaps"),
                       ([["0", 7, "PERSON"]], "integer")]:
        with pytest.raises(SpanError, match=words):
            validate_spans(text, bad)


# ---- CSV ---------------------------------------------------------------------------------

def test_csv_text_column_and_meta(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(codecs.BOM_UTF8 + b'id,text,source\r\n1,"Hun Sen, PM,\r\nmet Trump",AP\r\n'
                     b'2,Second,Reuters\r\n3,too,many,fields\r\n4,"last",AFP\r\n')
    records, errors = read(path)
    assert [r.text for r in records] == ["Hun Sen, PM,\r\nmet Trump", "Second", "last"]
    assert records[0].meta == {"id": "1", "source": "AP"}
    assert [r.line for r in records] == [2, 4, 6]
    assert [str(e) for e in errors] == [f"{path}:5: row has 4 fields, the header has 3"]


def test_csv_without_text_column_is_a_clear_error(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("body,source\nHello,AP\n", encoding="utf-8")
    records, errors = read(path)
    assert records == []
    assert [str(e) for e in errors] == [f"{path}:1: no 'text' column in the header "
                                        f"(columns: 'body', 'source')"]


def test_tsv_and_case_insensitive_text_column(tmp_path):
    path = tmp_path / "a.tsv"
    path.write_text("Text\tlang\nHallo Welt\tde\n", encoding="utf-8")
    (record,), _ = read(path)
    assert (record.text, record.meta) == ("Hallo Welt", {"lang": "de"})


# ---- brat ----------------------------------------------------------------------------------

def test_brat_bad_lines_name_their_line(tmp_path):
    (tmp_path / "d.txt").write_text("Ed Sheeran in Miami\r\nand Paris", encoding="utf-8")
    (tmp_path / "d.ann").write_text(
        "T1\tPERSON 0 10\tEd Sheeran\n"
        "R1\tLives Arg1:T1 Arg2:T2\n"
        "#1\tAnnotatorNotes T1\tsinger\n"
        "T2\tGPE 14 19\tMiami\n"
        "T3\tGPE 25 27;28 30\tPa ris\n"
        "T4\tGPE 0 3\tNope\n", encoding="utf-8")
    records, errors = read(tmp_path / "d.txt")
    assert records == []  # not stored as accepted with an entity missing
    assert [e.line for e in errors] == [5, 6]
    assert "discontinuous" in errors[0].message and errors[0].path == str(tmp_path / "d.ann")
    assert "does not match" in errors[1].message
    (tmp_path / "d.ann").write_text("T1\tPERSON 0 10\tEd Sheeran\nT2\tGPE 25 30\tParis\n",
                                    encoding="utf-8")
    (record,), errors = read(tmp_path / "d.ann")
    assert errors == [] and [record.text[s:e] for s, e, _ in record.spans] == ["Ed Sheeran", "Paris"]


def test_brat_without_ann_file(tmp_path):
    (tmp_path / "d.txt").write_text("x", encoding="utf-8")
    records, errors = read(tmp_path / "d.txt", "brat")
    assert records == [] and "no brat annotation file d.ann" in str(errors[0])


# ---- CoNLL ---------------------------------------------------------------------------------

IOB1 = "Ed I-PER\nSheeran I-PER\nB-PER B-PER\nmet O\nthe O\nUN I-ORG\n\nParis I-LOC\n"
IOB2 = "Ed B-PER\nSheeran I-PER\nB-PER B-PER\nmet O\nthe O\nUN B-ORG\n\nParis B-LOC\n"
BIOES = "Ed B-PER\nSheeran E-PER\nB-PER S-PER\nmet O\nthe O\nUN U-ORG\n\nParis S-LOC\n"


@pytest.mark.parametrize("content", [IOB1, IOB2, BIOES], ids=["iob1", "iob2", "bioes"])
def test_conll_tag_schemes_read_the_same(tmp_path, content):
    path = tmp_path / "a.conll"
    path.write_text("-DOCSTART- -X- O O\n\n" + content, encoding="utf-8")
    (record,), errors = read(path)
    assert errors == []
    assert record.text == "Ed Sheeran B-PER met the UN\nParis"
    assert [(record.text[s:e], label) for s, e, label in record.spans] == [
        ("Ed Sheeran", "PER"), ("B-PER", "PER"), ("UN", "ORG"), ("Paris", "LOC")]


def test_conll_iob1_adjacent_entities_split_on_b(tmp_path):
    path = tmp_path / "a.iob"
    path.write_text("Ed I-PER\nSheeran I-PER\nAdele B-PER\nsang O\n", encoding="utf-8")
    (record,), _ = read(path)
    assert [record.text[s:e] for s, e, _ in record.spans] == ["Ed Sheeran", "Adele"]


def test_conll_documents_and_sentences(tmp_path):
    path = tmp_path / "a.conll"
    path.write_text("-DOCSTART- O\n\nA O\nB O\n\nC I-X\n-DOCSTART- O\nD O\nE BAD-TAG-\n\n"
                    "-DOCSTART- O\nF O\n", encoding="utf-8")
    records, errors = read(path)
    assert [r.text for r in records] == ["A B\nC", "F"]
    assert [r.meta["doc"] for r in records] == [1, 3]
    assert [(e.line, e.message.split(" (")[0]) for e in errors] == [(9, "bad tag 'BAD-TAG-'")]
    # Without -DOCSTART-, each sentence is a document.
    path.write_text("A O\nB O\n\nC I-X\n", encoding="utf-8")
    records, _ = read(path)
    assert [(r.text, r.line) for r in records] == [("A B", 1), ("C", 4)]
