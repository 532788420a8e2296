"""`annotator suggest --order ... -o FILE`: the documents written in the chosen order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.learning.ordering import document_order, stored_uncertainty
from annotator.core.learning.suggest import Suggester, default_model_name
from annotator.core.store import Store
from annotator.core.text.model import Span
from tests.cli.helpers import run

TEXTS = ["Barack Obama visited Paris and Berlin on Monday.",
         "the cat sat on the mat and then it slept for a while.",
         "Angela Merkel spoke in Berlin."]


def _written(out: Path) -> list[str]:
    return [json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_suggest_order_uncertainty_writes_the_most_uncertain_first(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with Store(db) as store:
        for text in TEXTS:
            store.documents.add_document(text)
    out = tmp_path / "out.jsonl"
    result = run("suggest", "--db", db, "--order", "uncertainty", "-o", out)
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        key = Suggester(default_model_name()).model_key
        scores = stored_uncertainty(store, key)
        order = document_order(store, "uncertainty", model_key=key)
        texts = {d: store.documents.get_document(d).text for d in order}
    assert len(scores) == 3  # stored for the window
    assert order == sorted(scores, key=lambda d: -scores[d])
    assert _written(out) == [texts[d] for d in order] and _written(out)[0] == TEXTS[1]
    again = run("suggest", "--db", db, "--order", "imported", "-o", out)
    assert again.exit_code == 0 and _written(out) == TEXTS


def test_suggest_order_disputed_and_bad_order(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with Store(db) as store:
        ids = [store.documents.add_document(text)[0] for text in TEXTS]
        store.annotations.save_annotation(ids[2], "ann1", "accept", [Span(0, 13, "PERSON")])
        store.annotations.save_annotation(ids[2], "ann2", "accept", [Span(23, 29, "GPE")])
    out = tmp_path / "out.jsonl"
    result = run("suggest", "--db", db, "--order", "disputed", "-o", out)
    assert result.exit_code == 0, result.output
    assert _written(out) == [TEXTS[2], TEXTS[0], TEXTS[1]]
    bad = run("suggest", "--db", db, "--order", "random", "-o", out)
    assert bad.exit_code == 2 and "random" in bad.output
