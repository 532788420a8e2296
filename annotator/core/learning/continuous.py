"""Keep improving while the team labels: the policy of continuous learning (no Qt).

The rule, written once here and run by annotator/jobs/continuous.py in a child process:

- A round is due after every EVERY (25) new gold documents, counted with the team gold
  policy (core/team/gold.py summarize: reviewed + unanimous documents; disputed ones do not count).
- A round retrains from the current trained model (the one continuous learning adopted last)
  or, before any, from the project's model (core/suggest.project_model), with train_pipeline's
  default recipe (core/learning/train.py) and a smaller time budget.
- The held-out part is stable as the gold grows: a document is held out when its text hash
  falls in the HELD_OUT_PERCENT bucket (the same in every copy of the project, merged or
  not). So a held-out document is never trained on by any round, and the documents every
  model has ever been trained on stay out of every later comparison.
- Adoption: the candidate and the current model (as the window uses it: through the project's
  label map, keeping the project's labels) are scored on the same held-out gold, as it is at
  decision time; the candidate is adopted only when its F1 is strictly higher. Adopting sets
  the project's model (the suggester switches to it) and records it in trained_models; a
  refused candidate's folder is deleted, and so is the adopted model it replaces.
  Caveat: the held-out part also chose the candidate's stopping step, so its score is a little
  optimistic; early stopping keeps the starting weights when nothing beats them, so a round
  that learned nothing scores exactly as the current model and is refused.

The toggle ("Keep improving while I label") and the state (gold counted at the last round,
the adopted model and its F1, the last rounds) are project settings, so every window and
teammate's copy sees them.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from annotator.core.team.gold import summarize
from annotator.core.learning.train_loop import GoldDoc, ScoresFn, StopFn
from annotator.core.progress import Progress
from annotator.core.settings import CONTINUOUS, CONTINUOUS_STATE, settings

if TYPE_CHECKING:
    from annotator.core.store import Store

SETTING_ENABLED = CONTINUOUS.name
SETTING_STATE = CONTINUOUS_STATE.name
EVERY = 25
HELD_OUT_PERCENT = 20
ROUND_BUDGET_S = 300.0
MODELS_SUFFIX = ".models"
HISTORY = 20  # rounds remembered in the state


@dataclass
class ContinuousState:
    """What continuous learning remembers in the project."""

    gold_at_last_round: int = 0
    model: str | None = None          # the adopted model's folder
    f1: float | None = None           # its held-out F1 when adopted
    rounds: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RoundResult:
    """One round: whether the candidate was adopted, and the two scores it was judged on."""

    adopted: bool
    reason: str
    gold: int
    held_out: int
    candidate_f1: float | None
    current_f1: float | None
    current_model: str
    model: str | None                 # the adopted folder (None when refused)
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def is_enabled(store: Store) -> bool:
    return settings(store).get(CONTINUOUS)


def set_enabled(store: Store, on: bool) -> None:
    settings(store).set(CONTINUOUS, on)


def load_state(store: Store) -> ContinuousState:
    try:
        data = settings(store).get(CONTINUOUS_STATE)
        return ContinuousState(**{k: v for k, v in data.items() if k in ContinuousState.__dataclass_fields__})
    except (ValueError, TypeError):
        return ContinuousState()


def save_state(store: Store, state: ContinuousState) -> None:
    state.rounds = state.rounds[-HISTORY:]
    settings(store).set(CONTINUOUS_STATE, asdict(state))


def new_gold(store: Store, state: ContinuousState | None = None) -> int:
    """Gold documents (team gold policy) added since the last round."""
    state = state or load_state(store)
    return max(0, summarize(store).gold - state.gold_at_last_round)


def is_due(store: Store, every: int = EVERY) -> bool:
    """Whether a round should run now: EVERY new gold documents since the last one."""
    return new_gold(store) >= every


def held_out_rule(store: Store, percent: int = HELD_OUT_PERCENT) -> Callable[[int], bool]:
    """document id -> held out? Decided by the document's text hash, so stable forever."""
    cache: dict[int, bool] = {}

    def held_out(doc_id: int) -> bool:
        if doc_id not in cache:
            cache[doc_id] = int(store.documents.get_document(doc_id).hash[:8], 16) % 100 < percent
        return cache[doc_id]

    return held_out


