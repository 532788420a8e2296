"""The benchmark scripts must not rot: the smallest import benchmark runs end to end and its
figures render into the RESULTS.md table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_import_benchmark_smoke(tmp_path: Path) -> None:
    got = subprocess.run(
        [sys.executable, "benchmarks/bench_import.py", "--docs", "200", "--repeat", "1", "--no-cli",
         "--profile-docs", "0", "--workdir", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert got.returncode == 0, got.stderr
    line = next(ln for ln in got.stdout.splitlines() if ln.startswith("RESULT "))
    result = orjson.loads(line[len("RESULT "):])
    assert result["benchmark"] == "import" and result["sizes"]["documents"] == 200
    figures = {f["name"]: f for f in result["figures"]}
    ratio = figures["import time / bare time"]
    assert ratio["value"] > 0 and ratio["target"] == "<= 1.25" and isinstance(ratio["met"], bool)
    assert figures["import_paths throughput"]["value"] > 0
    assert not list(tmp_path.glob("*.jsonl")) and not list(tmp_path.glob("*.db"))  # cleaned up

    sys.path.insert(0, str(REPO_ROOT))
    try:
        from benchmarks.run_all import render
    finally:
        sys.path.remove(str(REPO_ROOT))
    page = render([("import", "1. Import", result, "", 1.0)], {"nproc": "2"}, [], quick=True)
    assert "| import time / bare time |" in page and "<= 1.25" in page


@pytest.mark.slow
def test_article_benchmark_smoke(tmp_path: Path) -> None:
    got = subprocess.run(
        [sys.executable, "benchmarks/bench_articles.py", "--files", "5", "--repeat", "1", "--no-cli",
         "--workdir", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert got.returncode == 0, got.stderr
    line = next(ln for ln in got.stdout.splitlines() if ln.startswith("RESULT "))
    result = orjson.loads(line[len("RESULT "):])
    figures = {f["name"]: f for f in result["figures"]}
    for kind in ("docx", "odt", "html", "pdf"):
        assert figures[f"import of the .{kind} folder"]["value"] > 0
    assert list(tmp_path.iterdir()) == []  # cleaned up


def test_bundle_benchmark_measures_size_as_du_does(tmp_path: Path) -> None:
    """bench_bundle.py needs a built app (minutes: run_all's job); its size figure is checked
    here against du on a folder like the app's."""
    sys.path.insert(0, str(REPO_ROOT))
    try:
        from benchmarks.bench_bundle import allocated_bytes, largest_parts
    finally:
        sys.path.remove(str(REPO_ROOT))
    app = tmp_path / "annotator"
    (app / "_internal" / "PySide6").mkdir(parents=True)
    (app / "annotator").write_bytes(b"x" * 70_000)
    (app / "_internal" / "PySide6" / "libQt6Core.so.6").write_bytes(b"q" * 300_000)
    (app / "_internal" / "libz.so.1").write_bytes(b"z" * 5_000)
    (app / "_internal" / "libQt6Core.so.6").symlink_to("PySide6/libQt6Core.so.6")
    du = subprocess.run(["du", "-s", "-B1", str(app)], capture_output=True, text=True, check=True)
    assert allocated_bytes(app) == int(du.stdout.split()[0])
    parts = dict(largest_parts(app))
    assert parts["PySide6"] >= 300_000 and parts["(top-level .so libraries)"] >= 5_000


@pytest.mark.slow
def test_patterns_benchmark_smoke(tmp_path: Path) -> None:
    """bench_patterns.py end to end on a small list: its figures and targets are there."""
    got = subprocess.run(
        [sys.executable, "benchmarks/bench_patterns.py", "--terms", "2000", "--repeat", "5", "--decisions", "10",
         "--workdir", str(tmp_path)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stderr
    line = next(ln for ln in got.stdout.splitlines() if ln.startswith("RESULT "))
    result = orjson.loads(line[len("RESULT "):])
    figures = {f["name"]: f for f in result["figures"]}
    assert result["sizes"]["terms"] == 2000
    load = figures["load a 2,000-term term list: patterns add + matcher built"]
    match = figures["match a 3 KB article, token patterns (JSONL)"]
    assert load["target"] == "< 5" and load["value"] > 0 and match["target"] == "< 5" and "matches" in match["note"]
    assert not list((tmp_path / "bench_patterns").glob("*.db"))


@pytest.mark.slow
def test_keyboard_benchmark_smoke() -> None:
    """bench_keyboard.py labels the sample article to its gold by keys only (it checks the saved
    annotation itself) and reports keys per entity."""
    import pytest

    pytest.importorskip("PySide6")
    got = subprocess.run([sys.executable, "benchmarks/bench_keyboard.py", "--model", "none"],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stderr[-2000:]
    line = next(ln for ln in got.stdout.splitlines() if ln.startswith("RESULT "))
    figures = {f["name"]: f for f in orjson.loads(line[len("RESULT "):])["figures"]}
    median = figures["keys per entity, median, by hand (no suggestions)"]
    assert median["value"] > 0 and median["target"] == "<= 4" and isinstance(median["met"], bool)
    assert figures["keys for the article, by hand (no suggestions)"]["value"] > 64


def test_vectors_benchmark_starts_from_the_stock_ner() -> None:
    """bench_vectors.py's variant B adds static vectors to the fine-tuned NER: with the stock
    weights copied in and the vectors' new columns at zero, it must compute exactly what the
    stock NER computes before training (so any difference after is what the vectors taught)."""
    import numpy
    import spacy

    sys.path.insert(0, str(REPO_ROOT))
    from annotator.core.learning.train import default_base
    from annotator.core.learning.train_loop import GoldDoc, make_examples, new_pipeline, prepare_ner
    from annotator.core.text.model import Span
    from benchmarks.bench_vectors import prepare_ner_with_vectors

    text = "the mayor of paris met john smith at the united nations in new york"
    gold = [GoldDoc(1, text, (Span(13, 18, "GPE"), Span(23, 33, "PERSON")))]
    labels = ["GPE", "ORG", "PERSON"]
    stock = new_pipeline(default_base())
    prepare_ner(stock, labels, make_examples(stock, gold))
    with_vectors = new_pipeline(default_base())
    rng = numpy.random.default_rng(0)
    with_vectors.vocab.vectors = spacy.vectors.Vectors(strings=with_vectors.vocab.strings, shape=(0, 20))
    for word in set(text.split()):
        with_vectors.vocab.set_vector(word, rng.normal(size=20).astype("float32"))
    prepare_ner_with_vectors(with_vectors, labels, make_examples(with_vectors, gold))
    assert with_vectors.config["components"]["ner"]["model"]["tok2vec"]["embed"]["include_static_vectors"]
    for sentence in (text, "Angela Merkel flew to Berlin"):
        out = [nlp.get_pipe("ner").model.get_ref("tok2vec").predict([nlp.make_doc(sentence)])[0]
               for nlp in (stock, with_vectors)]
        assert out[0].shape == out[1].shape and numpy.abs(out[0] - out[1]).max() < 1e-6
        assert [(e.text, e.label_) for e in stock(sentence).ents] == \
            [(e.text, e.label_) for e in with_vectors(sentence).ents]
