"""One admission for what enters a project (issue 27 §3, issue 29): spans.admit_spans,
labels.admit_label, core/text/admission.py. The same value is refused with the same reason by every
importer, a merge, `check` and the store; offsets are never coerced; NUL never enters."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import pytest

from annotator.core.text.admission import AdmissionError, admit_meta_json, admit_meta_text, admit_text, admit_time
from annotator.core.errors import RecordError, SpanError
from annotator.core.ops.importing import import_paths
from annotator.core.text.labels import MAX_LABELS, LabelError, admit_label, check_name
from annotator.core.team.merge import check_project_file, merge_project
from annotator.core.text.model import Label, Span
from annotator.core.text.spans import admit_spans
from annotator.core.store import Store
from annotator.core.learning.suggestions import clean

TEXT = "Ada Lovelace met Bob in Paris ."
SPACED = "label name ' GPE ' must not contain spaces"


def _jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_label_with_spaces_around_it_is_the_same_refusal_in_every_format(store, tmp_path):
    """" GPE " was stripped for JSONL and doccano (coerce_span) but refused elsewhere."""
    start = TEXT.index("Paris")
    jsonl = _jsonl(tmp_path / "prodigy.jsonl", [{"text": TEXT, "spans": [{"start": start, "end": start + 5, "label": " GPE "}]}])
    doccano = _jsonl(tmp_path / "doccano.jsonl", [{"text": TEXT, "label": [[start, start + 5, " GPE "]]}])
    studio = tmp_path / "studio.json"
    studio.write_text(json.dumps([{"data": {"text": TEXT}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": start, "end": start + 5, "text": "Paris", "labels": [" GPE "]}}]}]}]))
    webanno = tmp_path / "webanno.tsv"
    webanno.write_text("#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n\n\n"
                       "#Text=Paris\n1-1\t0-5\tParis\t GPE \t\n", encoding="utf-8")
    report = import_paths(store, [jsonl, doccano, studio, webanno])
    assert len(report.errors) == 4
    assert all(e.message.endswith(SPACED) for e in report.errors), [str(e) for e in report.errors]
    assert " GPE " not in store.labels.label_names() and report.annotations == {}


@pytest.mark.parametrize("offset", [0.5, True, "3", 3.0, None])
def test_offsets_are_integers_never_coerced(store, tmp_path, offset):
    path = _jsonl(tmp_path / "in.jsonl", [{"text": TEXT, "spans": [{"start": offset, "end": 12, "label": "PERSON"}]}])
    report = import_paths(store, [path])
    assert len(report.errors) == 1 and "start must be an integer" in report.errors[0].message
    assert report.documents_added == 0
    with pytest.raises(SpanError, match="start must be an integer"):
        admit_spans(TEXT, [[offset, 12, "PERSON"]])


@pytest.mark.parametrize("label, reason", [
    ("X\x00Y", "NUL in a label"),
    (" GPE ", SPACED),
    ("A\x07B", "label name 'A\\x07B' must not contain a control character (U+0007)"),
    ("A" * 1001, "label name of 1,001 characters: at most 1,000"),
    ("", "label name must not be empty"),
])
def test_span_labels_by_the_label_rule(label, reason):
    with pytest.raises(SpanError) as caught:
        admit_spans(TEXT, [{"start": 0, "end": 3, "label": label}])
    assert str(caught.value) == reason


def test_the_label_rule():
    assert admit_label("PERSON", "#AABBCC", "é") == Label("PERSON", "#aabbcc", "é", 0)
    for name, colour, key, reason in [
        ("BAD LABEL", "#aabbcc", None, "must not contain spaces"),
        ("OK", "notacolor", None, "is not a hex colour"),
        ("OK", "#abc", None, "is not a hex colour"),  # a person may type #abc; data is #rrggbb
        ("OK", "#aabbcc", "zz", "must be one character"),
        ("OK", "#aabbcc", " ", "must be one character"),
        ("OK", "#aabbcc", "\x00", "must be one character"),
        ("A" * 100_000, "#aabbcc", None, "100,000 characters"),
    ]:
        with pytest.raises(LabelError, match=reason):
            admit_label(name, colour, key)
    assert check_name("  PERSON ") == "PERSON"  # typed by a person: stripped first


def test_the_store_keeps_to_the_label_rule_and_the_cap(store):
    with pytest.raises(LabelError, match="hex colour"):
        store.labels.add_label("COLOURED", "red; font-size: 900px")
    with pytest.raises(LabelError, match="one character"):
        store.labels.add_label("KEYED", "#aabbcc", "zz")
    with pytest.raises(LabelError, match="hex colour"):
        store.labels.set_label_color("PERSON", "notacolor")
    before = len(store.labels.all())
    with pytest.raises(LabelError, match="more than 10,000 labels"):
        store.labels.add_labels(Label(f"L{i}", "#aabbcc") for i in range(MAX_LABELS))
    assert len(store.labels.all()) == before  # all or none


def test_ten_thousand_labels_are_added_in_one_pass(store):
    """A hub pull or a merge of 10,000 labels was quadratic (each label re-read the label set):
    the statements run do not grow with the number of labels."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    added = store.labels.add_labels(Label(f"L{i}", "#aabbcc", str(i % 10)) for i in range(MAX_LABELS - len(store.labels.all())))
    store.conn.set_trace_callback(None)
    assert len(store.labels.all()) == MAX_LABELS and len(added) == MAX_LABELS - 9
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 2, reads[:10]  # the label set, read once (executemany traces each row)
    assert [l.key for l in added if l.key] == ["0"]  # keys 1-9 were taken; 0 goes to the first that asks


