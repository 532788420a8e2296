"""`annotator train --with-patterns` (issue 25 §4): the project's patterns go into the trained
pipeline as spaCy's entity_ruler before the NER; the folder loads with spacy.load and the
ruler's entities stand. Off by default."""

from __future__ import annotations

import json

import pytest

from annotator.core.learning.patterns.records import Pattern
from annotator.core.learning.train import SCORES_FILE, train_pipeline
from annotator.core.store import Store
from annotator.core.text.model import Span
from tests.cli.helpers import run

TEXTS = [f"tomas brennick spoke in belmouth on day {i} for the coastal dockers union" for i in range(8)]


@pytest.fixture
def gold_db(db_path):
    with Store(db_path) as store:
        ids, _ = store.documents.add_documents([(t, {}) for t in TEXTS])
        for doc in ids:
            store.annotations.save_annotation(doc, "alice", "accept", [Span(0, 14, "PERSON"), Span(24, 32, "GPE")])
        store.patterns.add_patterns([Pattern("ORG", [{"lower": "coastal"}, {"lower": "dockers"}, {"lower": "union"}]),
                            Pattern("GPE", "Port of Belmouth"), Pattern("GPE", "rotterdam")], "alice")
    return db_path


@pytest.mark.slow
def test_the_patterns_become_an_entity_ruler_before_the_ner(gold_db, tmp_path):
    import spacy

    out = tmp_path / "model"
    with Store(gold_db) as store:
        result = train_pipeline(store, out, from_scratch=True, max_steps=2, seed=0, with_patterns=True)
    s = result.scores
    # ORG is not a label of the gold: its pattern is left out, and the warning says so.
    assert s["patterns"] == 2 and s["with_patterns"] is not None
    assert any("ORG left out of the entity ruler" in w for w in s["warnings"])
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["entity_ruler", "ner"]
    doc = nlp("ships went from the PORT OF BELMOUTH to rotterdam")
    assert [(e.text, e.label_) for e in doc.ents if e.label_ == "GPE"] == [("PORT OF BELMOUTH", "GPE"),
                                                                           ("rotterdam", "GPE")]
    assert json.loads((out / SCORES_FILE).read_text())["patterns"] == 2


@pytest.mark.slow
def test_off_by_default_and_on_from_the_command_line(gold_db, tmp_path):
    import spacy

    plain = run("train", "-o", tmp_path / "plain", "--from-scratch", "--max-steps", "2", "--db", gold_db)
    assert plain.exit_code == 0, plain.output
    assert spacy.load(tmp_path / "plain").pipe_names == ["ner"] and "entity ruler" not in plain.output
    ruled = run("train", "-o", tmp_path / "ruled", "--from-scratch", "--max-steps", "2", "--with-patterns",
                "--db", gold_db)
    assert ruled.exit_code == 0, ruled.output
    assert "with 2 patterns (entity ruler): F1" in ruled.output
    assert spacy.load(tmp_path / "ruled").pipe_names == ["entity_ruler", "ner"]
