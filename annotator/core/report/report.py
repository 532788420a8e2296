"""`annotator report`: the overview as one self-contained HTML file to share.

The same six charts as the window (core/report/charts.py), inline as SVG, each followed by the
table behind it, then the project's statistics. Readable offline in any browser: one file,
no script, no stylesheet or font from the network, nothing it links to but its own '#'
anchors (a test parses it and checks). Every name from the project is HTML-escaped.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any, Iterable, Sequence

from annotator import __version__
from annotator.core.report.overview import Overview
from annotator.core.wording import count

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       max-width: 1080px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { margin-top: 40px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta, .caption, .note { color: #666; } nav a { margin-right: 14px; }
figure { margin: 12px 0; } figure svg { width: 100%; height: auto; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 9px; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #f4f4f4; }
pre.guidelines { white-space: pre-wrap; font: inherit; background: #fafafa; border: 1px solid #eee; padding: 12px; }
"""


def _num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else escape(str(value))


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], empty: str = "Nothing yet.") -> str:
    rows = list(rows)
    if not rows:
        return f'<p class="note">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_num(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# ---- the table behind each chart ---------------------------------------------------------------
def progress_tables(ov: Overview) -> str:
    p = ov.progress
    status = table(["documents", "count"], [("with team gold", p.gold), ("disputed", p.disputed),
                                            ("rejected or skipped", p.decided_without_accept),
                                            ("not decided yet", p.remaining), ("total", p.total)])
    days = table(["day", *p.per_annotator, "total"],
                 [(day, *(c[i] for c in p.per_annotator.values()), sum(c[i] for c in p.per_annotator.values()))
                  for i, day in enumerate(p.days)], "No decisions yet.")
    return f"<h3>Where the documents stand</h3>{status}<h3>Decisions per day</h3>{days}"


def gold_tables(ov: Overview) -> str:
    g = ov.gold
    counts: dict[int, int] = {}
    for n in g.spans_per_document:
        counts[n] = counts.get(n, 0) + 1
    return ("<h3>Gold spans per label</h3>" + table(["label", "spans"], g.labels.items())
            + "<h3>Spans per gold document</h3>"
            + table(["spans in a document", "gold documents"], sorted(counts.items()), "No team gold yet."))


def _alpha(alpha: Any) -> str:
    return "not defined" if alpha.value is None else f"{alpha.value:.3f}"


MEASURES = ("<p class=\"note\">Exact F1: spans with the same start, end and label. Overlap F1: the same "
            "label and overlapping extents also match. Kappa: Cohen's, each token's IOB tag, on the documents "
            "both accepted (all annotators: the mean of the pairs'). Alpha: Krippendorff's, nominal, the "
            "token as the unit, any number of annotators, missing ones left out; not defined when no token "
            "has two annotators or every token has the same tag.</p>")


