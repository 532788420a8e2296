"""Issue 11's scenario end to end: Alice corrects the suggestions, Bob rubber-stamps the model
and mislabels, they agree on one article; after a merge every consumer uses the team gold
policy (review, else unanimous, else disputed) and never Bob's unreviewed labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.team.gold import disputed_ids, gold_for
from annotator.core.learning.learned import GoldMatcher
from annotator.core.text.model import SOURCE_GOLD, Span
from annotator.core.team.review import accept_review
from annotator.core.store import Store
from annotator.core.learning.suggest import Suggester, suggest_documents
from annotator.core.learning.suggestions import current_suggestions, model_suggestions
from tests.cli.helpers import run

A1 = "president joe biden met chancellor olaf scholz in berlin on tuesday to discuss trade with the eu"
A2 = "the u s and the eu agreed on new rules while alice walker of the world bank watched from london"
A3 = "apple opened a store in paris on friday"
A4 = "officials from the u s and the eu will meet alice walker again in march"


def at(text: str, phrase: str, label: str) -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase), label)


ALICE = {
    A1: [at(A1, "joe biden", "PERSON"), at(A1, "olaf scholz", "PERSON"), at(A1, "berlin", "GPE"),
         at(A1, "tuesday", "DATE"), at(A1, "eu", "ORG")],
    A2: [at(A2, "u s", "GPE"), at(A2, "eu", "ORG"), at(A2, "alice walker", "PERSON"),
         at(A2, "world bank", "ORG"), at(A2, "london", "GPE")],
}


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester().load()


@pytest.fixture
def team(tmp_path: Path, suggester: Suggester) -> tuple[Path, Path, dict[str, int]]:
    """Alice's project with Bob's merged in, and the ids of the four articles."""
    alice_db, bob_db = tmp_path / "alice.db", tmp_path / "bob.db"
    with Store(bob_db) as bob:
        ids, _ = bob.documents.add_documents([(t, {}) for t in (A1, A2, A3, A4)])
        suggest_documents(bob, suggester)
        key = suggester.model_key
        model = {t: model_suggestions(bob, i, key) for t, i in zip((A1, A2, A3), ids)}
        # Bob, in the window, shown the model's suggestions: unchanged on A1; the model's
        # mistakes plus one of his own on A2.
        bob.activity.save_timed_decision(ids[0], "bob", "accept", model[A1], seconds=3.0, suggested=model[A1],
                                timestamp=200.0)
        bob.activity.save_timed_decision(ids[1], "bob", "accept", [*model[A2], at(A2, "alice walker", "ORG")],
                                seconds=5.0, suggested=model[A2], timestamp=201.0)
        bob.activity.save_timed_decision(ids[2], "bob", "accept", model[A3], seconds=2.0, suggested=model[A3],
                                timestamp=202.0)
    with Store(alice_db) as alice:
        ids, _ = alice.documents.add_documents([(t, {}) for t in (A1, A2, A3, A4)])
        suggest_documents(alice, suggester)
        for doc_id, spans, when in ((ids[0], ALICE[A1], 100.0), (ids[1], ALICE[A2], 101.0),
                                    (ids[2], model[A3], 102.0)):  # all agree on A3
            alice.activity.save_timed_decision(doc_id, "alice", "accept", spans, seconds=20.0,
                                      suggested=model_suggestions(alice, doc_id, key), timestamp=when)
    assert set(ALICE[A1]) != set(model[A1])  # she did correct the model
    merged = run("merge", bob_db, "--db", alice_db)
    assert merged.exit_code == 0, merged.output
    return alice_db, bob_db, dict(zip(("a1", "a2", "a3", "a4"), ids))


def learned(matcher: GoldMatcher, text: str) -> set[tuple[str, str]]:
    return {(text[s.start:s.end], s.label) for s in matcher.propose(text) if s.source == SOURCE_GOLD}


@pytest.mark.slow
def test_every_consumer_uses_the_team_gold(team, tmp_path: Path, suggester: Suggester):
    alice_db, _, ids = team
    with Store(alice_db) as store:
        assert disputed_ids(store) == [ids["a1"], ids["a2"]]  # Bob saved last: it does not matter
        assert gold_for(store, ids["a3"]).made_by == "alice+bob"
        # Learned suggestions on the fourth article: Alice's own work, never Bob's labels.
        mine = learned(GoldMatcher.from_store(store, "alice"), A4)
        assert {("u s", "GPE"), ("eu", "ORG"), ("alice walker", "PERSON")} <= mine
        assert not {("u s", "ORG"), ("eu", "PERSON"), ("alice walker", "ORG")} & mine
        # A teammate who labelled none of it learns from the gold only: nothing disputed.
        assert learned(GoldMatcher.from_store(store, "carol"), A4) == set()
        shown = current_suggestions(store, ids["a4"], suggester.model_key, GoldMatcher.from_store(store, "alice"))
        assert (A4.index("u s"), A4.index("u s") + 3, "GPE") in {s.key() for s in shown}

    out = tmp_path / "suggestions.jsonl"
    result = run("suggest", "--db", alice_db, "-o", out)
    assert result.exit_code == 0, result.output
    record = next(r for r in map(json.loads, out.read_text().splitlines()) if r["text"] == A4)
    assert not [s for s in record["spans"] if s["source"] == SOURCE_GOLD and s["label"] in ("ORG", "PERSON")
                and A4[s["start"]:s["end"]] in ("u s", "eu", "alice walker")]

    scored = run("evaluate", "--db", alice_db, "--model-only", "--json")
    assert scored.exit_code == 0, scored.output
    data = json.loads(scored.stdout)
    assert (data["disputed_excluded"], data["documents"]) == (2, 1)
    assert "disputed" in data["gold"] and "2 disputed documents" in scored.stderr

    spacy_out = tmp_path / "train.spacy"
    exported = run("export", "--db", alice_db, "-f", "spacy", "-o", spacy_out)
    assert exported.exit_code == 0, exported.output
    assert "Exported 1 record (team gold" in exported.stdout
    assert "2 disputed documents left out" in exported.stderr and "annotator review" in exported.stderr
    from spacy.tokens import DocBin

    from annotator.core.text.tokens import blank_nlp

    docs = list(DocBin().from_disk(spacy_out).get_docs(blank_nlp("en").vocab))
    assert [d.text for d in docs] == [A3]
    every = run("export", "--db", alice_db, "-f", "spacy", "--all-versions", "-o", tmp_path / "all.spacy")
    assert "Exported 6 records" in every.stdout and "disputed" not in every.stderr

    reviewed = run("review", "--db", alice_db, "--auto-accept", "--reviewer", "alice")
    assert reviewed.exit_code == 0, reviewed.output
    assert "Accepted 1 document as alice: 1 unanimous; 2 disputed documents left." in reviewed.stdout
    assert "2 disputed documents" in reviewed.stdout
    again = run("review", "--db", alice_db, "--auto-accept", "--reviewer", "alice")
    assert "Accepted 0 documents as alice: 0 unanimous" in again.stdout
    with Store(alice_db) as store:
        assert store.queries.reviewed_document_ids() == [ids["a3"]]


def test_after_the_reviews_everything_uses_them(team, tmp_path: Path):
    alice_db, _, ids = team
    with Store(alice_db) as store:
        for name in ("a1", "a2"):
            accept_review(store, ids[name], "alice", ALICE[A1 if name == "a1" else A2], ["alice", "bob"])
        assert disputed_ids(store) == []
        # Now even Bob learns the reviewed labels, not his own unreviewed ones.
        assert {("u s", "GPE"), ("eu", "ORG")} <= learned(GoldMatcher.from_store(store, "bob"), A4)
        assert {("u s", "GPE"), ("eu", "ORG")} <= learned(GoldMatcher.from_store(store, "carol"), A4)
    data = json.loads(run("evaluate", "--db", alice_db, "--model-only", "--json").stdout)
    assert (data["disputed_excluded"], data["documents"]) == (0, 3)
    exported = run("export", "--db", alice_db, "-f", "conll", "-o", tmp_path / "gold.conll")
    assert "Exported 3 records" in exported.stdout and "disputed" not in exported.stderr
    text = (tmp_path / "gold.conll").read_text()
    assert "walker I-PERSON" in text and "walker I-ORG" not in text

    agreement = json.loads(run("agreement", "--db", alice_db, "--json").stdout)
    rows = {a["name"]: a for a in agreement["annotators"]}
    # Bob took the model's output unchanged on 2 of his 3 documents; Alice on 1 (A3, where
    # the model was right).
    assert rows["bob"]["unchanged_from_suggestions"] == round(2 / 3, 4)
    assert rows["alice"]["unchanged_from_suggestions"] == round(1 / 3, 4)
    assert rows["alice"]["vs_gold"]["f1"] == 1.0 and rows["alice"]["vs_gold"]["documents"] == 2
    assert rows["bob"]["vs_gold"]["f1"] < 0.6 and rows["bob"]["documents"] == 3
    table = run("agreement", "--db", alice_db)
    assert "Per annotator" in table.stdout and "67%" in table.stdout
