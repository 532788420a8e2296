"""Messages people read (issue 23 §8): a JSONL line cut off at its end names the column where
it stops; an export with nothing to export writes no file, says so and fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import RecordError
from annotator.core.formats.importers.jsonl import read_jsonl

CUT = '{"text": "café naïve 😀 ok", "meta": {"a": 1}'  # the closing brace is missing


@pytest.mark.parametrize("ending", ["\n", "\r\n", ""])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1252"])
def test_a_line_cut_off_at_its_end_reports_the_column_where_it_stops(tmp_path: Path, ending: str, encoding: str):
    line = CUT if encoding != "cp1252" else CUT.replace(" 😀", "")
    path = tmp_path / "cut.jsonl"
    path.write_bytes(f'{{"text": "ok"}}{ending or chr(10)}{line}{ending}'.encode(encoding))
    out = list(read_jsonl(path, None if encoding == "utf-8" else encoding))
    errors = [r for r in out if isinstance(r, RecordError)]
    assert len(errors) == 1 and errors[0].line == 2
    column = len(line) + 1  # just after its last character, counted in characters
    assert errors[0].message == (f"malformed JSON at column {column}: the line ends before the JSON "
                                 "value does (cut off?)")


def test_other_malformed_lines_keep_their_column(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "é" "meta": {}}\n', encoding="utf-8")
    (error,) = list(read_jsonl(path))
    assert isinstance(error, RecordError)
    assert error.message.startswith("malformed JSON at column 14: ")


# ---- an export with nothing to export -----------------------------------------------------------
@pytest.mark.parametrize("kwargs,words", [
    ({}, "no accepted annotations"),
    ({"answer": "reject"}, "no rejected annotations"),
    ({"answer": "all"}, "no annotations"),
    ({"annotator": "zed"}, "no accepted annotations by zed"),
    ({"reviewed": True}, "no reviewed documents"),
    ({"gold": True}, "no team gold documents"),
])
def test_an_export_with_nothing_to_export_writes_no_file_and_says_so(tmp_path: Path, kwargs, words):
    from annotator.core.ops.exporting import NothingToExport, export
    from annotator.core.store import Store

    with Store(tmp_path / "p.db") as store:
        doc, _ = store.documents.add_document("Nobody labelled this.")
        store.drafts.save_draft(doc, "alice", [])
        out = tmp_path / "out.jsonl"
        with pytest.raises(NothingToExport) as caught:
            export(store, "jsonl", out, **kwargs)
        assert str(caught.value) == f"nothing to export: {words}"
        assert not out.exists() and all(p.name.startswith("p.db") for p in tmp_path.iterdir())  # no .part left
        earlier = tmp_path / "earlier.jsonl"
        earlier.write_text("kept\n", encoding="utf-8")
        with pytest.raises(NothingToExport):
            export(store, "jsonl", earlier, **kwargs)
        assert earlier.read_text(encoding="utf-8") == "kept\n"  # an earlier export is left in place
