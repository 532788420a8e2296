"""Issue 12's "done when", end to end through a real PostgreSQL hub: Alice, Bob and Carol
(reviewer) each with a local project."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import orjson
import pytest

from annotator.core.team.agreement import compute_agreement
from annotator.core.errors import AnnotatorError
from annotator.core.hub.connection import connect
from annotator.core.hub.routing import is_overlap, set_settings
from annotator.core.hub.sync import CHUNK, sync
from annotator.core.text.model import Span, text_hash
from annotator.core.store import Store
from tests.cli.helpers import run
from tests.hub.conftest import Stage
from tests.hub.test_interrupt import REPO

SHARE = 0.3


def texts() -> tuple[list[str], list[str]]:
    """(overlap, single) texts: the hash decides which are which."""
    overlap, single = [], []
    for k in range(200):
        text = f"Maria Lopez spoke in Madrid, report {k}."
        (overlap if is_overlap(text_hash(text), SHARE) else single).append(text)
    return overlap[:3], single[:7]


def label_all(store: Store, who: str, spans: list[Span]) -> int:
    ids = store.sync.hub_assigned_ids()
    for doc_id in ids:
        store.annotations.save_annotation(doc_id, who, "accept", spans)
    return len(ids)


@pytest.mark.slow
def test_team_through_a_real_hub(hub, make_project, pg_server):
    with connect(hub.admin_url) as conn:
        set_settings(conn, overlap_share=SHARE)
    alice, bob, carol = hub.add("alice"), hub.add("bob"), hub.add("carol", reviewer=True)
    overlap, single = texts()
    bob_texts, alice_texts = single[:2] + overlap[:2], single[2:] + overlap[2:]
    pa, pb = make_project("alice", alice_texts), make_project("bob", bob_texts)
    with Store(pa) as a, Store(pb) as b:
        sync(b, bob, batch=0)
        sync(a, alice, batch=0)
        sync(a, alice, batch=5)   # the queue's first five: Bob's four and one of hers
        sync(b, bob, batch=50)    # the rest, and the overlap documents' second slot
        # Documents added by one reach the other.
        assert {d.text for d in a.documents.iter_documents()} >= set(bob_texts)
        assert {d.text for d in b.documents.iter_documents()} & set(alice_texts)
        person, city = Span(0, 11, "PERSON"), Span(21, 27, "GPE")
        done = 0
        for _round in range(2):  # the last overlap document reaches Alice in round 2
            done += label_all(a, "alice", [person, city]) + label_all(b, "bob", [person])
            for store, url in ((a, alice), (b, bob), (a, alice)):
                sync(store, url)
        assert done == 10 + len(overlap) and not a.sync.hub_assigned_ids() + b.sync.hub_assigned_ids()
        with connect(hub.admin_url) as conn:
            from annotator.core.hub.routing import hub_status

            assert hub_status(conn).queue == 0
        # Overlap documents are labelled by both, and agreement is measured on them.
        agreement = compute_agreement(a)
        assert [(p.a, p.b, p.documents) for p in agreement.pairs] == [("alice", "bob", len(overlap))]
        cli = run("agreement", "--json", "--db", pa)
        assert cli.exit_code == 0 and orjson.loads(cli.output)["pairs"][0]["documents"] == len(overlap)

    with Store(make_project("carol")) as c:
        sync(c, carol, pull_all=True, batch=0)
        assert c.documents.count_documents() == 10 and c.queries.count_annotations() == 10 + len(overlap)
        target = c.documents.document_by_hash(text_hash(overlap[0])).id
        c.reviews.save_review(target, "carol", [Span(0, 11, "PERSON"), Span(21, 27, "GPE")], ["alice", "bob"])
        assert sync(c, carol, batch=0).pushed_reviews["added"] == 1
    with Store(pa) as a, Store(pb) as b:
        for store, url in ((a, alice), (b, bob)):
            sync(store, url)
            review = store.reviews.get_review(store.documents.document_by_hash(text_hash(overlap[0])).id)
            assert review is not None and review.reviewer == "carol"

        # Bob cannot write as Alice: her version in his project stays there.
        doc = b.documents.document_by_hash(text_hash(overlap[0])).id
        b.annotations.merge_annotation(doc, "alice", "reject", [], 1.0, 4e9)
        assert sync(b, bob).kept_local_decisions == 1
        assert hub.count("SELECT count(*) FROM hub.decisions WHERE annotator = 'alice' "
                         "AND answer = 'reject'") == 0

        # Alice imports a batch; her first sync is killed (kill -9), the next meets a
        # stopped server; nothing is lost.
        more = [f"Sync story {i}: Ana Ruiz in Lima." for i in range(2 * CHUNK + 10)]
        a.documents.add_documents([(t, {}) for t in more])
    child = subprocess.Popen([sys.executable, "-m", "tests.hub.sync_worker", str(pa), alice],
                             cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("documents"):
            os.kill(child.pid, signal.SIGKILL)
            break
    assert child.wait(30) == -signal.SIGKILL

    stage = Stage()

    def crash(done: int, total: int) -> None:
        if stage.name == "documents":
            pg_server.stop("immediate")

    with Store(pa) as a:
        try:
            with pytest.raises(AnnotatorError, match="lost the hub"):
                sync(a, alice, on_stage=stage, on_progress=crash)
        finally:
            pg_server.start()
        sync(a, alice)
        assert sync(a, alice).moved == 0
    assert hub.count("SELECT count(*) FROM hub.documents") == 10 + len(more)
    with Store(pb) as b:
        lacking = 10 + len(more) - b.documents.count_documents()
        assert sync(b, bob, pull_all=True, batch=0).pulled.documents == lacking
        assert b.documents.count_documents() == 10 + len(more)
