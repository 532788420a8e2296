"""Project statistics for `annotator stats`, the overview and the report."""

from __future__ import annotations

from typing import Any, Sequence

from annotator.core.report.activity import SuggestionPoint, per_annotator, suggestion_points
from annotator.core.team.gold import summarize
from annotator.core.text.model import ANSWERS, TimedDecision
from annotator.core.store import Store
from annotator.core.wording import count


def project_stats(store: Store, records: Sequence[TimedDecision] | None = None,
                  points: Sequence[SuggestionPoint] | None = None) -> dict[str, Any]:
    """{"documents", "annotators": {name: {answer: n, ..., "total": n}}, "labels": {label: spans},
    "reviewed", "gold": {"reviewed", "unanimous", "disputed"} (documents, core/team/gold.py),
    "per_annotator", "suggestion_quality"}. Label counts are spans in accepted
    annotations; every project label is listed (0 if unused), then any label still used in
    annotations but no longer in the project. per_annotator and suggestion_quality are
    core/report/activity.py's (decisions per day, median seconds; one point per accepted decision
    made in the window, in the order made)."""
    annotators: dict[str, dict[str, int]] = {}
    for name, counts in store.queries.annotation_counts().items():
        row = {answer: counts.get(answer, 0) for answer in ANSWERS}
        row["total"] = sum(counts.values())
        annotators[name] = row
    used = store.queries.label_counts("accept")
    labels = {name: used.get(name, 0) for name in store.labels.label_names()}
    labels.update({name: n for name, n in used.items() if name not in labels})
    records = store.activity.timed_decisions() if records is None else records
    points = suggestion_points(records) if points is None else points
    gold = summarize(store)
    return {
        "documents": store.documents.count_documents(),
        "annotators": annotators,
        "labels": labels,
        "reviewed": len(store.queries.reviewed_document_ids()),
        "gold": {"reviewed": gold.reviewed, "unanimous": gold.unanimous, "disputed": len(gold.disputed or [])},
        "per_annotator": per_annotator(store, records),
        "suggestion_quality": [p.to_dict() for p in points],
    }


def format_stats(stats: dict[str, Any]) -> str:
    """Plain-text tables of project_stats() for a terminal."""
    gold = stats["gold"]
    lines = [f"Documents: {stats['documents']}", f"Reviewed:  {stats['reviewed']}",
             f"Gold:      {gold['reviewed'] + gold['unanimous']:,} ({gold['reviewed']:,} reviewed, "
             f"{gold['unanimous']:,} unanimous); {count(gold['disputed'], 'disputed document')}", ""]
    if stats["annotators"]:
        width = max(9, *(len(n) for n in stats["annotators"]))
        cols = [*ANSWERS, "total"]
        lines.append(f"{'Annotator':<{width}}  " + "  ".join(f"{c:>7}" for c in cols))
        for name, row in stats["annotators"].items():
            lines.append(f"{name:<{width}}  " + "  ".join(f"{row[c]:>7}" for c in cols))
    else:
        lines.append("No annotations yet.")
    timed = {n: row for n, row in stats.get("per_annotator", {}).items() if row["timed_decisions"]}
    if timed:
        lines.append("")
        for name, row in timed.items():
            lines.append(f"{name}: median {row['median_seconds_per_document']:.0f} s per document "
                         f"over {count(row['timed_decisions'], 'decision')} timed in the window")
    lines.append("")
    width = max(5, *(len(n) for n in stats["labels"])) if stats["labels"] else 5
    lines.append(f"{'Label':<{width}}  {'spans':>7}  (in accepted annotations)")
    for name, n in stats["labels"].items():
        lines.append(f"{name:<{width}}  {n:>7}")
    return "\n".join(lines)
