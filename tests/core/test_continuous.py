"""Continuous learning (core/learning/continuous.py, annotator/jobs/continuous.py): counting new team
gold, the stable held-out part, adopting a better model and refusing a worse one. Tiny real
training on the first WikiGold articles (peer data)."""

from __future__ import annotations

import threading
import json
from pathlib import Path

import pytest

from annotator.core.learning.continuous import (
    HELD_OUT_PERCENT, held_out_rule, is_due, is_enabled, load_state, new_gold, run_round, set_enabled,
)
from annotator.core.text.model import Span
from annotator.core.store import Store
from annotator.core.learning.suggest import project_model
from tests.core.wikigold import WIKIGOLD, add_wikigold

N_DOCS = 30


@pytest.fixture
def wiki_store(peer_data: Path, tmp_path: Path):
    with Store(tmp_path / "wiki.db") as store:
        assert add_wikigold(store, peer_data / WIKIGOLD, N_DOCS) == N_DOCS
        yield store


def test_rounds_are_due_every_25_new_team_gold_documents(store: Store) -> None:
    ids = [store.documents.add_document(f"Alice{i} met Bob.")[0] for i in range(27)]
    for doc_id in ids[:24]:
        store.annotations.save_annotation(doc_id, "ann1", "accept", [Span(0, 5, "PERSON")])
    assert new_gold(store) == 24 and not is_due(store)
    # A disputed document is not gold: it does not count.
    store.annotations.save_annotation(ids[24], "ann1", "accept", [Span(0, 5, "PERSON")])
    store.annotations.save_annotation(ids[24], "ann2", "accept", [])
    assert new_gold(store) == 24 and not is_due(store)
    store.reviews.save_review(ids[24], "rev", [Span(0, 5, "PERSON")], ["ann1", "ann2"])
    assert new_gold(store) == 25 and is_due(store)
    assert not is_enabled(store)
    set_enabled(store, True)
    assert is_enabled(store)


def test_held_out_part_is_stable_and_about_one_fifth(store: Store) -> None:
    ids = [store.documents.add_document(f"Document number {i}.")[0] for i in range(400)]
    rule = held_out_rule(store)
    held = {d for d in ids if rule(d)}
    assert abs(len(held) / len(ids) - HELD_OUT_PERCENT / 100) < 0.06
    again = held_out_rule(store)
    assert {d for d in ids if again(d)} == held


@pytest.mark.slow
def test_a_better_model_is_adopted_and_a_worse_one_refused(wiki_store: Store, tmp_path: Path) -> None:
    store = wiki_store
    base = project_model(store)
    assert is_due(store)
    root = tmp_path / "models"
    first = run_round(store, out_root=root, max_steps=40, patience=20, budget_s=120)
    # WikiGold's labels (PER, LOC, MISC) are not the base model's: training must win.
    assert first.adopted and first.candidate_f1 > first.current_f1 and first.current_model == base
    assert first.held_out > 0 and first.gold == N_DOCS
    state = load_state(store)
    assert state.model == first.model and project_model(store) == first.model
    assert state.gold_at_last_round == N_DOCS and not is_due(store)
    assert [r["path"] for r in store.models.trained_models()] == [str(Path(first.model).resolve())]
    # The held-out documents were never trained on.
    scores = json.loads((Path(first.model) / "scores.json").read_text(encoding="utf-8"))
    rule = held_out_rule(store)
    assert scores["dev_document_ids"] == sorted(d for d in store.documents.document_ids() if rule(d))
    # A candidate that learned nothing (one update from scratch) does not replace it.
    second = run_round(store, out_root=root, from_scratch=True, max_steps=1, patience=None)
    assert not second.adopted and second.current_model == first.model
    assert second.candidate_f1 < second.current_f1 and "does not beat" in second.reason
    assert project_model(store) == first.model and len(load_state(store).rounds) == 2
    assert [p.name for p in root.iterdir() if not p.name.startswith(".")] == [Path(first.model).name]


class _Ctx:
    """The worker context the window passes (progress, stop requests)."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.steps: list[tuple[int, int, str]] = []

    def progress(self, step: int, total: int, text: str) -> None:
        self.steps.append((step, total, text))

    def wait(self, seconds: float) -> bool:
        return self.stop.wait(seconds)

    def should_stop(self) -> bool:
        return self.stop.is_set()


@pytest.mark.slow
def test_the_child_process_runs_one_round(wiki_store: Store, tmp_path: Path) -> None:
    from annotator.jobs.continuous import run_continuous

    ctx = _Ctx()
    result = run_continuous(ctx, Path(wiki_store.path), {"out_root": str(tmp_path / "m"), "from_scratch": True,
                                                          "max_steps": 2, "patience": None})
    assert set(result) >= {"adopted", "reason", "candidate_f1", "current_f1", "model", "gold", "held_out"}
    assert result["gold"] == N_DOCS
    assert [s for s, _, _ in ctx.steps] == [1, 2]
    assert ctx.steps[-1][2].startswith("Improving the model in the background")
    assert load_state(wiki_store).gold_at_last_round == N_DOCS  # the child wrote the project