def suggester_f1(model: str, docs: list[GoldDoc], labels: list[str], label_map: dict[str, str]) -> float:
    """F1 of what the window would suggest from `model` alone on `docs` (exact spans)."""
    from annotator.core.learning.evaluate import prf
    from annotator.core.learning.suggest import Suggester

    suggester = Suggester(model, label_map=label_map, labels=labels)
    predicted = suggester.predict([g.text for g in docs])
    return prf([{s.key() for s in g.spans if s.label in labels} for g in docs],
               [{s.key() for s in spans} for spans in predicted])["f1"]


def models_dir(store: Store) -> Path:
    """Where continuous learning writes its models: <project>.models/ beside the project."""
    path = Path(store.path)
    return path.with_name(path.stem + MODELS_SUFFIX)


def _remove(folder: str | None, inside: Path) -> None:
    """Delete a model folder, only if continuous learning made it (inside its models folder)."""
    if folder and Path(folder).resolve().parent == inside.resolve():
        shutil.rmtree(folder, ignore_errors=True)


def run_round(store: Store, *, out_root: Path | None = None, budget_s: float = ROUND_BUDGET_S,
              on_progress: Progress | None = None, on_scores: ScoresFn | None = None,
              should_stop: StopFn | None = None, **train_options: Any) -> RoundResult:
    """Retrain, judge and maybe adopt (see the module docstring); always counts the round.
    Raises what train_pipeline raises (no gold, cancelled...), leaving the state unchanged."""
    from annotator.core.learning.suggest import SETTING_MODEL, load_label_map, project_model
    from annotator.core.learning.train import collect_gold, train_pipeline

    started = time.time()
    state = load_state(store)
    gold_now = summarize(store).gold
    current = state.model if state.model and Path(state.model).is_dir() else project_model(store)
    root = out_root or models_dir(store)
    candidate = root / time.strftime("continuous-%Y%m%d-%H%M%S")
    held_out = held_out_rule(store)
    result = train_pipeline(store, candidate, base=current, held_out=held_out, budget_s=budget_s,
                            on_progress=on_progress, on_scores=on_scores, should_stop=should_stop, record=False,
                            **train_options)
    labels = store.labels.label_names()
    label_map = load_label_map(store)
    dev = [g for g in collect_gold(store) if held_out(g.document_id)]
    if dev:
        candidate_f1 = suggester_f1(str(candidate), dev, labels, label_map)
        current_f1 = suggester_f1(current, dev, labels, label_map)
        adopted = candidate_f1 > current_f1
        reason = (f"held-out F1 {candidate_f1:.3f} > {current_f1:.3f}" if adopted else
                  f"held-out F1 {candidate_f1:.3f} does not beat the current model's {current_f1:.3f}")
    else:
        candidate_f1 = current_f1 = None
        adopted, reason = False, "no held-out gold yet to compare on"
    round_ = RoundResult(adopted, reason, gold_now, len(dev), candidate_f1, current_f1, current,
                         str(candidate) if adopted else None, round(time.time() - started, 1))
    if adopted:
        store.models.record_trained_model(str(candidate.resolve()), current, result.scores)
        store.settings.set_setting(SETTING_MODEL, str(candidate))
        _remove(state.model, root)
        state.model, state.f1 = str(candidate), candidate_f1
    else:
        _remove(str(candidate), root)
    state.gold_at_last_round = gold_now
    state.rounds.append({"at": started, **round_.to_dict()})
    save_state(store, state)
    return round_
