"""Label Studio JSON and WebAnno TSV out: every export imports back to the same documents and
spans (accents, emoji, line breaks, characters WebAnno escapes), the files have the shape the
tools import, and output appears all at once."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Iterator
import pytest

from annotator.core.formats.exporters import ExportError
from annotator.core.formats.exporters.label_studio import config_path
from annotator.core.ops.exporting import export
from annotator.core.ops.importing import import_paths
from annotator.core.text.model import Span
from annotator.core.store import Store
from tests.core.export_data import TEXTS, fill, spans_of
from tests.core.test_roundtrip import reimport, snapshot


def fill_emails(store: Store) -> None:
    """TEXTS by two annotators named by email (Label Studio users), every answer but ignore."""
    for i, (text, pieces) in enumerate(TEXTS):
        doc_id, _ = store.documents.add_document(text, {"n": i})
        store.annotations.save_annotation(doc_id, "alice@example.org", "accept", spans_of(text, *pieces), timestamp=1_700_000_000 + i)
        if i % 2 == 0:
            store.annotations.save_annotation(doc_id, "bob@example.org", "reject" if i else "accept",
                                  spans_of(text, *pieces[:1]), timestamp=1_700_000_100 + i)


@contextlib.contextmanager
def reimported(tmp_path: Path, paths: list[Path], **kwargs) -> Iterator[Store]:
    """A new project with `paths` imported (without errors), closed afterwards."""
    again = reimport(tmp_path, paths, **kwargs)
    try:
        yield again
    finally:
        again.close()


def alice_only(store: Store) -> dict:
    return {text: (meta, {"alice": versions["alice"]}) for text, (meta, versions) in snapshot(store).items()}


# ---- Label Studio ------------------------------------------------------------------------------

def test_label_studio_round_trip_of_every_version(store, tmp_path):
    fill_emails(store)
    out = tmp_path / "tasks.json"
    report = export(store, "label-studio", out, answer="all")
    assert report.records == 6 and report.files == [out, config_path(out)]
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert len(tasks) == 4 and len(out.read_text(encoding="utf-8").splitlines()) == 6  # a task a line
    first = tasks[0]["annotations"]
    assert [a["completed_by"] for a in first] == [{"email": "alice@example.org"}, {"email": "bob@example.org"}]
    region = first[0]["result"][0]
    assert region["from_name"] == "label" and region["to_name"] == "text" and region["type"] == "labels"
    assert region["value"] == {"start": 0, "end": 7, "text": "Hun Sen", "labels": ["PERSON"]}
    with reimported(tmp_path, [out]) as again:
        assert snapshot(again) == snapshot(store)
        doc_id = again.documents.document_ids()[0]
        assert again.annotations.get_annotation(doc_id, "alice@example.org").updated == 1_700_000_000


def test_label_studio_round_trip_with_emoji_accents_and_plain_names(store, tmp_path):
    fill(store)
    out = tmp_path / "alice.json"
    export(store, "label-studio", out, annotator="alice")
    text = json.loads(out.read_text(encoding="utf-8"))[1]["data"]["text"]
    assert text.startswith("🎉 Party 🇰🇭")  # code-point offsets, as Label Studio counts
    assert "completed_by" not in out.read_text(encoding="utf-8")  # "alice" is no Label Studio user
    with reimported(tmp_path, [out], annotator="alice") as again:
        assert snapshot(again) == alice_only(store)


def test_ignore_becomes_a_cancelled_annotation_and_comes_back_as_reject(store, tmp_path):
    doc_id, _ = store.documents.add_document("Skipped text.")
    store.annotations.save_annotation(doc_id, "me@example.org", "ignore", [])
    out = tmp_path / "skip.json"
    export(store, "label-studio", out, answer="all")
    assert json.loads(out.read_text())[0]["annotations"][0]["was_cancelled"] is True
    with reimported(tmp_path, [out]) as again:
        assert again.annotations.get_annotation(again.documents.document_ids()[0], "me@example.org").answer == "reject"


def test_label_studio_as_predictions_round_trips_as_suggestions(store, tmp_path):
    fill(store)
    out = tmp_path / "pre.json"
    report = export(store, "label-studio", out, answer="all", options={"as_predictions": True})
    assert report.warnings == ["document 3: reject by bob is not a prediction; left out"]
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [p["model_version"] for p in tasks[0]["predictions"]] == ["alice", "bob"]
    assert all("annotations" not in t for t in tasks)
    with reimported(tmp_path, [out]) as again:
        assert sum(1 for _ in again.annotations.iter_annotations()) == 0
        for doc in again.documents.iter_documents():
            source = store.documents.document_by_hash(doc.hash)
            newest = store.annotations.get_annotation(source.id, "bob" if doc.text == TEXTS[0][0] else "alice")
            assert again.suggestions.get_suggestions(doc.id, "label-studio") == newest.spans


def test_labeling_config_lists_project_labels_and_any_other(store, tmp_path):
    doc_id, _ = store.documents.add_document("Ada <Lovelace> & co")
    store.labels.add_label('A&B<"x">')
    store.annotations.save_annotation(doc_id, "me", "accept", [Span(0, 14, "A&B<\"x\">")])
    out = tmp_path / "cfg.json"
    export(store, "label-studio", out)
    config = config_path(out).read_text(encoding="utf-8")
    assert config.startswith('<View>\n  <Labels name="label" toName="text">\n    <Label value="PERSON" background="#')
    assert '<Label value="A&amp;B&lt;&quot;x&quot;&gt;" background="#' in config
    assert '<Label value="ORG" background="#' in config
    assert config.endswith('  </Labels>\n  <Text name="text" value="$text"/>\n</View>\n')


def test_real_label_studio_file_round_trips(store, tmp_path, peer_data):
    first = import_paths(store, [peer_data / "label_studio_1.23.2_export_ner.json"])
    assert first.errors == []
    out = tmp_path / "back.json"
    assert export(store, "label-studio", out).records == 40
    with reimported(tmp_path, [out], annotator="label-studio-user-1") as again:
        assert snapshot(again) == snapshot(store)


def test_failed_label_studio_export_leaves_the_previous_files(store, tmp_path):
    fill(store)
    out = tmp_path / "tasks.json"
    export(store, "label-studio", out)
    before = out.read_bytes(), config_path(out).read_bytes()

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export(store, "label-studio", out, answer="all", on_progress=cancel, batch_size=1)
    assert (out.read_bytes(), config_path(out).read_bytes()) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


# ---- WebAnno TSV -------------------------------------------------------------------------------

ESCAPED = ("Tab\there, a back\\slash and C:\\dir, CR\r\nnew line, ctrl\x01char, 🎉 Zoë's B_X|Y [x] *star* ->"
           "\n\n  Second paragraph by Ørsted.")


def test_webanno_round_trip_with_emoji_accents_and_line_breaks(store, tmp_path):
    fill(store)
    out = tmp_path / "tsv"
    report = export(store, "webanno", out, annotator="alice")
    assert [p.name for p in report.files] == ["doc-000001.tsv", "doc-000002.tsv", "doc-000003.tsv", "doc-000004.tsv"]
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in report.files]
    (tmp_path / "other.tsv").write_text("text\tid\nnot WebAnno\t1\n", encoding="utf-8")
    # A folder import reads the WebAnno files in it (and not a CSV .tsv beside them).
    with reimported(tmp_path, [tmp_path], annotator="alice") as again:
        mine = {text: versions for text, (_, versions) in alice_only(store).items()}
        theirs = {text: versions for text, (_, versions) in snapshot(again).items()}
        assert theirs == mine


def test_webanno_escapes_text_and_labels_and_keeps_spans_off_token_boundaries(store, tmp_path):
    text = ESCAPED
    doc_id, _ = store.documents.add_document(text)
    store.labels.ensure_labels(["B_X|Y*", "[x]->;"])
    spans = [Span(text.index("back"), text.index("back") + 4, "B_X|Y*"),
             Span(text.index("🎉"), text.index("🎉") + 1, "[x]->;"),
             Span(text.index("Zoë"), text.index("Zoë") + 5, "PERSON"),  # "Zoë's" cut inside a token
             Span(text.index("Second"), text.index("Ørsted") + 6, "EVENT")]
    store.annotations.save_annotation(doc_id, "me", "accept", spans)
    out = tmp_path / "esc"
    (path,) = export(store, "webanno", out).files
    content = path.read_text(encoding="utf-8")
    assert "#Text=Tab\\there, a back\\\\slash and C:\\\\dir, CR\\r" in content
    assert "\tback\tB\\_X\\|Y\\*\t" in content and "\t🎉\t\\[x\\]\\->\\;\t" in content
    # A raw CR would end a line for INCEpTION's reader; a control character gets a backslash
    # in #Text (the token column is written as is, like INCEpTION does).
    assert "\r" not in content and "#Text=new line, ctrl\\\x01char," in content
    with reimported(tmp_path, [path], annotator="me") as again:
        (doc,) = again.documents.iter_documents()
        assert doc.text == text
        assert again.annotations.get_annotation(doc.id, "me").spans == tuple(sorted(spans))


def test_webanno_emoji_offsets_are_utf16(store, tmp_path):
    doc_id, _ = store.documents.add_document("😀 Ada met Bob.")
    store.annotations.save_annotation(doc_id, "me", "accept", [Span(2, 5, "PERSON")])
    (path,) = export(store, "webanno", tmp_path / "u16").files
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1].isdigit()]
    assert rows[:2] == ["1-1\t0-2\t😀\t_\t", "1-2\t3-6\tAda\tPERSON\t"]


def test_webanno_versions_leading_whitespace_and_real_file(store, tmp_path, peer_data):
    import_paths(store, [peer_data / "webanno_tsv33_example2.tsv"], annotator="inception")
    doc_id, _ = store.documents.add_document("\n\tIndented start.")
    store.annotations.save_annotation(doc_id, "a b", "accept", [])
    store.annotations.save_annotation(doc_id, "a_b", "accept", [])
    report = export(store, "webanno", tmp_path / "all")
    assert [p.name for p in report.files] == ["doc-000001.tsv", "doc-000002.a_b.tsv", "doc-000002.a_b_.tsv"]
    assert report.warnings == ["document 2: whitespace before its first word is written as spaces "
                               "(WebAnno TSV cannot hold text before the first sentence)"]
    with reimported(tmp_path, report.files[:1], annotator="inception") as again:
        # WebAnno TSV has no place for meta: the text and the spans come back.
        assert {t: v for t, (_, v) in snapshot(again).items()} == {
            t: v for t, (_, v) in snapshot(store).items() if "inception" in v}


def test_webanno_folder_is_replaced_whole_or_not_at_all(store, tmp_path):
    fill(store)
    out = tmp_path / "tsv"
    export(store, "webanno", out, annotator="bob")
    assert sorted(p.name for p in out.iterdir()) == ["doc-000001.tsv"]  # bob's accepted version
    export(store, "webanno", out, annotator="alice")  # a previous export is replaced
    assert len(list(out.iterdir())) == 4
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export(store, "webanno", out, answer="all", on_progress=cancel, batch_size=1)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project.db", "project.db-shm", "project.db-wal", "tsv"]
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="folder holds other files"):
        export(store, "webanno", out)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="exists and is not a folder"):
        export(store, "webanno", tmp_path / "file")


def test_webanno_split_writes_train_and_dev_folders(store, tmp_path):
    fill(store)
    report = export(store, "webanno", tmp_path / "split", annotator="alice", split=0.5)
    assert (report.train_records, report.dev_records) == (2, 2)
    assert sorted(p.parent.name for p in report.files) == ["dev", "dev", "train", "train"]

