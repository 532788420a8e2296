"""Hostile and odd input through the real import pipeline: exact text and offsets, or a clear
`FILE:LINE: what is wrong` error, and never a change to what the project already holds."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from annotator.core.ops.importing import import_paths
from annotator.core.text.model import Span
from annotator.core.store import Store
from tests.reliability.cases import CASES, NUL_CASES, Case
from tests.reliability.helpers import snapshot

EXISTING_TEXT = "Grace Hopper joined the Navy in 1943."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with work already in it: a decision, its history and a draft."""
    path = tmp_path / "project.db"
    with Store(path) as s:
        doc, _ = s.documents.add_document(EXISTING_TEXT, {"source": "before"})
        s.annotations.save_annotation(doc, "existing", "accept", [Span(0, 12, "PERSON")])
        s.annotations.save_annotation(doc, "existing", "accept", [Span(0, 12, "PERSON"), Span(24, 28, "ORG")])
        s.drafts.save_draft(doc, "existing", [Span(32, 36, "DATE")])
    return path


def assert_nothing_lost(before: dict, after: dict) -> None:
    """Every row that was in the project is still there, unchanged (new rows may be added)."""
    for table, rows in before.items():
        missing = set(rows) - set(after[table])
        assert not missing, f"{table}: rows changed or lost: {sorted(missing)[:3]}"


def write_jsonl(path: Path, records: list, *, ascii_only: bool = False, newline: str = "\n",
                encoding: str = "utf-8", bom: bytes = b"") -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=ascii_only) for r in records]
    path.write_bytes(bom + newline.join(lines).encode(encoding) + newline.encode(encoding))
    return path


def run_import(db: Path, *paths: Path, **kwargs):
    with Store(db) as s:
        return import_paths(s, list(paths), annotator="importer", **kwargs)


def stored(db: Path, text: str) -> tuple[str, tuple[Span, ...] | None]:
    """The stored text (looked up by content) and the importer's spans for it."""
    from annotator.core.text.model import text_hash

    with Store(db, readonly=True) as s:
        doc = s.documents.document_by_hash(text_hash(text))
        assert doc is not None, f"document not stored: {text[:60]!r}"
        ann = s.annotations.get_annotation(doc.id, "importer")
        return doc.text, (ann.spans if ann else None)


# ---- valid hostile documents: exact text, exact offsets ---------------------------------

@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("style", ["prodigy-utf8", "prodigy-ascii-escapes", "doccano", "doccano-entities"])
def test_hostile_document_imports_exactly(project, tmp_path, case: Case, style: str):
    before = snapshot(project)
    spans = [s.to_dict() for s in case.spans]
    if style.startswith("prodigy"):
        record = {"text": case.text, "spans": spans, "answer": "accept", "meta": {"case": case.name}}
    elif style == "doccano":
        record = {"text": case.text, "label": [[s.start, s.end, s.label] for s in case.spans]}
    else:
        record = {"id": 7, "text": case.text, "entities": [
            {"id": i, "start_offset": s.start, "end_offset": s.end, "label": s.label}
            for i, s in enumerate(case.spans)]}
    path = write_jsonl(tmp_path / "in.jsonl", [record], ascii_only=style.endswith("escapes"))
    report = run_import(project, path)
    assert report.errors == [], [str(e) for e in report.errors]
    assert (report.records, report.documents_added) == (1, 1)
    text, got = stored(project, case.text)
    assert text == case.text
    assert got == case.spans
    assert [text[s.start:s.end] for s in got] == [case.text[s.start:s.end] for s in case.spans]
    assert_nothing_lost(before, snapshot(project))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_text_file_imports_byte_exact(project, tmp_path, case: Case):
    path = tmp_path / f"{case.name}.txt"
    path.write_bytes(case.text.encode("utf-8"))
    report = run_import(project, path)
    assert report.errors == [] and report.documents_added == 1
    # A leading U+FEFF in a UTF-8 file is a byte order mark by definition: it is dropped.
    expected = case.text[1:] if case.text.startswith("\ufeff") else case.text
    assert stored(project, expected)[0] == expected


