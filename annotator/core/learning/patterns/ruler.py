"""The project's patterns in a trained pipeline: spaCy's `entity_ruler` (`annotator train
--with-patterns`; off by default).

The ruler goes before the NER, as patterns rank before the model in the window's
suggestions: its entities stand and the NER labels around them (spaCy's NER keeps entities
already set). Phrases match on LOWER, as in the window; token patterns as given. Only the
patterns of labels the pipeline's NER knows are added: a pattern of another label would add
entities the gold never trained or scored.
"""

from __future__ import annotations

from typing import Any, Iterable

from annotator.core.learning.patterns.records import Pattern

RULER = "entity_ruler"


def add_entity_ruler(nlp: Any, patterns: Iterable[Pattern], labels: Iterable[str] | None = None) -> int:
    """Add the patterns (of `labels`, when given) as an entity_ruler before the NER; returns
    how many were added (no ruler is added for none)."""
    keep = None if labels is None else set(labels)
    lines = [p.to_json() for p in patterns if keep is None or p.label in keep]
    if not lines:
        return 0
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe(RULER, config={"phrase_matcher_attr": "LOWER", "validate": True}, **where)
    ruler.add_patterns(lines)
    return len(lines)
