"""WebAnno TSV 3 in: INCEpTION's own test file, and hand-made files for UTF-16 offsets (emoji),
escaping, multi-line sentences, stacked values, sub-tokens, other layers and bad rows."""

from __future__ import annotations

from pathlib import Path

from annotator.core.formats.importers import READERS, ImportRecord, ReadNote, ReadOptions, RecordError
from annotator.core.ops.importing import import_paths

EXAMPLE = "webanno_tsv33_example2.tsv"


def read(path: Path, layer: str | None = None) -> list:
    return list(READERS["webanno"](path, ReadOptions(layer=layer)))


def only(out: list, kind: type) -> list:
    return [r for r in out if isinstance(r, kind)]


def entities(rec: ImportRecord) -> list[tuple[str, str]]:
    return [(rec.text[s.start:s.end], s.label) for s in rec.spans]


# ---- INCEpTION's example2.tsv ------------------------------------------------------------------

def test_real_example_imports_exactly(peer_data):
    path = peer_data / EXAMPLE
    out = read(path)
    assert only(out, RecordError) == []
    (rec,) = only(out, ImportRecord)
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").split("\n") if line[:1].isdigit()]
    # Every token's offsets (whole-document offsets) point at the token in the rebuilt text.
    assert all(rec.text[int(r[1].split("-")[0]):int(r[1].split("-")[1])] == r[2] for r in rows)
    assert len(rows) == 86 and len(rec.text) == 444
    # The gap between sentences is the line break INCEpTION puts after each sentence.
    assert rec.text.startswith("Ms. Haag plays Elianti .\nRolls-Royce Motor Cars Inc. said")
    assert entities(rec) == [("Ms. Haag", "PER"), ("Elianti", "OTH"), ("Rolls-Royce Motor", "ORG"),
                             ("U.S.", "LOC"), ("U.S.", "LOC"), ("BELL INDUSTRIES Inc.", "ORG"),
                             ("Bell", "ORG"), ("Los Angeles", "LOC")]
    assert (rec.answer, rec.meta, rec.line) == ("accept", {"file": EXAMPLE}, 7)
    assert [n.message for n in only(out, ReadNote)] == [
        f"{path}: only the NamedEntity layer's value imported; ignored: POS (span), Dependency (relation)",
        f"{path}:51: 4-1: dropped PER 'BELL', stacked with ORG 'BELL INDUSTRIES Inc.' (4-1..4-3): "
        f"the longest is kept"]


def test_real_example_summary_counts(store, peer_data):
    report = import_paths(store, [peer_data / EXAMPLE], annotator="inception")
    assert report.errors == []
    assert report.summary() == (
        "Imported 1 record from 1 file: 1 new document, 0 duplicates, 1 annotation added (inception), "
        "1 stacked or overlapping span dropped (the longest kept; listed in the warnings); "
        "labels added: OTH, PER")
    (doc_id,) = store.documents.document_ids()
    assert len(store.annotations.get_annotation(doc_id, "inception").spans) == 8
    assert import_paths(store, [peer_data / EXAMPLE], annotator="inception").annotations == {"unchanged": 1}


def test_pos_layer_by_short_name(peer_data):
    (rec,) = only(read(peer_data / EXAMPLE, layer="POS"), ImportRecord)
    assert len(rec.spans) == 86 and entities(rec)[:2] == [("Ms.", "NNP"), ("Haag", "NNP")]
    (rec,) = only(read(peer_data / EXAMPLE, layer="de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS:PosValue"),
                  ImportRecord)
    assert len(rec.spans) == 86


# ---- hand-made files ---------------------------------------------------------------------------

HEADER = ("#FORMAT=WebAnno TSV 3.3\n"
          "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n"
          "#T_SP=webanno.custom.Topic|\n"
          "#T_CH=de.tudarmstadt.ukp.dkpro.core.api.coref.type.CoreferenceLink|referenceType|referenceRelation\n"
          "\n\n")
# Offsets are UTF-16 units: 🎉 counts 2. A TAB and a backslash are escaped in #Text (not in the
# token column); the second sentence spans two lines; labels escape _ and |.
BODY = ("#Text=🎉 Zoë met Ана\\tИванова .\n"
        "1-1\t0-2\t🎉\t_\t_\t_\t_\t_\t\n"
        "1-2\t3-6\tZoë\t*\tPER\t_\tpr[1]\tcoref->1-1\t\n"
        "1-3\t7-10\tmet\t_\t_\t_\t_\t_\t\n"
        "1-4\t11-14\tАна\t*[2]\tPER[2]\t_\t_\t_\t\n"
        "1-5\t15-22\tИванова\t*[2]\tPER[2]\t_\t_\t_\t\n"
        "1-5.1\t15-18\tИва\t_\t_\t_\t_\t_\t\n"
        "1-6\t23-24\t.\t_\t_\t_\t_\t_\t\n"
        "\n"
        "#Text=C:\\\\dir is\n"
        "#Text=B_X ok\n"
        "2-1\t25-31\tC:\\dir\t_\t_\t*\t_\t_\t\n"
        "2-2\t32-34\tis\t*[4]|*[5]\tX[4]|Y[5]\t_\t_\t_\t\n"
        "2-3\t35-38\tB_X\t*[3]\tA\\_B\\|C[3]\t_\t_\t_\t\n"
        "2-4\t39-41\tok\t*[3]\tA\\_B\\|C[3]\t_\t_\t_\t\n")
