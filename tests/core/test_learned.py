"""Suggestions learned from accepted gold, alone and combined with the real default pipeline."""

from __future__ import annotations

import pytest

from annotator.core.learning.learned import GoldMatcher
from annotator.core.text.model import Span
from annotator.core.learning.precedence import compose_spans
from annotator.core.store import Store
from annotator.core.learning.suggest import Suggester, save_label_map, suggest_documents
from annotator.core.learning.suggestions import current_suggestions


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester().load()


def spans_of(text: str, found: list[Span]) -> set[tuple[str, str]]:
    return {(text[s.start:s.end], s.label) for s in found}


def at(text: str, phrase: str, label: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Span(start, start + len(phrase), label)


def test_one_accepted_document_teaches_another_case_insensitively(store: Store, suggester: Suggester):
    a_text = "Zorblax Industries hired Quentin Marsh last week."
    b_text = "shares of zorblax industries rose while quentin marsh smiled"
    a, _ = store.documents.add_document(a_text)
    b, _ = store.documents.add_document(b_text)
    suggest_documents(store, suggester)
    matcher = GoldMatcher.from_store(store, "ann")
    before = current_suggestions(store, b, suggester.model_key, matcher)
    assert ("zorblax industries", "ORG") not in spans_of(b_text, before)  # the model misses it

    gold = [at(a_text, "Zorblax Industries", "ORG"), at(a_text, "Quentin Marsh", "PERSON")]
    store.annotations.save_annotation(a, "ann", "accept", gold)
    matcher.add(a, a_text, gold)  # what the window does on accept: no restart
    after = current_suggestions(store, b, suggester.model_key, matcher)
    found = {(b_text[s.start:s.end], s.label, s.source) for s in after}
    assert ("zorblax industries", "ORG", "gold") in found
    assert ("quentin marsh", "PERSON", "gold") in found
    # A document is never shown its own gold back as a suggestion.
    own = current_suggestions(store, a, suggester.model_key, matcher)
    assert not [s for s in own if s.source == "gold"]
    # A fresh matcher from the store learns the same.
    assert GoldMatcher.from_store(store, "ann").propose(b_text) == matcher.propose(b_text)


def test_gold_label_wins_over_the_model_on_a_consistent_phrase(store: Store, suggester: Suggester):
    texts = ["a letter from u s president donald trump arrived",
             "the u s embassy said u s officials would visit",
             "critics in the u s and abroad disagreed"]
    target = "u s president donald trump wrote a letter to the prime minister"
    ids, _ = store.documents.add_documents([(t, {}) for t in [*texts, target]])
    suggest_documents(store, suggester)
    model_only = current_suggestions(store, ids[3], suggester.model_key, None)
    assert ("u s", "ORG") in spans_of(target, model_only)  # the stock model's mistake

    matcher = GoldMatcher(store.settings.lang)
    matcher.add(ids[0], texts[0], [at(texts[0], "u s", "GPE")])
    matcher.add(ids[1], texts[1], [at(texts[1], "u s", "GPE"), at(texts[1], "u s", "GPE", 1)])
    matcher.add(ids[2], texts[2], [at(texts[2], "u s", "GPE")])
    combined = current_suggestions(store, ids[3], suggester.model_key, matcher)
    assert ("u s", "GPE") in spans_of(target, combined)
    assert ("u s", "ORG") not in spans_of(target, combined)
    assert ("donald trump", "PERSON") in spans_of(target, combined)  # untouched model span
    # Inconsistent labelling (GPE once, ORG twice elsewhere... no clear majority): the model stays.
    matcher.add(ids[1], texts[1], [at(texts[1], "u s", "ORG"), at(texts[1], "u s", "ORG", 1)])
    assert ("u s", "ORG") in spans_of(target, current_suggestions(store, ids[3], suggester.model_key, matcher))


def test_unlabelled_occurrences_vote_against_a_phrase():
    m = GoldMatcher()
    m.add(1, "we met in may and may return", [Span(10, 13, "DATE")])  # labelled once, left once
    m.add(2, "you may go now", [])
    assert m.propose("the may meeting") == []  # DATE 1 vote, no entity 2 votes
    m.add(3, "it ended in may", [Span(12, 15, "DATE")])
    m.add(4, "since may 2019", [Span(6, 9, "DATE")])
    assert [s.key() for s in m.propose("the may meeting")] == [(4, 7, "DATE")]  # 3 against 2
    m.remove(4)
    assert m.propose("the may meeting") == []


def test_re_accepting_replaces_a_documents_contribution():
    m = GoldMatcher()
    m.add(1, "Quentin Marsh spoke", [Span(0, 13, "PERSON")])
    assert [s.label for s in m.propose("quentin marsh left")] == ["PERSON"]
    m.add(1, "Quentin Marsh spoke", [Span(0, 13, "ORG")])
    assert [s.label for s in m.propose("quentin marsh left")] == ["ORG"]
    m.remove(1)
    assert m.propose("quentin marsh left") == [] and len(m) == 0


def test_matches_whole_tokens_longest_first():
    m = GoldMatcher()
    m.add(1, "hun sen and sen", [Span(0, 7, "PERSON"), Span(12, 15, "ORG")])
    m.add(2, "the united states and the united nations",
          [Span(0, 17, "GPE"), Span(22, 40, "ORG")])
    text = "senate hun sen met the united states envoy at the united nations sen"
    found = spans_of(text, m.propose(text))
    assert found == {("hun sen", "PERSON"), ("the united states", "GPE"), ("the united nations", "ORG"),
                     ("sen", "ORG")}  # "sen" inside "senate" is not a token match


def test_propose_excludes_a_documents_own_votes():
    m = GoldMatcher()
    m.add(7, "Plimbo rose", [Span(0, 6, "ORG")])
    assert m.propose("plimbo fell", exclude_doc=7) == []
    assert [s.key() for s in m.propose("plimbo fell")] == [(0, 6, "ORG")]
    # Excluding a document also removes its "no entity" votes.
    m.add(8, "plimbo plimbo plimbo", [])
    assert m.propose("plimbo fell") == []
    assert [s.key() for s in m.propose("plimbo fell", exclude_doc=8)] == [(0, 6, "ORG")]


def test_learned_spans_win_over_the_model_spans_they_overlap():
    model = [Span(0, 5, "ORG", "model"), Span(6, 20, "DATE", "model"), Span(30, 40, "GPE", "model")]
    gold = [Span(3, 8, "PERSON", "gold"), Span(15, 20, "DATE", "gold"), Span(32, 35, "LOC", "gold"),
            Span(34, 38, "ORG", "gold")]
    out = compose_spans(model + gold)
    assert all(a.end <= b.start for a, b in zip(out, out[1:]))
    keys = [s.key() for s in out]
    assert (3, 8, "PERSON") in keys and (0, 5, "ORG") not in keys  # gold wins on overlap
    assert (32, 35, "LOC") in keys and (30, 40, "GPE") not in keys
    # A wider model span with a learned span's label no longer wins: the learned "2017" stands
    # (the old exception lost both when the wider span also overlapped another learned span).
    assert (15, 20, "DATE") in keys and (6, 20, "DATE") not in keys
    assert compose_spans([Span(0, 13, "DATE", "model"), Span(9, 13, "DATE", "gold")]) == [Span(9, 13, "DATE")]
    assert compose_spans([]) == []


def test_current_suggestions_use_project_labels_and_label_map(store: Store):
    text = "Marsh went to Paris and counted 3 ducks"
    doc_id, _ = store.documents.add_document(text)
    store.suggestions.save_suggestions("m@1", [(doc_id, [Span(0, 5, "PER", "model"), Span(14, 19, "GPE", "model"),
                                             Span(32, 33, "CARDINAL", "model")])])
    save_label_map(store, {"PER": "PERSON"})
    m = GoldMatcher()
    m.add(99, "ducks are birds", [Span(0, 5, "EVENT")])
    out = current_suggestions(store, doc_id, "m@1", m)
    assert {(s.key(), s.source) for s in out} == {((0, 5, "PERSON"), "model"), ((14, 19, "GPE"), "model"),
                                                  ((34, 39, "EVENT"), "gold")}
    store.labels.remove_label("EVENT")
    assert (34, 39, "EVENT") not in {s.key() for s in current_suggestions(store, doc_id, "m@1", m)}
    assert current_suggestions(store, doc_id, "not-cached@1", None) == []


def test_from_store_learns_the_team_gold_plus_own_unreviewed_work(store: Store):
    ids, _ = store.documents.add_documents([("Plimbo rose", {}), ("Quentin left", {}), ("Zorblax fell", {}),
                                  ("Grimsby won", {})])
    store.annotations.save_annotation(ids[0], "ann", "accept", [Span(0, 6, "ORG")])
    store.annotations.save_annotation(ids[1], "bob", "accept", [Span(0, 7, "PERSON")])  # unanimous: bob alone
    store.annotations.save_annotation(ids[2], "ann", "reject", [Span(0, 7, "ORG")])      # not a version
    store.annotations.save_annotation(ids[3], "ann", "accept", [Span(0, 7, "GPE")])      # disputed
    store.annotations.save_annotation(ids[3], "bob", "accept", [Span(0, 7, "ORG")])
    gold_only = GoldMatcher.from_store(store)
    assert len(gold_only) == 2 and gold_only.propose("grimsby") == []
    ann = GoldMatcher.from_store(store, "ann")  # her own version of the disputed document too
    assert len(ann) == 3 and ann.propose("grimsby") == [Span(0, 7, "GPE", "gold")]
    bob = GoldMatcher.from_store(store, "bob")  # never ann's unreviewed label
    assert bob.propose("grimsby") == [Span(0, 7, "ORG", "gold")]
    store.reviews.save_review(ids[3], "rita", [Span(0, 7, "LOC")], ["ann", "bob"])
    for who in (None, "ann", "bob"):  # a review settles it for everyone
        assert GoldMatcher.from_store(store, who).propose("grimsby") == [Span(0, 7, "LOC", "gold")]


def test_thousands_of_phrases():
    """The window calls propose on every document change (its speed: benchmarks/bench_suggest.py)."""
    m = GoldMatcher()
    words = [f"name{i}" for i in range(3000)]
    items = []
    for d in range(300):
        chunk = words[(d * 10) % 3000:(d * 10) % 3000 + 10]
        text = " and ".join(f"{w} corp" for w in chunk) + " said the report on monday"
        spans, pos = [], 0
        for w in chunk:
            spans.append(Span(pos, pos + len(w) + 5, "ORG"))
            pos += len(w) + 5 + 5
        items.append((d, text, spans))
    m.add_many(items)
    assert m.phrases() == 3000
    doc = " ".join(f"{w} corp met" for w in words[:400])
    found = m.propose(doc)
    assert len(found) == 400
    m.add(1000, "name5 corp and quentin marsh", [Span(0, 10, "ORG"), Span(15, 28, "PERSON")])
    assert m.phrases() == 3001 and m.propose("quentin marsh") == [Span(0, 13, "PERSON", "gold")]


def test_without_a_model_gold_learning_still_suggests(store: Store):
    """A missing model (manual labelling) still gets what accepted documents teach."""
    doc_id, _ = store.documents.add_document("plimbo rose again")
    m = GoldMatcher()
    m.add(5, "Plimbo fell", [Span(0, 6, "ORG")])
    assert current_suggestions(store, doc_id, None, m) == [Span(0, 6, "ORG", "gold")]
    assert current_suggestions(store, doc_id, None, None) == []
