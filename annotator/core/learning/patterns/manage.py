"""Patterns in a project: adding them from a file, exporting them, and the learned phrases as
patterns. The CLI (`annotator patterns`) and the window's Model -> Patterns… call these.

Rules:
- A pattern file (.jsonl, .json, .ndjson) names each pattern's label; a term list is any
  other file and needs one label for all its terms. A bad line is reported as FILE:LINE and
  the other lines are added.
- Labels: a pattern whose label the project lacks is not added unless the caller says to add
  the labels (`--add-labels`; the window asks). Each missing label is reported once, with its
  first line and how many patterns carry it.
- Adding is idempotent: a pattern already in the project (same key: label and content, case
  ignored for phrases) is counted as "already there"; one removed before comes back.
- `--check-gold` (the window: "Leave out what the gold contradicts") measures each new pattern
  on the project's gold before adding it: matched in every gold document (core/team/gold.py),
  a match is right when the gold has that very span with that label. A pattern matched more
  often wrong than right is left out and listed ("of": 0 of 51); one the gold never meets is
  added. On WikiGold this is what makes a public place list help (benchmarks/RESULTS.md §14b).
- `--from-gold` writes the phrases behind ★ (core/learning/learned.py: a phrase with a clear
  majority label in the gold) as token patterns on LOWER, with at least `min_count` votes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from annotator.core.errors import AnnotatorError, RecordError
from annotator.core.learning.patterns.files import (
    is_pattern_file, read_pattern_file, read_term_list, token_form, write_patterns,
)
from annotator.core.learning.patterns.records import Pattern, PatternError, check_pattern
from annotator.core.wording import count

if TYPE_CHECKING:
    from annotator.core.store import Store


@dataclass
class UnknownLabel:
    label: str
    first_line: int
    patterns: int


@dataclass
class PatternRead:
    """What a pattern file or term list holds: its good patterns, the bad lines, and the
    labels the project lacks (their patterns are in `patterns` too, set apart on saving)."""

    source: str
    patterns: list[Pattern] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    unknown: dict[str, UnknownLabel] = field(default_factory=dict)
    # Set apart by check_against_gold: (pattern, matches right, matches wrong) in the gold.
    contradicted: list[tuple[Pattern, int, int]] = field(default_factory=list)

    def unknown_message(self, label: str) -> str:
        u = self.unknown[label]
        return (f"{self.source}:{u.first_line}: label {label!r} is not a project label "
                f"({count(u.patterns, 'pattern')}): add it with `annotator labels add {label}`, "
                "or add the file again with --add-labels")


@dataclass
class PatternImport:
    source: str
    read: int = 0
    added: int = 0
    already: int = 0
    skipped_unknown: int = 0
    contradicted: int = 0
    labels_added: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{count(self.added, 'pattern')} added from {self.source}"]
        if self.already:
            parts.append(f"{self.already:,} already there")
        if self.labels_added:
            parts.append(f"label{'s' if len(self.labels_added) > 1 else ''} {', '.join(self.labels_added)} added")
        if self.skipped_unknown:
            parts.append(f"{count(self.skipped_unknown, 'pattern')} with a label the project lacks not added")
        if self.contradicted:
            parts.append(f"{count(self.contradicted, 'pattern')} the gold contradicts left out")
        return "; ".join(parts)


def read_patterns(path: str | Path, known_labels: Iterable[str], label: str | None = None) -> PatternRead:
    """Read a pattern file, or with `label` a term list. Raises AnnotatorError when the file
    cannot be read at all or the wrong kind is asked for."""
    path = Path(path)
    read = PatternRead(str(path))
    if label is not None:
        if is_pattern_file(path):
            raise AnnotatorError(f"{path}: a JSONL pattern file names each pattern's label; --label is for a "
                                 "term list (one term per line)")
        try:
            check_pattern(label, "x")
        except PatternError as exc:
            raise AnnotatorError(f"--label {label!r}: {exc}") from None
        items = read_term_list(path, label)
    else:
        if not is_pattern_file(path):
            raise AnnotatorError(f"{path}: a term list needs a label for its terms (--label LABEL); a pattern "
                                 "file is Prodigy match-pattern JSONL (.jsonl)")
        items = read_pattern_file(path)
    known = set(known_labels)
    for item in items:
        if isinstance(item, RecordError):
            if item.line is None:  # the whole file is unreadable
                raise item
            read.errors.append(item)
            continue
        number, pattern = item
        read.patterns.append(pattern)
        if pattern.label not in known:
            u = read.unknown.setdefault(pattern.label, UnknownLabel(pattern.label, number, 0))
            u.patterns += 1
    return read


def check_against_gold(store: "Store", read: PatternRead, annotator: str | None = None) -> None:
    """Move the patterns the project's gold contradicts (more matches wrong than right) from
    read.patterns to read.contradicted, most contradicted first."""
    from annotator.core.learning.patterns.matcher import PatternMatcher
    from annotator.core.team.gold import iter_gold

    if not read.patterns:
        return
    matcher = PatternMatcher(read.patterns, store.settings.lang)
    right: dict[int, int] = {}
    wrong: dict[int, int] = {}
    for doc, gold in iter_gold(store, own=annotator):
        exact = {s.key() for s in gold.spans}
        for span in matcher.match(doc.text):
            tally = right if span.key() in exact else wrong
            for pattern in matcher.which(doc.text[span.start:span.end], span.label):
                tally[id(pattern)] = tally.get(id(pattern), 0) + 1
    keep = []
    for pattern in read.patterns:
        r, w = right.get(id(pattern), 0), wrong.get(id(pattern), 0)
        if w > r:
            read.contradicted.append((pattern, r, w))
        else:
            keep.append(pattern)
    read.patterns = keep
    read.contradicted.sort(key=lambda c: (c[1] - c[2], c[0].text()))


def contradicted_message(read: PatternRead, shown: int = 8) -> str:
    """'3 patterns left out, the gold mostly does not label their matches so: of GPE (0 of 51 right), ...'"""
    items = ", ".join(f"{p.text()} {p.label} ({r} of {r + w} right)" for p, r, w in read.contradicted[:shown])
    more = f", and {len(read.contradicted) - shown:,} more" if len(read.contradicted) > shown else ""
    return (f"{count(len(read.contradicted), 'pattern')} left out: the project's gold mostly does not label "
            f"their matches so: {items}{more}")


def save_patterns(store: "Store", read: PatternRead, author: str, *, add_labels: bool = False) -> PatternImport:
    """Add what was read to the project (one transaction with any labels added)."""
    report = PatternImport(read.source, read=len(read.patterns), contradicted=len(read.contradicted))
    with store.transaction():
        if add_labels and read.unknown:
            report.labels_added = store.labels.ensure_labels(read.unknown)
            keep = read.patterns
        else:
            keep = [p for p in read.patterns if p.label not in read.unknown]
            report.skipped_unknown = len(read.patterns) - len(keep)
        report.added, report.already = store.patterns.add_patterns(keep, author)
    return report


def import_patterns(store: "Store", path: str | Path, author: str, *, label: str | None = None,
                    add_labels: bool = False, check_gold: bool = False) -> tuple[PatternImport, PatternRead]:
    """read_patterns (check_against_gold) then save_patterns (the CLI's `patterns add`)."""
    read = read_patterns(path, store.labels.label_names(), label)
    if check_gold:
        check_against_gold(store, read, author)
    return save_patterns(store, read, author, add_labels=add_labels), read


def export_patterns(store: "Store", out: str | Path, *, as_tokens: bool = False) -> int:
    """Write the project's patterns as Prodigy match-pattern JSONL; returns how many."""
    patterns = store.patterns.all()
    if as_tokens:
        patterns = [token_form(p, store.settings.lang) for p in patterns]
    return write_patterns(patterns, out)


def gold_patterns(store: "Store", *, min_count: int = 1, annotator: str | None = None) -> list[Pattern]:
    """The learned phrases behind ★ as token patterns on LOWER (most votes first): the team
    gold, plus `annotator`'s own accepted work on unreviewed documents when named."""
    from annotator.core.learning.learned import GoldMatcher

    if min_count < 1:
        raise AnnotatorError(f"--min-count must be at least 1, not {min_count}")
    matcher = GoldMatcher.from_store(store, annotator)
    return [Pattern(label, [{"lower": token} for token in tokens])
            for tokens, label, votes in matcher.learned_phrases() if votes >= min_count]


def export_gold_patterns(store: "Store", out: str | Path, *, min_count: int = 1,
                         annotator: str | None = None) -> int:
    return write_patterns(gold_patterns(store, min_count=min_count, annotator=annotator), out)