TEXT = "🎉 Zoë met Ана\tИванова .\nC:\\dir is\nB_X ok"


def test_utf16_offsets_escapes_ids_and_stacks(tmp_path):
    path = tmp_path / "doc.tsv"
    path.write_text(HEADER + BODY, encoding="utf-8")
    out = read(path)
    (rec,) = only(out, ImportRecord)
    assert rec.text == TEXT
    assert entities(rec) == [("Zoë", "PER"), ("Ана\tИванова", "PER"), ("is", "X"), ("B_X ok", "A_B|C")]
    assert rec.spans[0].start == 2  # code points: the emoji is one character
    assert [n.message for n in only(out, ReadNote)] == [
        f"{path}: only the NamedEntity layer's value imported; ignored: Topic (span), CoreferenceLink (chain)",
        f"{path}:19: 2-2: dropped Y 'is', stacked with X 'is' (2-2): the longest is kept"]
    (topic,) = only(read(path, layer="Topic"), ImportRecord)
    assert entities(topic) == [("C:\\dir", "Topic")]


def test_crlf_file_and_older_minor_version(tmp_path):
    path = tmp_path / "crlf.tsv"
    content = HEADER.replace("3.3", "3.1") + BODY.replace("#Text=🎉 Zoë met Ана\\tИванова .", "#Text=🎉 Zoë met Ана\\u0009Иванова .")
    path.write_bytes(content.replace("\n", "\r\n").encode("utf-8"))
    (rec,) = only(read(path), ImportRecord)
    assert rec.text == TEXT


def test_bad_rows_are_reported_and_the_document_skipped(store, tmp_path):
    code_points = tmp_path / "codepoints.tsv"  # offsets written as code points, not UTF-16
    code_points.write_text("#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n\n\n"
                           "#Text=🎉 Ada\n1-1\t0-1\t🎉\t_\t\n1-2\t2-5\tAda\tPER\t\n", encoding="utf-8")
    columns = tmp_path / "columns.tsv"
    columns.write_text(HEADER + "#Text=Ada\n1-1\t0-3\tAda\tPER\t\n", encoding="utf-8")
    spaced = tmp_path / "spaced.tsv"
    spaced.write_text(HEADER + "#Text=New York\n1-1\t0-3\tNew\t*[1]\tBIG CITY[1]\t_\t_\t_\t\n"
                               "1-2\t4-8\tYork\t*[1]\tBIG CITY[1]\t_\t_\t_\t\n", encoding="utf-8")
    header = tmp_path / "header.tsv"
    header.write_text("#FORMAT=WebAnno TSV 2\n", encoding="utf-8")
    good = tmp_path / "good.tsv"
    good.write_text(HEADER + BODY, encoding="utf-8")
    report = import_paths(store, [code_points, columns, spaced, header, good])
    assert [str(e) for e in report.errors] == [
        f"{code_points}:6: offsets 0-1 of 1-1 lie outside the text or inside a character",
        f"{code_points}:7: token 1-2 is 'Ada' but its offsets 2-5 point at ' Ad' "
        f"(offsets must count UTF-16 units, as INCEpTION writes)",
        f"{columns}:8: expected a row 'SENTENCE-TOKEN<TAB>BEGIN-END<TAB>TOKEN' and 5 annotation "
        f"columns, got '1-1\\t0-3\\tAda\\tPER\\t'",
        f"{spaced}:8: 1-1..1-2: label name 'BIG CITY' must not contain spaces",
        f"{header}:1: not WebAnno TSV 3: the first line must be '#FORMAT=WebAnno TSV 3.x'",
    ]
    assert report.documents_added == 1 and report.annotations == {"added": 1}


def test_missing_layer_names_the_layers_there_are(tmp_path, peer_data):
    out = read(peer_data / EXAMPLE, layer="Lemma")
    assert [str(e) for e in out] == [f"{peer_data / EXAMPLE}:1: no span layer Lemma in the header "
                                     f"(span layers: POS, NamedEntity)"]
    out = read(peer_data / EXAMPLE, layer="NamedEntity:identifier")
    assert [str(e) for e in out] == [f"{peer_data / EXAMPLE}:1: layer NamedEntity has no feature identifier "
                                     f"(features: value)"]
    pos_only = tmp_path / "pos.tsv"
    pos_only.write_text("#FORMAT=WebAnno TSV 3.3\n#T_SP=de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS|PosValue\n\n\n"
                        "#Text=Hi\n1-1\t0-2\tHi\tUH\t\n", encoding="utf-8")
    assert [str(e) for e in read(pos_only)] == [
        f"{pos_only}:1: no named-entity layer in the header; choose one with --layer (span layers: POS)"]
