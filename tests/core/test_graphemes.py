"""No span, suggested or drawn, starts or ends inside a grapheme cluster."""

from __future__ import annotations

import json
import random

import pytest
import regex

from annotator.core.text import graphemes
from annotator.core.errors import SpanError
from annotator.core.ops.importing import import_paths
from annotator.core.learning.learned import GoldMatcher
from annotator.core.text.model import Span
from annotator.core.text.spans import validate_spans
from annotator.core.store import Store
from annotator.core.learning.suggest import Suggester, suggest_documents
from annotator.core.learning.suggestions import clean, current_suggestions

FLAG = "\U0001F1FA\U0001F1E6"  # two regional indicators
FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467"  # ZWJ sequence
THUMB = "\U0001F44D\U0001F3FD"  # emoji + skin tone
E_ACUTE = "e\u0301"  # letter + combining mark
PIECES = ["a", " ", "\n", "\r", "\u0301", "\u200d", "\U0001F1EB", "\U0001F1F7", "\U0001F44D",
          "\U0001F3FD", "\U0001F469", "\u0915", "\u094d", "\u0937", "\u0600", "\ud55c", "\u1100",
          "\u1161", "\u00a9", "\u00ae", "\u00ad", ".", "\u00e9", "\ufe0f", "\u0d4e", "\u0902", "\x85", "\u2028"]


def reference(text: str) -> set[int]:
    """Every boundary, from \\X run over the whole text."""
    return {0} | {m.end() for m in regex.finditer(r"\X", text)}


def test_lazy_boundaries_agree_with_a_whole_text_scan():
    rng = random.Random(7)
    for _ in range(8000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 24)))
        want = reference(text)
        assert [i for i in range(len(text) + 1) if graphemes.is_boundary(text, i)] == sorted(want), text


def test_fast_path_holds_no_code_point_below_u0300_joins_a_cluster():
    joiners = regex.compile(r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}"
                            r"\p{GCB=Regional_Indicator}\p{GCB=L}\p{GCB=V}\p{GCB=T}\p{GCB=LV}\p{GCB=LVT}]")
    assert [hex(c) for c in range(0x300) if joiners.match(chr(c))] == []


def test_long_runs_of_flags_are_not_rescanned():
    text = FLAG * 50_000 + "\u0301"
    assert graphemes.cluster_at(text, len(text) - 2) == (len(text) - 3, len(text))
    assert graphemes.cluster_at(text, 2 * 25_000 + 1) == (50_000, 50_002)


def test_snap_span_widens_or_drops_fragments():
    text = f"x {FLAG} {THUMB} caf{E_ACUTE}"
    f, t = text.index(FLAG), text.index(THUMB)
    assert graphemes.snap_span(text, f, f + 1) is None  # half a flag names nothing
    assert graphemes.snap_span(text, f + 1, f + 2) is None
    assert graphemes.snap_span(text, 0, f + 1) == (0, f + 2)
    assert graphemes.snap_span(text, t, t + 1) is None
    assert graphemes.snap_span(text, len(text) - 5, len(text) - 1) == (len(text) - 5, len(text))


def test_validate_spans_refuses_a_span_cutting_a_cluster():
    text = f"{FAMILY} went to kyiv {FLAG} caf{E_ACUTE}"
    k = text.index("kyiv")
    assert validate_spans(text, [Span(k, k + 4, "GPE"), Span(0, len(FAMILY), "PERSON")])
    for start, end, where in ((0, 1, "ends"), (1, 5, "starts"), (len(text) - 5, len(text) - 1, "ends")):
        with pytest.raises(SpanError, match=f"{where} inside the character"):
            validate_spans(text, [Span(start, end, "X")])


def test_import_reports_a_span_cutting_a_flag_as_a_bad_record(tmp_path):
    """A record whose span starts inside a flag is refused (FILE:LINE), the rest imported."""
    text = f"{FLAG} kyiv today"
    good = {"text": "kyiv", "label": [[0, 4, "GPE"]]}
    utf16 = {"text": text, "label": [[3, 7, "GPE"], [1, 7, "GPE"]]}
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in (good, utf16)) + "\n", encoding="utf-8")
    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [path], fmt="doccano")
        assert report.documents_added == 1 and len(report.errors) == 1
        assert str(report.errors[0]).startswith(f"{path}:2: span [1, 7, GPE] starts inside the character")


def test_real_model_half_flag_suggestions_are_dropped(tmp_path):
    """en_core_web_sm labels half of a flag (one regional indicator) as DATE or PERSON."""
    suggester = Suggester().load()
    texts = [f"the {FLAG} flag flew over kyiv", "\U0001F1FA\U0001F1F8\U0001F1EC\U0001F1E7 talks"]
    raw = list(suggester.predict(texts, raw=True))
    cutting = [(t, s) for t, spans in zip(texts, raw) for s in spans
               if graphemes.cut_at(t, s.start, s.end) is not None]
    assert cutting, "the model no longer cuts flags: find another case"
    with Store(tmp_path / "p.db") as store:
        ids = [store.documents.add_document(t)[0] for t in texts]
        suggest_documents(store, suggester)
        for doc_id, text in zip(ids, texts):
            shown = current_suggestions(store, doc_id, suggester.model_key, None)
            assert all(graphemes.cut_at(text, s.start, s.end) is None for s in shown)
            assert not any(FLAG in text[s.start:s.end] for s in shown if s.label == "DATE")


def test_clean_widens_a_model_span_missing_a_combining_mark():
    text = f"jos{E_ACUTE} left"
    assert clean(text, [Span(0, 4, "PERSON", "model")], ["PERSON"]) == [Span(0, 5, "PERSON")]


def test_learned_matches_never_cut_a_cluster(store: Store):
    a, _ = store.documents.add_document("jose met maria in lima")
    store.annotations.save_annotation(a, "me", "accept", [Span(0, 4, "PERSON"), Span(18, 22, "GPE")])
    matcher = GoldMatcher.from_store(store, "me")
    text = f"jos{E_ACUTE} and jose flew to lima"
    found = matcher.propose(text)
    assert [(text[s.start:s.end], s.label) for s in found] == [("jose", "PERSON"), ("lima", "GPE")]
    assert found[0].start == text.index("jose ")
