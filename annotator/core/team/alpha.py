"""Token-level agreement tallies: Cohen's kappa of two annotators and Krippendorff's alpha of
any number, both over each token's IOB tag (B-LABEL, I-LABEL, O), both from counts kept as the
documents stream by (a Counter of tag pairs or of a token's tags), so a project of any size
needs no tag lists and per-label figures need no second pass.

Krippendorff's alpha, nominal, the token as the unit: a token of a document is a unit, and
each annotator who accepted the document gives it a value (its tag); annotators who did not
are missing values. Units with fewer than two values cannot be paired and are left out, as
Krippendorff (2011) does. With values v_c of each tag c in a unit of m values,

    D = sum over units (m^2 - sum_c v_c^2) / (m - 1)       (observed disagreement, unnormed)
    n_c = sum over units v_c,  n = sum_c n_c
    alpha = 1 - (n - 1) * D / (n^2 - sum_c n_c^2)

Not defined (None, with the reason): when no unit has two or more annotators (nothing to
compare), or when every value is the same tag (no variation: chance agreement is total and
alpha is 0/0). It is never reported as 0 or 1 in those cases.

Per label, a tag is kept when it is of that label and becomes O otherwise: the figure says how
far the annotators agree on where that label is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

OUTSIDE = "O"
NO_UNITS = "fewer than two annotators on every token"
NO_VARIATION = "every token has the same tag from everyone (no variation to measure)"


def project_tag(tag: str, label: str) -> str:
    return tag if tag != OUTSIDE and tag[2:] == label else OUTSIDE


# ---- Cohen's kappa of two annotators -------------------------------------------------------
@dataclass(frozen=True)
class Kappa:
    value: float | None
    tokens: int


def kappa_from_pairs(pairs: Mapping[tuple[str, str], int]) -> Kappa:
    """(p_o - p_e) / (1 - p_e) from counts of (tag of A, tag of B) per token; None when there
    are no tokens or chance agreement is total (e.g. both tagged every token O)."""
    n = sum(pairs.values())
    if not n:
        return Kappa(None, 0)
    agree = sum(c for (a, b), c in pairs.items() if a == b)
    left: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for (a, b), c in pairs.items():
        left[a] += c
        right[b] += c
    expected = sum(left[t] * right[t] for t in left) / (n * n)
    if expected >= 1.0:
        return Kappa(None, n)
    return Kappa((agree / n - expected) / (1 - expected), n)


def project_pairs(pairs: Mapping[tuple[str, str], int], label: str) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for (a, b), c in pairs.items():
        out[(project_tag(a, label), project_tag(b, label))] += c
    return out


# ---- Krippendorff's alpha --------------------------------------------------------------------
@dataclass(frozen=True)
class Alpha:
    """value is None when alpha is not defined; `why` then says why."""

    value: float | None
    units: int          # tokens with two or more annotators (the pairable units)
    values: int         # tags given to those tokens
    why: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"alpha": None if self.value is None else round(self.value, 4),
                                  "alpha_units": self.units}
        if self.value is None:
            out["alpha_not_defined"] = self.why
        return out


def alpha_from_units(units: Mapping[tuple[str, ...], int]) -> Alpha:
    """Nominal alpha from {the tags a unit got (any order; missing annotators left out):
    how many units got exactly those}."""
    totals: Counter[str] = Counter()
    disagreement = 0.0
    paired = 0
    for values, count in units.items():
        m = len(values)
        if m < 2 or not count:
            continue
        paired += count
        seen = Counter(values)
        totals.update({tag: v * count for tag, v in seen.items()})
        disagreement += count * (m * m - sum(v * v for v in seen.values())) / (m - 1)
    n = sum(totals.values())
    if not paired:
        return Alpha(None, 0, 0, NO_UNITS)
    chance = n * n - sum(v * v for v in totals.values())
    if chance <= 0:
        return Alpha(None, paired, n, NO_VARIATION)
    return Alpha(1.0 - (n - 1) * disagreement / chance, paired, n)


def alpha_of(unit_values: Iterable[Sequence[str | None]]) -> Alpha:
    """Alpha of units given as sequences of values, None for a missing one (for tests and
    small inputs)."""
    units: Counter[tuple[str, ...]] = Counter()
    for values in unit_values:
        units[tuple(sorted(v for v in values if v is not None))] += 1
    return alpha_from_units(units)


def document_units(tag_lists: Sequence[Sequence[str]]) -> Counter[tuple[str, ...]]:
    """The units of one document: each token's tags from every version (all of equal length)."""
    return Counter(tuple(sorted(tags)) for tags in zip(*tag_lists))


def project_units(units: Mapping[tuple[str, ...], int], label: str) -> Counter[tuple[str, ...]]:
    out: Counter[tuple[str, ...]] = Counter()
    for values, count in units.items():
        out[tuple(sorted(project_tag(v, label) for v in values))] += count
    return out


def pair_units(pairs: Mapping[tuple[str, str], int]) -> Counter[tuple[str, ...]]:
    """A pair's token counts as units of two values (for the pair's alpha)."""
    out: Counter[tuple[str, ...]] = Counter()
    for (a, b), count in pairs.items():
        out[tuple(sorted((a, b)))] += count
    return out
