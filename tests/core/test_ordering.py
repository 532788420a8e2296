"""Document orders (core/learning/ordering.py): as imported, most uncertain first (the real model's
beam probabilities, stored per model and labels), most disputed first (team gold)."""

from __future__ import annotations

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.text.model import Span
from annotator.core.learning.ordering import (
    SAMPLE_CHARS, document_order, score_uncertainty, stored_uncertainty, uncertainty_scores,
)
from annotator.core.store import Store
from annotator.core.learning.suggest import Suggester, default_model_name

CONFIDENT = "Barack Obama visited Paris and Berlin on Monday."
# en_core_web_sm on lowercased text hesitates even here (a whole-sentence ORG at p = 0.6).
UNSURE = "the cat sat on the mat and then it slept for a while."
AMBIGUOUS = "washington told jordan that paris and georgia would meet chelsea in victoria."


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester(default_model_name(), labels=["PERSON", "ORG", "GPE", "LOC"]).load()


def test_uncertainty_is_higher_where_the_model_hesitates(suggester: Suggester) -> None:
    sure, unsure = uncertainty_scores(suggester.nlp, [CONFIDENT, UNSURE], suggester.labels)
    assert 0.0 <= sure < 0.5 < unsure
    # Only the project's labels count: with none of them, nothing is uncertain.
    (none,) = uncertainty_scores(suggester.nlp, [AMBIGUOUS], ["NO_SUCH_LABEL"])
    assert none == 0.0
    # The label map decides which model labels are the project's.
    (mapped,) = uncertainty_scores(suggester.nlp, [AMBIGUOUS], ["PLACE"], {"GPE": "PLACE"})
    assert mapped > 0.0


@pytest.mark.slow
def test_a_long_document_is_judged_on_its_beginning(suggester: Suggester) -> None:
    # Uncertainty is a density: a long text is scored on its first SAMPLE_CHARS characters
    # (cut at a space), so what follows them changes nothing and costs nothing.
    beginning = " ".join([AMBIGUOUS] * (SAMPLE_CHARS // (len(AMBIGUOUS) + 1) + 5))
    long_text = beginning + " " + " ".join([CONFIDENT] * 2_000)
    sample = beginning[:beginning.rfind(" ", 0, SAMPLE_CHARS + 1)]
    (whole,) = uncertainty_scores(suggester.nlp, [long_text], suggester.labels)
    (only_sample,) = uncertainty_scores(suggester.nlp, [sample], suggester.labels)
    assert whole == pytest.approx(only_sample) and whole > 0.0


def test_uncertainty_order_reads_stored_scores(store: Store, suggester: Suggester) -> None:
    a, _ = store.documents.add_document(CONFIDENT)
    b, _ = store.documents.add_document(UNSURE)
    c, _ = store.documents.add_document("added after scoring: never scored yet")
    assert document_order(store) == [a, b, c]
    assert score_uncertainty(store, suggester, [a, b]) == 2
    assert score_uncertainty(store, suggester, [a, b]) == 0  # stored: not recomputed
    key = suggester.model_key
    stored = stored_uncertainty(store, key, suggester.labels, suggester.label_map)
    assert set(stored) == {a, b} and stored[b] > stored[a]
    store.labels.ensure_labels(["PERSON", "ORG", "GPE", "LOC"])
    for name in list(store.labels.label_names()):
        if name not in suggester.labels:
            store.labels.remove_label(name)
    # Unscored documents come last, in id order.
    assert document_order(store, "uncertainty", model_key=key) == [b, a, c]
    store.labels.add_label("EXTRA")  # other labels: the stored scores are stale, the order forgets them
    assert document_order(store, "uncertainty", model_key=key) == [a, b, c]
    with pytest.raises(AnnotatorError, match="unknown document order"):
        document_order(store, "random")


def test_disputed_order_puts_the_most_disputed_first(store: Store) -> None:
    ids = [store.documents.add_document(f"Alice and Bob met in Paris, take {i}.")[0] for i in range(4)]
    alice, bob, paris = Span(0, 5, "PERSON"), Span(10, 13, "PERSON"), Span(21, 26, "GPE")
    store.annotations.save_annotation(ids[0], "ann1", "accept", [alice, bob, paris])
    store.annotations.save_annotation(ids[0], "ann2", "accept", [alice, bob, paris])      # unanimous
    store.annotations.save_annotation(ids[1], "ann1", "accept", [alice, bob, paris])
    store.annotations.save_annotation(ids[1], "ann2", "accept", [alice, bob])             # mildly disputed
    store.annotations.save_annotation(ids[2], "ann1", "accept", [alice])
    store.annotations.save_annotation(ids[2], "ann2", "accept", [paris])                  # fully disputed
    store.annotations.save_annotation(ids[3], "ann1", "accept", [alice])
    store.annotations.save_annotation(ids[3], "ann2", "accept", [bob])
    store.reviews.save_review(ids[3], "rev", [alice], ["ann1", "ann2"])               # settled by review
    assert document_order(store, "disputed") == [ids[2], ids[1], ids[0], ids[3]]
