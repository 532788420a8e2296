"""Label Studio in: the real 1.23.2 exports (JSON and CONLL2003) and hand-made exports for
predictions, drafts, cancelled annotations, users, overlaps and every kind of bad task."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from annotator.core.formats.importers import READERS, ImportRecord, ReadNote, ReadOptions, RecordError
from annotator.core.ops.importing import import_paths
from annotator.core.text.model import Span, text_hash
from annotator.core.learning.suggestions import current_suggestions

LS_JSON = "label_studio_1.23.2_export_ner.json"
LS_CONLL = "label_studio_1.23.2_export_ner.conll"


def task_lines(path: Path) -> list[int]:
    """Lines on which the tasks of an `indent=1` export start (Label Studio's own layout)."""
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if line == " {"]


def write_export(path: Path, tasks: list) -> Path:
    path.write_text(json.dumps(tasks, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def result(start: int, end: int, text: str, label: str, **extra) -> dict:
    return {"id": f"r{start}", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}, **extra}


def spans_of(text: str, *pieces: tuple[str, str]) -> list[dict]:
    out = []
    for piece, label in pieces:
        start = text.index(piece)
        out.append(result(start, start + len(piece), piece, label))
    return out


# ---- the real Label Studio 1.23.2 files -------------------------------------------------------

def test_real_json_export_reads_exactly(peer_data):
    path = peer_data / LS_JSON
    raw = json.loads(path.read_text(encoding="utf-8"))
    out = list(READERS["label-studio"](path))
    records = [r for r in out if isinstance(r, ImportRecord)]
    assert len(out) == len(records) == 40  # no errors, no notes: no drafts or predictions in it
    assert [r.line for r in records] == task_lines(path)
    spans = [(r.text, s) for r in records for s in r.spans]
    assert len(spans) == 200
    # Every span's slice is the text Label Studio recorded for it, in file order.
    recorded = [res["value"]["text"] for task in raw for ann in task["annotations"] for res in ann["result"]]
    assert sorted(text[s.start:s.end] for text, s in spans) == sorted(recorded)
    assert Counter(s.label for _, s in spans) == Counter(
        res["value"]["labels"][0] for task in raw for ann in task["annotations"] for res in ann["result"])
    first = records[0]
    assert (first.annotator, first.answer, first.meta) == ("label-studio-user-1", "accept", {})
    assert first.timestamp == 1795982327.033712  # updated_at 2026-11-29T19:58:47.033712Z
    assert [r.text for r in records] == [t["data"]["text"] for t in raw]


def test_real_json_export_imports_and_reimports(store, peer_data):
    path = peer_data / LS_JSON
    report = import_paths(store, [path])
    assert report.errors == [] and report.warnings == []
    assert (report.records, report.documents_added, report.annotations) == (40, 40, {"added": 40})
    assert report.labels_added == []  # PERSON, ORG, GPE, DATE are default labels
    assert report.summary() == ("Imported 40 records from 1 file: 40 new documents, 0 duplicates, "
                                "40 annotations added (label-studio-user-1)")
    counts = Counter(s.label for _, a in store.annotations.iter_annotations() for s in a.spans)
    assert sum(counts.values()) == 200 and set(counts) == {"PERSON", "ORG", "GPE", "DATE"}
    for doc, ann in store.annotations.iter_annotations():
        assert all(doc.text[s.start:s.end].strip() == doc.text[s.start:s.end] for s in ann.spans)
    again = import_paths(store, [path])
    assert (again.documents_added, again.duplicates, again.annotations) == (0, 40, {"unchanged": 40})


def test_real_json_export_with_annotator_names_its_one_user(store, peer_data):
    report = import_paths(store, [peer_data / LS_JSON], annotator="sam")
    assert report.annotators == ["sam"] and report.warnings == []


def test_real_conll_export_is_one_document_per_task(store, peer_data):
    """Label Studio writes one -DOCSTART- for its whole CONLL2003 export: each blank-line block
    is a task. The 5 tasks are the JSON export's first 5, with the same text and spans."""
    conll = [r for r in READERS["conll"](peer_data / LS_CONLL)]
    assert all(isinstance(r, ImportRecord) for r in conll) and len(conll) == 5
    tasks = json.loads((peer_data / LS_JSON).read_text(encoding="utf-8"))[:5]
    for rec, task in zip(conll, tasks):
        assert rec.text == task["data"]["text"]
        assert sorted(map(tuple, rec.spans)) == sorted(
            (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in task["annotations"][0]["result"])
    assert [r.meta["doc"] for r in conll] == [1, 2, 3, 4, 5] and conll[0].line == 2
    report = import_paths(store, [peer_data / LS_CONLL], annotator="conll")
    assert report.errors == [] and (report.records, report.documents_added) == (5, 5)
    assert sum(len(a.spans) for _, a in store.annotations.iter_annotations(annotator="conll")) == 25
    both = import_paths(store, [peer_data / LS_JSON])
    assert (both.records, both.documents_added, both.duplicates) == (40, 35, 5)
    for doc_id in store.documents.document_ids()[:5]:
        conll, json_ = (store.annotations.get_annotation(doc_id, who) for who in ("conll", "label-studio-user-1"))
        assert conll.spans == json_.spans


def test_conll_with_one_docstart_but_other_columns_keeps_docstart_rules(tmp_path):
    path = tmp_path / "one.conll"
    path.write_text("-DOCSTART- -X- -X- O\nAda NNP B-NP B-PER\n\nBob NNP B-NP B-PER\n", encoding="utf-8")
    records = list(READERS["conll"](path))
    assert [r.text for r in records] == ["Ada\nBob"]


# ---- hand-made exports -------------------------------------------------------------------------

TEXT = "Zoë Ørsted 🎉 met 😀 Ана Иванова at the Café Müller in Zürich."


def full_task() -> dict:
    zoe = spans_of(TEXT, ("Zoë Ørsted", "PERSON"), ("Café Müller", "ORG"), ("Zürich", "GPE"))
    nested = spans_of(TEXT, ("Müller", "PERSON"))  # inside "Café Müller": dropped, listed
    return {
        "id": 7, "data": {"text": TEXT, "title": "visit"}, "meta": {"source": "wire"},
        "annotations": [
            {"id": 1, "completed_by": {"id": 3, "email": "zoe@example.org"}, "result": zoe + nested,
             "was_cancelled": False, "updated_at": "2026-11-29T19:58:47Z"},
            {"id": 2, "completed_by": 4, "result": spans_of(TEXT, ("Ана Иванова", "PERSON")),
             "was_cancelled": False, "created_at": "2026-11-30T08:00:00.5Z"},
            {"id": 3, "completed_by": 5, "result": [], "was_cancelled": True},
        ],
        "predictions": [
            {"model_version": "old", "created_at": "2026-01-01T00:00:00Z",
             "result": spans_of(TEXT, ("Zürich", "LOC"))},
            {"model_version": "new", "created_at": "2026-02-01T00:00:00Z",
             "result": spans_of(TEXT, ("Zürich", "GPE"), ("Ана Иванова", "PERSON")) + [
                 {"type": "choices", "value": {"choices": ["news"]}, "from_name": "topic", "to_name": "text"}]},
        ],
        "drafts": [{"id": 9, "user": "x@example.org", "result": []}, {"id": 10, "result": []}],
    }


def test_a_full_task_annotations_predictions_drafts_and_overlaps(store, tmp_path):
    path = write_export(tmp_path / "export.json", [full_task(), {"data": {"text": "Plain text only."}}])
    report = import_paths(store, [path])
    assert report.errors == []
    assert report.summary() == (
        "Imported 4 records from 1 file: 2 new documents, 2 duplicates, 3 annotations added "
        "(label-studio-user-4, label-studio-user-5, zoe@example.org), 1 document with suggestions "
        "(label-studio), 2 drafts skipped, 1 older prediction skipped, 1 stacked or overlapping span "
        "dropped (the longest kept; listed in the warnings)")  # no LOC: the older prediction is skipped
    where = f"{path}:2"
    assert f"{where}: annotation 1: dropped PERSON 'Müller' [43, 49]: overlaps ORG 'Café Müller' [38, 49], " \
           f"the longest is kept" in report.warnings
    assert f"{where}: prediction 2: 1 result(s) of type choices ignored (only labelled spans are imported)" \
        in report.warnings
    doc = store.documents.document_by_hash(text_hash(TEXT))
    assert doc.meta == {"source": "wire", "title": "visit"}
    zoe = store.annotations.get_annotation(doc.id, "zoe@example.org")
    assert [TEXT[s.start:s.end] for s in zoe.spans] == ["Zoë Ørsted", "Café Müller", "Zürich"]
    assert zoe.updated == 1795982327.0
    assert store.annotations.get_annotation(doc.id, "label-studio-user-4").updated == 1796025600.5
    assert store.annotations.get_annotation(doc.id, "label-studio-user-5").answer == "reject"
    suggested = store.suggestions.get_suggestions(doc.id, "label-studio")
    assert [(TEXT[s.start:s.end], s.label, s.source) for s in suggested] == [
        ("Ана Иванова", "PERSON", "label-studio"), ("Zürich", "GPE", "label-studio")]
    # The suggestion composition the window uses takes them like a model's, by their key.
    shown = current_suggestions(store, doc.id, "label-studio", None)
    assert [(s.label, s.source) for s in shown] == [("PERSON", "label-studio"), ("GPE", "label-studio")]
    plain = store.documents.document_by_hash(text_hash("Plain text only."))
    assert store.annotations.annotations_for_document(plain.id) == [] and store.suggestions.get_suggestions(plain.id, "label-studio") is None


def test_text_field_option_and_annotator_with_several_users(store, tmp_path):
    tasks = [{"data": {"body": "Ada met Bob."}, "annotations": [
        {"completed_by": 1, "result": spans_of("Ada met Bob.", ("Ada", "PERSON"))},
        {"completed_by": 2, "result": []}]}]
    path = write_export(tmp_path / "body.json", tasks)
    missing = import_paths(store, [path])
    assert [str(e) for e in missing.errors] == [
        f"{path}:2: task has no text in data.text; use --text-field with one of: body"]
    report = import_paths(store, [path], text_field="body", annotator="sam")
    assert report.errors == [] and report.annotators == ["label-studio-user-1", "label-studio-user-2"]
    assert report.warnings == [f"{path}: --annotator sam not applied: the export holds 2 users without an "
                               f"email, kept apart as label-studio-user-N"]


def test_bad_tasks_are_reported_with_the_line_of_the_task_and_the_rest_imported(store, tmp_path):
    utf16 = "🎉 Ada met Bob."  # Ada at code points 2-5, UTF-16 units 3-6
    good = {"data": {"text": "Good one."}, "annotations": [{"result": spans_of("Good one.", ("Good", "ORG"))}]}
    tasks = [
        {"data": {"text": utf16}, "annotations": [{"result": [result(3, 6, "Ada", "PERSON")]}]},
        good,
        {"data": {"text": "New York Times"}, "annotations": [{"result": [result(0, 8, "New York", "BIG CITY")]}]},
        {"data": {"text": "Ada"}, "annotations": [{"result": [result("0", 3, "Ada", "PERSON")]}]},
        {"data": {"text": "Ada"}, "annotations": [{"result": [result(0, 9, "Ada", "PERSON")]}]},
        {"text": "no data"},
        "not a task",
    ]
    path = write_export(tmp_path / "bad.json", tasks)
    lines = task_lines(path)
    report = import_paths(store, [path])
    assert [str(e) for e in report.errors] == [
        f"{path}:{lines[0]}: annotation 1: span [3, 6, PERSON] covers 'da ' but says its text is 'Ada' "
        f"(offsets must count characters, not UTF-16 units or bytes)",
        f"{path}:{lines[2]}: annotation 1: span [0, 8]: label name 'BIG CITY' must not contain spaces",
        f"{path}:{lines[3]}: annotation 1: value.start and value.end must be integers, got '0' and 3",
        f"{path}:{lines[4]}: annotation 1: span [0, 9, PERSON] is out of range for a text of 3 characters",
        f"{path}:{lines[5]}: task has no \"data\" object (not a Label Studio task)",
        f"{path}:{len(path.read_text().splitlines()) - 1}: expected a task object, got str",
    ]
    assert report.documents_added == 1 and report.annotations == {"added": 1}


def test_malformed_json_stops_at_its_line_after_the_good_tasks(store, tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('[\n {"data": {"text": "First task."}},\n {"data": {"text": "Second"\n  oops}\n]',
                    encoding="utf-8")
    report = import_paths(store, [path])
    assert [str(e) for e in report.errors] == [f"{path}:4: malformed JSON at column 3: Expecting ',' delimiter"]
    assert report.documents_added == 1
    flat = tmp_path / "object.json"
    flat.write_text('{"data": {"text": "x"}}', encoding="utf-8")
    out = list(READERS["label-studio"](flat, ReadOptions()))
    assert [str(e) for e in out] == [f"{flat}:1: expected a JSON array of tasks (a Label Studio JSON export)"]
    assert not any(isinstance(r, ReadNote) for r in out) and all(isinstance(r, RecordError) for r in out)


def test_predictions_only_give_suggestions_and_no_annotation(store, tmp_path):
    text = "Ada met Bob in Paris."
    tasks = [{"data": {"text": text}, "predictions": [{"result": spans_of(text, ("Paris", "GPE"))}]}]
    report = import_paths(store, [write_export(tmp_path / "pre.json", tasks)])
    assert report.errors == [] and report.annotations == {} and report.suggestions == {"label-studio": 1}
    (doc_id,) = store.documents.document_ids()
    assert store.suggestions.get_suggestions(doc_id, "label-studio") == (Span(15, 20, "GPE"),)
    assert store.annotations.annotations_for_document(doc_id) == []
