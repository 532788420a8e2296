"""Training a NER pipeline from the project's gold (core/learning/train.py, core/learning/train_loop.py).

The gold is the first WikiGold documents (real CoNLL data from the peer files), mapped
PER=PERSON, LOC, ORG kept, MISC dropped. One small fine-tuning run is shared by the tests
that only read its output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.team.gold import GoldSummary
from annotator.core.text.model import Span
from annotator.core.store import Store
from annotator.core.learning.train import (
    SCORES_FILE, GoldDoc, StepScores, TrainingCancelled, collect_gold, learning_curve,
    split_gold, train_pipeline,
)
from tests.core.wikigold import WIKIGOLD, add_wikigold

LABEL_MAP = {"PER": "PERSON", "MISC": None}
N_DOCS = 38          # 30 to train on, 8 held out
SMALL_STEPS = 40


@pytest.fixture(scope="module")
def wiki_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import _peer_data_dir

    source = _peer_data_dir() / WIKIGOLD
    if not source.is_file():
        pytest.skip(f"peer data not found at {source}")
    path = tmp_path_factory.mktemp("wiki") / "wiki.db"
    with Store(path) as store:
        assert add_wikigold(store, source, N_DOCS) == N_DOCS
    return path


@pytest.fixture(scope="module")
def trained(wiki_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """One fine-tuning run of the default base model on the WikiGold project."""
    out = tmp_path_factory.mktemp("trained") / "model"
    progress: list[tuple[int, int, StepScores]] = []
    scores: list[StepScores] = []
    with Store(wiki_db) as store:
        result = train_pipeline(store, out, label_map=LABEL_MAP, max_steps=SMALL_STEPS, seed=0,
                                on_scores=scores.append,
                                on_progress=lambda s, t: progress.append((s, t, scores[-1])))
    assert len(scores) == len(progress)  # one StepScores per step, each before its progress
    return result, progress


# ---- gold and split (fast) ------------------------------------------------------------
def test_collect_gold_one_version_per_document_and_label_map(store: Store) -> None:
    a, _ = store.documents.add_document("Alice met Bob in Paris.")
    b, _ = store.documents.add_document("Nothing to see here.")
    c, _ = store.documents.add_document("Carol left.")
    store.annotations.save_annotation(a, "ann1", "accept", [Span(0, 5, "PERSON"), Span(17, 22, "GPE")], timestamp=1.0)
    store.annotations.save_annotation(a, "ann2", "accept", [Span(10, 13, "PERSON")], timestamp=2.0)
    store.annotations.save_annotation(b, "ann1", "accept", [])
    store.annotations.save_annotation(c, "ann1", "reject", [Span(0, 5, "PERSON")])
    summary = GoldSummary()
    gold = collect_gold(store, summary=summary)
    # a is disputed (ann1 and ann2 differ): no gold until reviewed; rejected c is not a version.
    assert [g.document_id for g in gold] == [b] and summary.disputed == [a]
    mine = collect_gold(store, annotator="ann1", label_map={"GPE": "LOC", "PERSON": ""})
    assert mine[0].spans == (Span(17, 22, "LOC"),)
    assert mine[1].spans == ()
    store.reviews.save_review(a, "rev", [Span(0, 5, "PERSON")], ["ann1", "ann2"])
    assert [(g.document_id, g.spans) for g in collect_gold(store, reviewed=True)] == [(a, (Span(0, 5, "PERSON"),))]
    assert [g.document_id for g in collect_gold(store)] == [a, b]  # the review settled a


def test_split_is_deterministic_disjoint_and_complete() -> None:
    gold = [GoldDoc(i, f"text {i}", ()) for i in range(1, 51)]
    train, dev = split_gold(gold, 0.2, seed=3)
    assert len(dev) == 10 and len(train) == 40
    assert {g.document_id for g in train} | {g.document_id for g in dev} == set(range(1, 51))
    assert not {g.document_id for g in train} & {g.document_id for g in dev}
    assert split_gold(list(reversed(gold)), 0.2, seed=3) == (train, dev)
    assert split_gold(gold, 0.2, seed=4)[1] != dev
    assert split_gold(gold, 0.0, seed=3) == (split_gold(gold, 0.0, seed=3)[0], [])
    assert split_gold(gold[:1], 0.2, seed=0)[1] == []  # one document: all of it trains


def test_no_gold_or_no_spans_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(AnnotatorError, match="no gold documents"):
        train_pipeline(store, tmp_path / "m", max_steps=1)
    doc, _ = store.documents.add_document("No entities in this one.")
    store.annotations.save_annotation(doc, "ann", "accept", [])
    with pytest.raises(AnnotatorError, match="no entity spans"):
        train_pipeline(store, tmp_path / "m", max_steps=1)
    with pytest.raises(AnnotatorError, match="documents accepted by bob"):
        train_pipeline(store, tmp_path / "m", annotator="bob", max_steps=1)
    assert not (tmp_path / "m").exists()


def test_refuses_to_overwrite_a_folder_it_did_not_train(store: Store, tmp_path: Path) -> None:
    doc, _ = store.documents.add_document("Alice met Bob.")
    store.annotations.save_annotation(doc, "ann", "accept", [Span(0, 5, "PERSON")])
    target = tmp_path / "precious"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(AnnotatorError, match="not empty"):
        train_pipeline(store, target, from_scratch=True, max_steps=1)
    assert (target / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_trained_models_are_recorded(store: Store) -> None:
    assert store.models.trained_models() == []
    first = store.models.record_trained_model("/x/model", "en_core_web_sm", {"trained": {"f1": 0.5}})
    second = store.models.record_trained_model("/x/model", None, {})
    rows = store.models.trained_models()
    assert [r["id"] for r in rows] == [first, second]
    assert rows[0]["base"] == "en_core_web_sm" and rows[0]["scores"] == {"trained": {"f1": 0.5}}
    assert rows[1]["base"] is None


@pytest.mark.slow
def test_fine_tune_start_equals_base_model_when_labels_are_the_same() -> None:
    """The weight transplant is exact: with all the base's labels, predictions do not change."""
    from annotator.core.learning.train import default_base
    from annotator.core.learning.train_loop import load_ner_only, make_examples, prepare_ner

    base = load_ner_only(default_base())
    text = ("Barack Obama visited Paris on Monday with Google and the United Nations, "
            "paying $5 million to the Red Cross in Geneva.")
    want = [(e.start_char, e.end_char, e.label_) for e in base(text).ents]
    nlp = load_ner_only(default_base())
    egs = make_examples(nlp, [GoldDoc(1, text, ())])
    prepare_ner(nlp, list(nlp.get_pipe("ner").labels), egs)
    assert [(e.start_char, e.end_char, e.label_) for e in nlp(text).ents] == want
    assert len(want) >= 5
    # With fewer labels, the others are gone from the model, not filtered afterwards.
    nlp = load_ner_only(default_base())
    prepare_ner(nlp, ["LOC", "ORG", "PERSON"], make_examples(nlp, [GoldDoc(1, text, ())]))
    assert nlp.get_pipe("ner").labels == ("LOC", "ORG", "PERSON")
    assert {e.label_ for e in nlp(text).ents} <= {"LOC", "ORG", "PERSON"}