@pytest.mark.parametrize("case", NUL_CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("fmt", ["jsonl", "txt"])
def test_nul_in_a_text_is_one_line_and_nothing_else_changes(project, tmp_path, case: Case, fmt: str):
    """Issue 29: a NUL (which the team hub cannot store) is refused with its file and line;
    the other records of the file go in."""
    before = snapshot(project)
    if fmt == "jsonl":
        path = write_jsonl(tmp_path / "in.jsonl", [{"text": "Fine text."}, {"text": case.text}])
        where = f"{path}:2"
    else:
        path = tmp_path / "in.txt"
        path.write_bytes(case.text.encode("utf-8"))
        where = str(path)
    report = run_import(project, path)
    first = case.text.index("\x00")
    assert [str(e) for e in report.errors] == [f"{where}: NUL in the text (character {first})"]
    assert report.documents_added == (1 if fmt == "jsonl" else 0)
    assert_nothing_lost(before, snapshot(project))


def test_nul_in_a_label_or_meta_is_refused(project, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [
        {"text": "Ada met Bob.", "spans": [{"start": 0, "end": 3, "label": "X\u0000Y"}]},
        {"text": "Ada met Carl.", "meta": {"k": "a\u0000b"}},
        {"text": "Ada met Dan.", "spans": [{"start": 0, "end": 3, "label": "PERSON"}]}])
    report = run_import(project, path)
    assert [str(e) for e in report.errors] == [f"{path}:1: NUL in a label", f"{path}:2: NUL in the meta"]
    assert report.documents_added == 1


# ---- encodings and line breaks of whole files -------------------------------------------

TEXT = "Ada Lovelace met Charles Babbage in London 😀 .\r\nNext line\rlone CR\n"


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_bom_and_utf16_text_files(project, tmp_path, encoding, bom):
    path = tmp_path / "doc.txt"
    path.write_bytes(bom + TEXT.encode(encoding))
    report = run_import(project, path)
    assert report.errors == [] and report.documents_added == 1
    # The BOM and the trailing line break are not part of the text; CRLF and lone CR inside
    # are kept exactly.
    assert stored(project, TEXT.rstrip("\n"))[0] == TEXT.rstrip("\n")


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE)])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_jsonl_encodings_and_line_endings(project, tmp_path, encoding, bom, newline):
    cases = [c for c in CASES if c.name in ("emoji-astral", "crlf", "control-chars", "rtl")]
    records = [{"text": c.text, "spans": [s.to_dict() for s in c.spans]} for c in cases]
    path = write_jsonl(tmp_path / "in.jsonl", records, newline=newline, encoding=encoding, bom=bom)
    report = run_import(project, path)
    assert report.errors == [], [str(e) for e in report.errors]
    assert report.documents_added == len(cases)
    for c in cases:
        assert stored(project, c.text) == (c.text, c.spans)


