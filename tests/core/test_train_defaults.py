"""The default training recipe: users'-style augmentation (core/learning/augment.py), held-out early
stopping (core/learning/train_loop.py) and what scores.json reports (core/learning/train.py). Tiny data, few
steps, the real spaCy pipeline; the figures on real data are in benchmarks/bench_train.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.text.model import Span
from annotator.core.store import Store
from annotator.core.learning.train import SCORES_FILE, GoldDoc, split_gold, train_pipeline, training_examples
from annotator.core.learning.train_loop import StepScores, make_examples, new_pipeline, prepare_ner, score, train_loop

TEXT = 'Tony Blair (the PM) met "Angela Merkel" in Paris, France.'
SPANS = tuple(Span(TEXT.index(w), TEXT.index(w) + len(w), label) for w, label in
              (("Tony Blair", "PERSON"), ("Angela Merkel", "PERSON"), ("Paris", "GPE"), ("France", "GPE")))


def _ents(example) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in example.reference.ents]


@pytest.fixture(scope="module")
def base_nlp():
    from annotator.core.learning.train import default_base

    return new_pipeline(default_base())


@pytest.mark.slow
def test_users_style_copies_keep_entities_on_their_words(base_nlp) -> None:
    from annotator.core.learning.augment import is_cased

    assert is_cased(base_nlp)  # en_core_web_sm's NER hashes SHAPE, PREFIX, SUFFIX
    originals, copies = training_examples(base_nlp, [GoldDoc(1, TEXT, SPANS)])
    assert [eg.reference.text for eg in copies] == [
        TEXT.lower(),
        "Tony Blair the PM met Angela Merkel in Paris France",
        "tony blair the pm met angela merkel in paris france",
    ]
    assert _ents(originals[0]) == [("Tony Blair", "PERSON"), ("Angela Merkel", "PERSON"),
                                   ("Paris", "GPE"), ("France", "GPE")]
    for copy in copies:
        got = _ents(copy)
        assert [label for _, label in got] == ["PERSON", "PERSON", "GPE", "GPE"]
        assert [text.lower() for text, _ in got] == ["tony blair", "angela merkel", "paris", "france"]
        # Character offsets of the reference agree with its text (what spaCy trains on).
        for ent in copy.reference.ents:
            assert copy.reference.text[ent.start_char:ent.end_char] == ent.text
        # The predicted side is the copy's own text, freshly tokenised: an honest Example.
        assert copy.predicted.text == copy.reference.text


def test_lowercase_gold_without_punctuation_gets_no_duplicate_copies(base_nlp) -> None:
    text = "tony blair met angela merkel in paris"
    _, copies = training_examples(base_nlp, [GoldDoc(1, text, (Span(0, 10, "PERSON"),))])
    assert copies == []
    _, none = training_examples(base_nlp, [GoldDoc(1, TEXT, SPANS)], augment=False)
    assert none == []


def test_an_entity_of_only_punctuation_disappears_with_it(base_nlp) -> None:
    from annotator.core.learning.augment import drop_punct

    (eg,) = make_examples(base_nlp, [GoldDoc(1, "Tom said -- loudly.", (Span(0, 3, "PERSON"), Span(9, 11, "ORG")))])
    (copy,) = drop_punct(base_nlp, eg)
    assert copy.reference.text == "Tom said loudly"
    assert _ents(copy) == [("Tom", "PERSON")]


def test_registered_with_spacy() -> None:
    from spacy.util import registry

    import annotator.core.learning.augment  # noqa: F401 - registers the augmenter

    assert registry.augmenters.get("annotator.drop_punct.v1")(level=1.0) is not None


def test_nothing_held_out_reaches_training_in_any_form(base_nlp) -> None:
    gold = []
    for i in range(1, 11):
        text = f"Document {i}: Alice Number{i} visited Paris, France."
        start = text.index("Alice")
        gold.append(GoldDoc(i, text, (Span(start, text.index(" visited"), "PERSON"),)))
    train, dev = split_gold(gold, 0.3, seed=1)
    originals, copies = training_examples(base_nlp, train)
    trained_texts = {eg.reference.text for eg in originals + copies}
    assert len(copies) == 3 * len(train)
    for held in dev:
        forms = {held.text, held.text.lower(), held.text.replace(":", "").replace(",", "").rstrip("."),
                 held.text.lower().replace(":", "").replace(",", "").rstrip(".")}
        assert not forms & trained_texts


# ---- early stopping --------------------------------------------------------------------
def _tiny(nlp, labels=("PERSON",)):
    docs = [GoldDoc(i, f"Yesterday Alice{i} met Bob in town.", (Span(10, 15 + len(str(i)), "PERSON"),))
            for i in range(6)]
    egs = make_examples(nlp, docs)
    prepare_ner(nlp, list(labels), egs)
    return docs, egs


def test_early_stopping_stops_when_held_out_f1_stalls_and_keeps_the_best_weights() -> None:
    import spacy

    nlp = spacy.blank("en")
    docs, egs = _tiny(nlp, ("PERSON", "ORG"))
    # Held-out ORG spans the training data never shows: its F1 cannot rise above the start's.
    dev = [GoldDoc(99, "Acme hired Carol.", (Span(0, 4, "ORG"),))]
    before = [(e.start_char, e.end_char, e.label_) for e in nlp(docs[0].text).ents]
    seen: list[tuple[int, int]] = []
    scores: list[StepScores] = []
    loop = train_loop(nlp, egs, dev, ["ORG"], max_steps=50, patience=3, eval_every=1, batch_size=2,
                      on_progress=lambda s, t: seen.append((s, t)), on_scores=scores.append)
    assert loop.stopped == "patience" and loop.steps == 3 and loop.best_step == 0
    assert loop.start_f1 == loop.best_f1 == 0.0
    assert seen == [(1, 50), (2, 50), (3, 50)]
    assert [s.dev_f1 for s in scores] == [0.0, 0.0, 0.0] and scores[-1].best_f1 == 0.0
    assert scores[-1].best_step == 0 and scores[-1].patience == 3 and scores[-1].fraction is None
    # The best weights were the starting ones: they are back.
    assert [(e.start_char, e.end_char, e.label_) for e in nlp(docs[0].text).ents] == before


@pytest.mark.slow
def test_early_stopping_keeps_an_improvement() -> None:
    import spacy

    nlp = spacy.blank("en")
    docs, egs = _tiny(nlp)
    loop = train_loop(nlp, egs, docs[:2], ["PERSON"], max_steps=120, patience=40, eval_every=5, batch_size=3)
    assert loop.best_f1 is not None and loop.best_f1 > loop.start_f1
    assert score(nlp, docs[:2], ["PERSON"])["f1"] == pytest.approx(loop.best_f1)
    assert loop.steps <= 120 and (loop.stopped == "max_steps" or loop.steps == loop.best_step + 40)


def test_the_time_budget_ends_training() -> None:
    import spacy

    nlp = spacy.blank("en")
    docs, egs = _tiny(nlp)
    seen: list[StepScores] = []
    loop = train_loop(nlp, egs, docs[:2], ["PERSON"], max_steps=1000, patience=500, budget_s=0.0,
                      on_scores=seen.append)
    assert loop.stopped == "budget" and loop.steps == 1
    assert seen[-1].budget_s == 0.0 and seen[-1].dev_f1 is not None


# ---- scores.json -------------------------------------------------------------------------
@pytest.mark.slow
def test_scores_json_reports_held_out_scores_and_the_recipe(store: Store, tmp_path: Path) -> None:
    for i in range(8):
        doc, _ = store.documents.add_document(f"Yesterday Alice{i} met Bob in Paris, France.")
        store.annotations.save_annotation(doc, "ann", "accept", [Span(10, 16, "PERSON"), Span(31, 36, "GPE")])
    held = {2, 5}
    result = train_pipeline(store, tmp_path / "m", from_scratch=True, max_steps=6, patience=2,
                            held_out=lambda doc_id: doc_id in held, record=False)
    scores = json.loads((tmp_path / "m" / SCORES_FILE).read_text(encoding="utf-8"))
    for key in ("train_documents", "eval_documents", "disputed_excluded", "warnings", "trained", "base"):
        assert key in scores
    assert scores["dev_document_ids"] == [2, 5] and scores["eval_documents"] == 2
    assert scores["train_documents"] == 6 and scores["augmented_copies"] == 6 * 3
    stop = scores["early_stopping"]
    assert stop["patience"] == 2 and stop["stopped"] in {"patience", "max_steps"}
    assert scores["trained"]["f1"] == pytest.approx(stop["best_f1"])
    assert result.steps == scores["steps"] <= 6