def agreement_tables(ov: Overview) -> str:
    report = ov.agreement.report
    pairs = report.pairs if report else []
    o = report.overall if report else None
    out = "<h3>All annotators</h3>" + table(
        ["annotators", "documents", "exact F1", "overlap F1", "kappa", "alpha"],
        [(", ".join(o.annotators), o.documents, o.counts.f1, o.counts.partial_f1, o.kappa, _alpha(o.alpha))]
        if o is not None and pairs else [], "No document was accepted by two annotators yet.")
    out += "<h3>Per label, all annotators</h3>" + table(
        ["label", "exact F1", "overlap F1", "kappa", "alpha"],
        [(label, c.f1, c.partial_f1, o.label_kappa(label), _alpha(o.label_alpha(label)))
         for label, c in sorted(o.labels.items())] if o is not None else [], "Nothing to compare yet.")
    out += "<h3>Pairs</h3>" + table(
        ["annotators", "documents", "exact F1", "overlap F1", "kappa", "alpha", "tokens"],
        [(f"{p.a} × {p.b}", p.documents, p.f1, p.partial_f1, p.kappa, _alpha(p.alpha), p.tokens) for p in pairs],
        "No document was accepted by two annotators yet.")
    out += "<h3>Per label, each pair</h3>" + table(
        ["annotators", "label", "exact F1", "overlap F1", "kappa", "alpha", "spans A", "spans B"],
        [(f"{p.a} × {p.b}", label, c.f1, c.partial_f1, p.label_kappa(label), _alpha(p.label_alpha(label)),
          c.n_a, c.n_b) for p in pairs for label, c in sorted(p.labels.items())], "Nothing to compare yet.")
    out += MEASURES
    out += "<h3>Per label, all pairs pooled</h3>" + table(["label", "F1"], ov.agreement.per_label.items(),
                                                           "Nothing to compare yet.")
    quality = report.annotators if report else []
    out += "<h3>Per annotator</h3>" + table(
        ["annotator", "accepted documents", "unchanged from suggestions", "compared", "F1 vs reviewed gold",
         "reviewed documents"],
        [(q.name, q.documents, q.unchanged_from_suggestions, q.suggestions_compared,
          (q.vs_gold or {}).get("f1"), (q.vs_gold or {}).get("documents")) for q in quality],
        "Nobody accepted anything yet.")
    return out + ('<p class="note">Unchanged from suggestions: the share of accepted documents whose spans '
                  "are exactly what the window showed when they were opened, from any source: model, ★ "
                  "learned, propagated (a rubber-stamper stands out near 1); compared: the documents "
                  "decided in the window. F1 vs reviewed gold: the accepted versions scored against "
                  "reviews of the same documents.</p>")


def suggestion_tables(ov: Overview) -> str:
    s = ov.suggestions
    by_name: dict[str, list[float]] = {}
    for point in s.points:
        by_name.setdefault(point.annotator, []).append(point.f1)
    rows = [(name, len(f1s), sum(f1s) / len(f1s), sum(f1s[:10]) / len(f1s[:10]), sum(f1s[-10:]) / len(f1s[-10:]))
            for name, f1s in sorted(by_name.items())]
    out = table(["annotator", "accepted decisions", "mean F1", "first 10", "last 10"], rows,
                "No accepted decision was recorded in the window yet.")
    last = s.points[-50:]
    out += f"<h3>The last {len(last)} accepted decisions</h3>" + table(
        ["decided", "annotator", "document", "suggested", "F1", "corrections", "seconds"],
        [(datetime.fromtimestamp(p.decided).strftime("%Y-%m-%d %H:%M"), p.annotator, p.document, p.suggested,
          p.f1, p.corrections, round(p.seconds)) for p in reversed(last)], "Nothing recorded yet.")
    return out


def curve_tables(ov: Overview) -> str:
    c = ov.curve
    if c is None:
        return ('<p class="note">No learning curve recorded: press “Learning curve…” in the window\'s '
                'Overview panel, or run <code>annotator train-curve</code>.</p>')
    rows = ([("base model", c.base)] if c.base is not None else []) + [(f"{f:.0%}", v) for f, v in c.trained]
    when = datetime.fromtimestamp(c.created).strftime("%Y-%m-%d %H:%M")
    gold = escape(str(c.settings.get("gold") or "the gold"))
    return (table(["share of training gold", "held-out F1"], rows)
            + f'<p class="note">Computed {when} on {gold}, {count(c.dev_docs, "document")} held out.</p>')


def time_tables(ov: Overview) -> str:
    t = ov.time
    return table(["annotator", "timed decisions", "median seconds per document"],
                 [(n, t.decisions[n], f"{t.median_seconds[n]:.1f}") for n in t.median_seconds],
                 "No decision was timed in the window yet.")


TABLES = {"progress": progress_tables, "gold": gold_tables, "agreement": agreement_tables,
          "suggestions": suggestion_tables, "curve": curve_tables, "time": time_tables}


def guidelines_section(ov: Overview) -> str:
    """The guidelines as written (Markdown reads as text; shown escaped, never as HTML), the
    label descriptions, and how the reviewed gold was decided."""
    text = next((g for g in ov.guidelines if not g.subject), None)
    out = (f'<pre class="guidelines">{escape(text.text)}</pre>' if text and text.text.strip()
           else '<p class="note">No guidelines written yet (<code>annotator guidelines set FILE</code>).</p>')
    labels = [g for g in ov.guidelines if g.subject]
    out += "<h3>Labels</h3>" + table(["label", "description", "examples"],
                                     [(g.subject, g.text, "; ".join(g.examples)) for g in labels],
                                     "No label is described yet: annotator labels describe NAME TEXT.")
    m = ov.review_methods
    out += "<h3>How the reviewed documents were decided</h3>" + table(
        ["by hand", "by majority", "unanimous"], [(m.get("hand", 0), m.get("majority", 0), m.get("unanimous", 0))])
    return out