def test_raw_line_separators_inside_json_strings_do_not_split_records(project, tmp_path):
    """U+2028, U+2029, NEL, VT, FF are legal unescaped in JSON strings; only \\n ends a line."""
    text = "Ada\u2028Lovelace\u2029met\x85Bob\x0bin\x0cParis\x1c\x1d\x1e."
    start = text.index("Bob")
    path = tmp_path / "in.jsonl"
    record = {"text": text, "spans": [{"start": start, "end": start + 3, "label": "PERSON"}]}
    path.write_bytes((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    report = run_import(project, path)
    assert report.errors == [] and report.documents_added == 1
    assert stored(project, text) == (text, (Span(start, start + 3, "PERSON"),))


def test_invalid_utf8_names_file_and_byte(project, tmp_path):
    before = snapshot(project)
    txt = tmp_path / "bad.txt"
    txt.write_bytes(b"Hello \xff\xfe world")
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_bytes(b'{"text": "fine one"}\n{"text": "caf\xc3"}\n{"text": "fine two"}\n')
    report = run_import(project, txt, jsonl)
    messages = [str(e) for e in report.errors]
    assert f"{txt}: not valid UTF-8 at byte 6" in [m.split(";")[0] for m in messages]  # + a hint
    bad_line = [m for m in messages if m.startswith(f"{jsonl}:2:")]
    offset = jsonl.read_bytes().index(b"\xc3")
    assert bad_line and "UTF-8" in bad_line[0] and f"byte {offset}" in bad_line[0], messages
    assert_nothing_lost(before, snapshot(project))
    with Store(project, readonly=True) as s:
        texts = {d.text for d in s.documents.iter_documents()}
    assert "Hello" not in " ".join(texts)


def test_utf16_without_bom_is_an_error_not_garbage(project, tmp_path):
    before = snapshot(project)
    path = tmp_path / "no-bom.txt"
    path.write_bytes("Ada Lovelace".encode("utf-16-le"))
    report = run_import(project, path)
    # Without a BOM the bytes are not UTF-8 text: NULs everywhere would be a garbage document.
    messages = [str(e) for e in report.errors]
    assert len(messages) == 1 and messages[0].startswith(f"{path}: ") and "UTF-16" in messages[0], messages
    assert report.documents_added == 0
    assert_nothing_lost(before, snapshot(project))


# ---- bad records: clear error, rest imported, nothing already saved changes ---------------

GOOD = {"text": "Linus Torvalds wrote Linux in Helsinki.", "spans": [{"start": 0, "end": 14, "label": "PERSON"}]}

BAD_RECORDS = {
    "malformed-json": ('{"text": "unterminated', "malformed JSON"),
    "not-an-object": ('["just", "a", "list"]', "JSON object"),
    "missing-text": ({"body": "no text field"}, "text"),
    "text-is-number": ({"text": 42}, "text"),
    "text-is-null": ({"text": None}, "text"),
    "meta-is-string": ({"text": "A B", "meta": "x"}, "meta"),
    "spans-is-string": ({"text": "A B", "spans": "0-1"}, "spans"),
    "span-start-string": ({"text": "Ada B", "spans": [{"start": "0", "end": 3, "label": "PERSON"}]}, "start"),
    "span-start-float": ({"text": "Ada B", "spans": [{"start": 0.5, "end": 3, "label": "PERSON"}]}, "start"),
    "span-start-bool": ({"text": "Ada B", "spans": [{"start": False, "end": 3, "label": "PERSON"}]}, "start"),
    "span-missing-end": ({"text": "Ada B", "spans": [{"start": 0, "label": "PERSON"}]}, "end"),
    "label-not-string": ({"text": "Ada B", "spans": [{"start": 0, "end": 3, "label": 7}]}, "label"),
    "label-empty": ({"text": "Ada B", "spans": [{"start": 0, "end": 3, "label": "  "}]}, "label"),
    "span-not-object": ({"text": "Ada B", "spans": [42]}, "span"),
    "span-out-of-range": ({"text": "Ada B", "spans": [{"start": 2, "end": 99, "label": "PERSON"}]}, "out of range"),
    "span-negative": ({"text": "Ada B", "spans": [{"start": -1, "end": 3, "label": "PERSON"}]}, "out of range"),
    "span-reversed": ({"text": "Ada B", "spans": [{"start": 3, "end": 0, "label": "PERSON"}]}, "reversed"),
    "span-empty": ({"text": "Ada B", "spans": [{"start": 2, "end": 2, "label": "PERSON"}]}, "empty"),
    "span-whitespace": ({"text": "Ada   B", "spans": [{"start": 3, "end": 6, "label": "PERSON"}]}, "whitespace"),
    "spans-overlap": ({"text": "Ada Lovelace", "spans": [{"start": 0, "end": 8, "label": "PERSON"},
                                                         {"start": 4, "end": 12, "label": "ORG"}]}, "overlaps"),
    "doccano-label-bad": ({"text": "Ada B", "label": [[0, 3]]}, "span"),
    "answer-unknown": ({"text": "Ada B", "answer": "maybe"}, "answer"),
    "lone-surrogate": ('{"text": "bad \\ud800 surrogate"}', "surrogate"),
    "lone-surrogate-meta": ('{"text": "fine text here", "meta": {"k": "\\udfff"}}', "surrogate"),
    "huge-int-offset": ({"text": "Ada B", "spans": [{"start": 0, "end": 10**30, "label": "PERSON"}]}, ""),
}


@pytest.mark.parametrize("kind", sorted(BAD_RECORDS))
def test_bad_record_is_named_and_skipped(project, tmp_path, kind):
    bad, needle = BAD_RECORDS[kind]
    before = snapshot(project)
    path = write_jsonl(tmp_path / "in.jsonl", [GOOD, bad, {"text": "Ada Lovelace met Bob."}])
    report = run_import(project, path)
    messages = [str(e) for e in report.errors]
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"{path}:2: "), messages
    assert needle.lower() in messages[0].lower(), messages
    assert "\n" not in messages[0] and "Traceback" not in messages[0]
    assert report.documents_added == 2  # the good lines around it
    after = snapshot(project)
    assert_nothing_lost(before, after)
    assert len(after["documents"]) == len(before["documents"]) + 2


def test_whitespace_around_span_is_trimmed_and_off_by_one_kept(project, tmp_path):
    text = "Ada Lovelace met Bob ."
    records = [{"text": text, "spans": [{"start": 0, "end": 13, "label": "PERSON"},   # trailing space
                                        {"start": 16, "end": 19, "label": "PERSON"}]}]  # " Bo": off by one
    report = run_import(project, write_jsonl(tmp_path / "in.jsonl", records))
    assert report.errors == []
    # Edge whitespace is trimmed; a span that cuts a word is kept exactly as the file says.
    assert stored(project, text)[1] == (Span(0, 12, "PERSON"), Span(17, 19, "PERSON"))


def test_unknown_labels_are_added_and_reported(project, tmp_path):
    text = "Ada Lovelace met Bob ."
    weird = ["PROGRAMMER", "<b>x</b>", "';DROP_TABLE_documents;--", 'say_"hi"']
    spans = [{"start": 0, "end": 3, "label": weird[0]}, {"start": 4, "end": 12, "label": weird[1]},
             {"start": 17, "end": 20, "label": weird[2]}, {"start": 21, "end": 22, "label": weird[3]}]
    # A name with whitespace cannot be an IOB tag: that record is a bad record, the rest goes in.
    spaced = {"text": "Babbage .", "spans": [{"start": 0, "end": 7, "label": 'say "hi"\nnow'}]}
    path = write_jsonl(tmp_path / "in.jsonl", [{"text": text, "spans": spans}, spaced])
    report = run_import(project, path)
    assert [str(e) for e in report.errors] == [f"{path}:2: label name 'say \"hi\"\\nnow' must not contain spaces"]
    assert sorted(report.labels_added) == sorted(weird)
    with Store(project, readonly=True) as s:
        assert set(weird) <= set(s.labels.label_names())
        assert s.documents.count_documents() == 2
    assert [s.label for s in stored(project, text)[1]] == weird


def test_duplicate_documents_are_stored_once(project, tmp_path):
    before = snapshot(project)
    records = [{"text": "Same text here.", "meta": {"n": 1}}, {"text": "Same text here.", "meta": {"n": 2}},
               {"text": EXISTING_TEXT, "meta": {"source": "again"}}]
    report = run_import(project, write_jsonl(tmp_path / "in.jsonl", records))
    assert report.errors == [] and report.documents_added == 1 and report.duplicates == 2
    after = snapshot(project)
    assert_nothing_lost(before, after)
    assert len(after["documents"]) == len(before["documents"]) + 1
    # The first meta wins; a re-import never overwrites the existing document's meta.
    with Store(project, readonly=True) as s:
        assert s.documents.get_document(1).meta == {"source": "before"}


def test_empty_and_whitespace_documents_are_skipped_with_a_warning(project, tmp_path):
    before = snapshot(project)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(" \r\n\t\n\u3000".encode("utf-8"))
    jsonl = write_jsonl(tmp_path / "in.jsonl", [{"text": ""}, {"text": "  \n\t "}, {"text": "Real text."}])
    report = run_import(project, tmp_path / "empty.txt", tmp_path / "blank.txt", jsonl)
    assert report.errors == []
    assert report.documents_added == 1
    assert len([w for w in report.warnings if "empty" in w]) == 4, report.warnings
    assert any(w.startswith(f"{jsonl}:2:") for w in report.warnings), report.warnings
    after = snapshot(project)
    assert_nothing_lost(before, after)
    assert len(after["documents"]) == len(before["documents"]) + 1


def test_reimport_changes_nothing(project, tmp_path):
    records = [{"text": c.text, "spans": [s.to_dict() for s in c.spans], "answer": "accept",
                "_timestamp": 1700000000.0} for c in CASES]
    path = write_jsonl(tmp_path / "in.jsonl", records)
    first = run_import(project, path)
    assert first.errors == [] and first.documents_added == len(CASES)
    once = snapshot(project)
    again = run_import(project, path)
    assert again.errors == [] and again.documents_added == 0
    assert snapshot(project) == once


# ---- the same through the real `annotator import` process ---------------------------------

@pytest.mark.slow
def test_cli_import_reports_bad_lines_without_traceback(project, tmp_path):
    from tests.reliability.helpers import run_cli

    before = snapshot(project)
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"text": "Linus Torvalds wrote Linux."}\n'
                     b'{"text": "unterminated\n'
                     b'{"text": 5}\n'
                     b'{"text": "Ada B", "spans": [{"start": 3, "end": 0, "label": "PERSON"}]}\n'
                     b'{"text": "caf\xc3"}\n')
    result = run_cli(["import", "--db", str(project), str(path)])
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    for line_no in (2, 3, 4, 5):
        assert f"{path}:{line_no}: " in result.stderr, result.stderr
    offset = path.read_bytes().index(b"\xc3")
    assert f"{path}:5: not valid UTF-8" in result.stderr and f"byte {offset}" in result.stderr
    assert "Imported 1 record" in result.stdout, result.stdout
    after = snapshot(project)
    assert_nothing_lost(before, after)
    assert len(after["documents"]) == len(before["documents"]) + 1
