"""Label Studio and WebAnno through the command line: detection, options, warnings, exit codes,
export files, and help texts built from the registries."""

from __future__ import annotations

import json

from annotator.core.formats.exporters import EXPORTERS
from annotator.core.formats.importers import FORMATS
from annotator.core.store import Store
from tests.cli.helpers import run

LS_JSON = "label_studio_1.23.2_export_ner.json"
WEBANNO = "webanno_tsv33_example2.tsv"


def test_import_both_real_files_by_extension(db_path, peer_data):
    result = run("import", peer_data / LS_JSON, peer_data / WEBANNO, "--db", db_path, "--annotator", "inc")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "Imported 41 records from 2 files: 41 new documents, 0 duplicates, 41 annotations added (inc), "
        "1 stacked or overlapping span dropped (the longest kept; listed in the warnings); labels added: OTH, PER")
    assert result.stderr.splitlines() == [
        f"warning: {peer_data / WEBANNO}: only the NamedEntity layer's value imported; "
        f"ignored: POS (span), Dependency (relation)",
        f"warning: {peer_data / WEBANNO}:51: 4-1: dropped PER 'BELL', stacked with ORG "
        f"'BELL INDUSTRIES Inc.' (4-1..4-3): the longest is kept"]


def test_layer_and_text_field_options(db_path, peer_data, tmp_path):
    result = run("import", peer_data / WEBANNO, "--db", db_path, "--layer", "POS:PosValue")
    assert result.exit_code == 0, result.output
    with Store(db_path) as store:
        (doc_id,) = store.documents.document_ids()
        assert len(store.annotations.annotations_for_document(doc_id)[0].spans) == 86
    path = tmp_path / "body.json"
    path.write_text(json.dumps([{"data": {"body": "Ada met Bob."}}]), encoding="utf-8")
    result = run("import", path, "--db", db_path, "--text-field", "body")
    assert result.exit_code == 0 and "1 new document" in result.stdout
    unused = run("import", path, "--db", db_path, "--format", "label-studio", "--text-field", "body",
                 "--layer", "POS")
    assert "warning: --layer applies to webanno files only; none was imported" in unused.stderr


def test_bad_label_studio_task_exits_1_with_file_line(db_path, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[\n{"data": {"text": "Ada"}, "annotations": [{"result": [{"type": "labels", '
                    '"value": {"start": 0, "end": 3, "text": "Bob", "labels": ["PERSON"]}}]}]},\n'
                    '{"data": {"text": "Fine."}}\n]', encoding="utf-8")
    result = run("import", path, "--db", db_path)
    assert result.exit_code == 1
    assert f"{path}:2: annotation 1: span [0, 3, PERSON] covers 'Ada' but says its text is 'Bob'" in result.stderr
    assert "1 new document" in result.stdout and "1 error" in result.stdout


def test_export_label_studio_and_webanno(project, tmp_path):
    out = tmp_path / "ls" / "tasks.json"
    result = run("export", "--db", project, "-f", "label-studio", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (f"Exported 5 records (accepted annotations) as label-studio -> {out}, "
                                     f"{tmp_path / 'ls' / 'tasks.label_config.xml'}")
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 4
    pre = run("export", "--db", project, "-f", "label-studio", "-o", tmp_path / "pre.json", "--as-predictions")
    assert pre.exit_code == 0 and "predictions" in (tmp_path / "pre.json").read_text(encoding="utf-8")
    wrong = run("export", "--db", project, "-f", "jsonl", "-o", tmp_path / "x.jsonl", "--as-predictions")
    assert wrong.exit_code == 2 and "--as-predictions applies to --format label-studio only" in wrong.output
    folder = tmp_path / "inception"
    result = run("export", "--db", project, "-f", "webanno", "-o", folder, "--annotator", "alice")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [f"doc-00000{i}.tsv" for i in range(1, 5)]
    assert (folder / "doc-000001.tsv").read_text(encoding="utf-8").startswith("#FORMAT=WebAnno TSV 3.3\n")


def test_help_lists_every_registered_format():
    export_help = run("export", "--help").output
    import_help = run("import", "--help").output
    assert all(f"\n    {name} " in export_help for name in EXPORTERS)
    assert all(f"\n    {name} " in import_help for name in FORMATS)