# ---- one real fine-tuning run on WikiGold (slow) ---------------------------------------
@pytest.mark.slow
def test_fine_tuned_pipeline_and_scores(trained, wiki_db: Path) -> None:
    result, progress = trained
    out = result.out_dir
    scores = json.loads((out / SCORES_FILE).read_text(encoding="utf-8"))
    assert scores == json.loads(json.dumps(result.scores))
    assert scores["train_docs"] == 30 and scores["dev_docs"] == 8
    assert scores["labels"] == ["LOC", "ORG", "PERSON"]
    for key in ("trained", "base"):
        part = scores[key]
        assert set(part) >= {"f1", "precision", "recall", "per_label"}
        assert set(part["per_label"]) == {"LOC", "ORG", "PERSON"}
        assert 0.0 <= part["f1"] <= 1.0
    # WikiGold tags countries LOC where the base model says GPE: training must learn that.
    assert scores["trained"]["f1"] > scores["base"]["f1"]
    assert scores["trained"]["per_label"]["LOC"]["f1"] > scores["base"]["per_label"]["LOC"]["f1"]
    assert scores["trained"]["f1"] > 0.5
    # Progress: every step, dev F1 measured along the way, loss going down.
    assert [p[0] for p in progress] == list(range(1, SMALL_STEPS + 1))
    assert all(p[1] == SMALL_STEPS for p in progress)
    assert progress[-1][2].dev_f1 == pytest.approx(scores["trained"]["f1"])
    losses = [p[2].loss for p in progress]
    assert sum(losses[-10:]) < sum(losses[:10])
    # The exported gold is there, and the run is in the project.
    from spacy.tokens import DocBin
    import spacy

    vocab = spacy.blank("en").vocab
    assert len(list(DocBin().from_disk(out / "corpus" / "train.spacy").get_docs(vocab))) == 30
    with Store(wiki_db) as store:
        rows = store.models.trained_models()
    assert rows[-1]["id"] == result.model_id and rows[-1]["path"] == str(out.resolve())
    assert rows[-1]["scores"]["trained"]["f1"] == pytest.approx(scores["trained"]["f1"])