def stats_tables(stats: dict[str, Any]) -> str:
    answers = ["accept", "reject", "ignore", "draft", "total"]
    per = stats.get("per_annotator", {})
    medians = {name: (row or {}).get("median_seconds_per_document") for name, row in per.items()}
    rows = [(name, *(row.get(a, 0) for a in answers), None if medians.get(name) is None else f"{medians[name]:.1f}")
            for name, row in stats["annotators"].items()]
    return (f"<p>{count(stats['documents'], 'document')}, {stats['reviewed']:,} reviewed.</p>"
            + table(["annotator", "accepted", "rejected", "skipped", "drafts", "total", "median s per document"],
                    rows, "No annotations yet.")
            + "<h3>Spans per label in accepted annotations</h3>" + table(["label", "spans"], stats["labels"].items()))


def pattern_tables(ov: Overview) -> str:
    t = ov.patterns
    if t is None:
        return '<p class="note">No patterns: add a term list or Prodigy patterns with <code>annotator patterns add</code>.</p>'
    rows = [(f.pattern.text()[:120], f.pattern.label, f.shown, f.kept, f.relabelled, f.removed, f.precision,
             "flagged" if f.flagged(t.rule) else "") for f in t.rows]
    more = (f" The {len(t.rows):,} shown here are the flagged ones, then the most shown of {t.total:,}."
            if t.total > len(t.rows) else "")
    return (table(["pattern", "label", "shown", "kept", "relabelled", "removed", "precision", ""], rows)
            + f'<p class="note">{count(t.total, "pattern")}, {t.flagged:,} flagged ({escape(t.rule.describe())}). '
            "Shown: in a document then accepted; kept: accepted unchanged; relabelled: the same words with "
            f"another label; removed: no span on those words (or its boundaries moved).{escape(more)}</p>")


def render_html(ov: Overview) -> str:
    """The report as one HTML document (charts drawn here, with matplotlib)."""
    from annotator.core.report import charts

    when = datetime.fromtimestamp(ov.generated).strftime("%Y-%m-%d %H:%M")
    nav = " ".join(f'<a href="#{c.key}">{escape(c.title)}</a>' for c in charts.CHARTS) + (
        ' <a href="#patterns">Patterns</a> <a href="#stats">Statistics</a> <a href="#guidelines">Guidelines</a>')
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             f"<title>Annotation report: {escape(Path(ov.project).name)}</title><style>{STYLE}</style></head><body>",
             f"<h1>Annotation report</h1><p class=\"meta\">{escape(ov.project)} · {when} · annotator "
             f"{escape(__version__)}</p><nav>{nav}</nav>"]
    for chart in charts.CHARTS:
        fig = charts.figure(chart, ov, framed=False)
        parts.append(f'<section id="{chart.key}"><h2>{escape(chart.title)}</h2>'
                     f'<p class="caption">{escape(chart.caption)}</p><figure>{charts.to_svg(fig)}</figure>'
                     f"{TABLES[chart.key](ov)}</section>")
    parts.append(f'<section id="patterns"><h2>Patterns</h2>{pattern_tables(ov)}</section>')
    parts.append(f'<section id="stats"><h2>Statistics</h2>{stats_tables(ov.stats)}</section>')
    parts.append(f'<section id="guidelines"><h2>Guidelines</h2>{guidelines_section(ov)}</section></body></html>\n')
    return "".join(parts)


def write_report(ov: Overview, out: str | os.PathLike[str]) -> Path:
    """Write the report atomically (a temporary file renamed over `out`)."""
    out = Path(out)
    html = render_html(ov)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        os.chmod(tmp, 0o644)  # a report is for sharing (mkstemp makes it private)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