def test_texts_meta_and_times():
    assert admit_text("Zoë \x01 ok") == "Zoë \x01 ok"
    for bad, reason in (("a\x00b", r"NUL in the text \(character 1\)"), (b"x", "not a string")):
        with pytest.raises(AdmissionError, match=reason):
            admit_text(bad)
    assert admit_meta_text('{"k": "\\\\u0000 is text"}') == {"k": "\\u0000 is text"}
    assert admit_meta_json({}) == "{}" and admit_meta_json({"k": [1]}) == '{"k":[1]}'
    for bad_meta in ([], None, '{}'):  # the empty-meta shortcut still checks the type first
        with pytest.raises(AdmissionError, match="not an object"):
            admit_meta_json(bad_meta)
    with pytest.raises(AdmissionError, match="NUL in the meta"):
        admit_meta_text('{"k": "a\\u0000b"}')
    for value in (math.nan, math.inf, -math.inf, True, "1"):
        with pytest.raises(AdmissionError):
            admit_time(value)


def test_the_store_refuses_non_finite_times(store):
    doc, _ = store.documents.add_document(TEXT)
    for created, updated in ((math.nan, 1.0), (1.0, math.inf)):
        with pytest.raises(AdmissionError, match="not a finite number"):
            store.annotations.merge_annotation(doc, "bob", "accept", [], created, updated)
    with pytest.raises(AdmissionError, match="not a finite number"):
        store.annotations.save_annotation(doc, "bob", "accept", [], timestamp=math.inf)
    with pytest.raises(AdmissionError, match="not a finite number"):
        store.reviews.merge_review(doc, "rev", [], [], math.nan)
    assert store.annotations.get_annotation(doc, "bob") is None


def _crafted(tmp_path: Path, sql: str, *params: object) -> Path:
    path = tmp_path / "theirs.db"
    with Store(path) as s:
        doc, _ = s.documents.add_document(TEXT)
        s.annotations.save_annotation(doc, "bob", "accept", [Span(0, 12, "PERSON")])
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql, params)
    conn.close()
    return path


@pytest.mark.parametrize("sql, params, reason", [
    ("UPDATE annotations SET spans = ?", ('[{"start": 0, "end": 12, "label": "X\\u0000Y"}]',), "NUL in a label"),
    ("UPDATE annotations SET spans = ?", ('[{"start": 0.5, "end": 12, "label": "PERSON"}]',),
     "start must be an integer, got float"),
    ("UPDATE annotations SET spans = ?", ('[{"start": 0, "end": 12, "label": " GPE "}]',), SPACED),
    ("UPDATE documents SET text = ?, hash = ?", ("a\x00b", "9e3a2e9cd2a5a6cdc0c6e10c9d93f5e14b3cf2a3b6c6fe0fbbc4ab2f5c2b5d3d"),
     "NUL in the text"),
    ("INSERT INTO labels (name, color, key, position) VALUES (?, '#aabbcc', NULL, 50)", ("X\x00Y",), "NUL in a label"),
    ("INSERT INTO labels (name, color, key, position) VALUES ('KEYED', '#aabbcc', ?, 50)", ("zz",),
     "must be one character"),
    ("UPDATE documents SET meta = ?", ('{"k": "a\\u0000b"}',), "NUL in the meta"),
])
def test_check_and_merge_report_it_and_change_nothing(store, tmp_path, sql, params, reason):
    if "SET text" in sql:
        from annotator.core.text.model import text_hash

        params = ("a\x00b", text_hash("a\x00b"))
    path = _crafted(tmp_path, sql, *params)
    with pytest.raises(RecordError, match=reason):
        check_project_file(path)
    before = store.documents.count_documents()
    with pytest.raises(RecordError, match=reason):
        merge_project(store, path)
    assert store.documents.count_documents() == before


def test_suggestions_drop_what_the_admission_refuses():
    """A legacy label with a space (a project made before the rule) is never suggested."""
    spans = [Span(0, 3, "OLD LABEL"), Span(13, 16, "PERSON"), Span(24, 29, "GPE")]
    assert clean(TEXT, spans, ["OLD LABEL", "PERSON", "GPE"]) == spans[1:]


def test_your_own_file_with_a_coerced_offset_is_one_line_not_a_rounded_span(store):
    """A span the store reads back with offset 0.5 (a file edited by hand) was int()-ed to 0."""
    doc, _ = store.documents.add_document(TEXT)
    store.annotations.save_annotation(doc, "bob", "accept", [Span(0, 12, "PERSON")])
    with store.transaction() as c:
        c.execute("UPDATE annotations SET spans = ?", ('[{"start": 0.5, "end": 12, "label": "PERSON"}]',))
    with pytest.raises(RecordError, match="spans are not a list of {start, end, label} objects"):
        store.annotations.get_annotation(doc, "bob")


def test_the_hub_trims_a_phrase_as_python_does():
    """A pattern's phrase is blank when str.strip() leaves nothing (check_pattern); the hub's
    CHECK trims the same characters (PY_WHITESPACE), not btrim's space alone."""
    from annotator.core.hub.checks import FUNCTIONS, PY_WHITESPACE, sql_chars
    from annotator.core.learning.patterns.records import PatternError, check_pattern

    assert set(PY_WHITESPACE) == {c for c in map(chr, range(0x110000)) if c.isspace()}
    is_pattern = next(f for f in FUNCTIONS if "hub.is_pattern" in f)
    assert is_pattern.count(sql_chars(PY_WHITESPACE)) == 2
    for blank in ("\t", "\u3000 \n", "\x1c"):
        with pytest.raises(PatternError, match="empty pattern"):
            check_pattern("GPE", blank)