@pytest.mark.slow
def test_trained_folder_loads_with_spacy_and_as_the_suggester(trained) -> None:
    import spacy

    from annotator.core.learning.suggest import Suggester

    result, _ = trained
    nlp = spacy.load(result.out_dir)
    assert nlp.pipe_names == ["ner"]
    assert set(nlp.get_pipe("ner").labels) == {"LOC", "ORG", "PERSON"}
    suggester = Suggester(model=str(result.out_dir))
    text = "Tony Blair spoke in London and Berlin about the European Union and Microsoft."
    spans = next(suggester.predict([text]))
    assert spans and {s.label for s in spans} <= {"LOC", "ORG", "PERSON"}
    assert all(s.source == "model" for s in spans)
    assert suggester.pipeline_labels() == ["LOC", "ORG", "PERSON"]


@pytest.mark.slow
def test_annotator_evaluate_scores_the_trained_folder(trained, wiki_db: Path) -> None:
    """evaluate() takes the trained folder like any pipeline (the gold keeps WikiGold's PER)."""
    from annotator.core.learning.evaluate import evaluate
    from annotator.core.learning.suggest import Suggester, default_model_name

    result, _ = trained
    with Store(wiki_db) as store:
        labels = store.labels.label_names()
        mine = Suggester(model=str(result.out_dir), label_map={"PERSON": "PER"}, labels=labels)
        got = evaluate(store, mine, use_gold=False)
        base = evaluate(store, Suggester(model=default_model_name(), label_map={"PERSON": "PER"}, labels=labels),
                        use_gold=False)
    assert got["documents"] == N_DOCS and got["model"] == mine.model_key
    assert got["per_label"]["PER"]["f1"] > 0.5 and got["per_label"]["MISC"]["recall"] == 0.0
    assert got["f1"] > base["f1"]


@pytest.mark.slow
def test_same_seed_same_split_and_retraining_replaces_the_folder_and_cache_key(trained, wiki_db: Path) -> None:
    from annotator.core.learning.suggest import Suggester

    result, _ = trained
    key_before = Suggester(model=str(result.out_dir)).model_key
    with Store(wiki_db) as store:
        again = train_pipeline(store, result.out_dir, label_map=LABEL_MAP, max_steps=2, seed=0)
    assert again.scores["dev_document_ids"] == result.scores["dev_document_ids"]
    assert json.loads((result.out_dir / SCORES_FILE).read_text())["steps"] == 2
    assert Suggester(model=str(result.out_dir)).model_key != key_before
    assert not [p for p in result.out_dir.parent.iterdir() if p.name.startswith(".")]  # no temp left


@pytest.mark.slow
def test_from_scratch_learns_only_the_project_labels(wiki_db: Path, tmp_path: Path) -> None:
    import spacy

    with Store(wiki_db) as store:
        result = train_pipeline(store, tmp_path / "scratch", from_scratch=True, label_map=LABEL_MAP,
                                max_steps=6, seed=1)
    assert result.scores["base"] is None and result.scores["from_scratch"] is True
    assert result.scores["trained"]["per_label"].keys() == {"LOC", "ORG", "PERSON"}
    nlp = spacy.load(tmp_path / "scratch")
    assert set(nlp.get_pipe("ner").labels) == {"LOC", "ORG", "PERSON"}


@pytest.mark.slow
def test_cancel_writes_nothing(wiki_db: Path, tmp_path: Path) -> None:
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 3

    with Store(wiki_db) as store, pytest.raises(TrainingCancelled):
        train_pipeline(store, tmp_path / "m", from_scratch=True, label_map=LABEL_MAP, max_steps=50,
                       should_stop=stop)
    assert not (tmp_path / "m").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_learning_curve_trains_on_growing_parts(wiki_db: Path) -> None:
    seen = []
    parts: list[float | None] = []
    with Store(wiki_db) as store:
        rows = learning_curve(store, fractions=(0.5, 1.0), label_map=LABEL_MAP, max_steps=6, seed=0,
                              on_progress=lambda s, t: seen.append((s, t)),
                              on_scores=lambda scores: parts.append(scores.fraction))
        recorded = store.activity.latest_learning_curve()  # for the overview and the report
    assert recorded["points"] == rows and recorded["settings"]["seed"] == 0
    assert [r["fraction"] for r in rows] == [0.0, 0.5, 1.0]
    assert [r["train_docs"] for r in rows] == [0, 15, 30]
    assert {r["dev_docs"] for r in rows} == {8}
    assert all(0.0 <= r["f1"] <= 1.0 for r in rows)
    assert seen[-1] == (12, 12) and [s for s, _ in seen] == list(range(1, 13))
    assert parts == [0.5] * 6 + [1.0] * 6  # each step's scores name the part it trains on
