"""`annotator merge`, `annotator agreement` and `annotator review`: bring teammates' work
together, measure how far they agree, and settle the team gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from annotator.cli.common import BY_CLI, db_option, open_store, progress, user_errors
from annotator.core.text.model import ANSWERS


@click.command(short_help="Bring in a teammate's project file.")
@click.argument("other", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def merge(other: Path, db_path: Path | None, as_json: bool) -> None:
    """Bring in another project file's documents, annotations (with their annotators' names),
    reviews and labels. OTHER is only read. Merging twice is the same as merging once; when
    the same annotator has two versions, the newer stays current and the older goes to history."""
    from annotator.core.ops.team import merge as merge_file

    with open_store(db_path) as store, user_errors():
        bar = progress(None, "merging", unit="annotation")

        def on_progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            report, _ = merge_file(store, other, by=BY_CLI, on_progress=on_progress)
        finally:
            bar.close()
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo("\n".join(report.lines()))


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _alpha(alpha: Any) -> str:
    return "not defined" if alpha.value is None else f"{alpha.value:.3f}"


_HEAD = f"{'exactF1':>7} {'overlF1':>7} {'kappa':>6} {'alpha':>11}"


def _figures(counts: Any, kappa: float | None, alpha: Any) -> str:
    return f"{_fmt(counts.f1):>7} {_fmt(counts.partial_f1):>7} {_fmt(kappa):>6} {_alpha(alpha):>11}"


@click.command(short_help="Agreement between annotators, per pair, per label and overall.")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--answer", type=click.Choice(ANSWERS), default="accept", show_default=True,
              help="Compare the versions with this answer.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True,
              help="How many of the most disputed documents to list (the JSON lists all).")
def agreement(db_path: Path | None, as_json: bool, answer: str, top: int) -> None:
    """Agreement between annotators, per pair, per label and overall: exact-span F1, overlap F1
    (same label, overlapping extents), token-level Cohen's kappa and Krippendorff's alpha (IOB
    tag per token; alpha takes any number of annotators), and the documents they agree on least
    (accepted against rejected first, then 1 - alpha of the document)."""
    from annotator.core.learning.quality import agreement_report

    with open_store(db_path, must_exist=db_path is not None) as store, user_errors():
        report = agreement_report(store, answer=answer)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    if not report.pairs:
        click.echo(f"No document has two or more annotators' '{answer}' versions yet.")
        return
    o = report.overall
    click.echo(f"Overall ({len(o.annotators)} annotators, {o.documents} shared documents): exact F1 {_fmt(o.counts.f1)}, "
               f"overlap F1 {_fmt(o.counts.partial_f1)}, kappa {_fmt(o.kappa)} (mean of pairs), "
               f"alpha {_alpha(o.alpha)}" + (f" ({o.alpha.why})" if o.alpha.value is None else ""))
    click.echo(f"\n{'A':<12} {'B':<12} {'docs':>5} {_HEAD} {'exact':>6} {'bound':>6} {'label':>6} "
               f"{'onlyA':>6} {'onlyB':>6}")
    for p in report.pairs:
        c = p.counts
        click.echo(f"{p.a:<12} {p.b:<12} {p.documents:>5} {_figures(c, p.kappa, p.alpha)} {c.exact:>6} "
                   f"{c.boundary:>6} {c.label:>6} {c.only_a:>6} {c.only_b:>6}")
    click.echo("(bound = same label, overlapping boundaries; label = same boundaries, other label)")
    click.echo("\nPer label, all annotators:")
    click.echo(f"  {'label':<10} {_HEAD}")
    for lab, c in sorted(o.labels.items()):
        click.echo(f"  {lab:<10} {_figures(c, o.label_kappa(lab), o.label_alpha(lab))}")
    for p in report.pairs:
        click.echo(f"\n{p.a} vs {p.b} per label:")
        click.echo(f"  {'label':<10} {_HEAD} {'A':>5} {'B':>5} {'exact':>6}")
        for lab, c in sorted(p.labels.items()):
            click.echo(f"  {lab:<10} {_figures(c, p.label_kappa(lab), p.label_alpha(lab))} {c.n_a:>5} {c.n_b:>5} "
                       f"{c.exact:>6}")
    if report.annotators:
        click.echo("\nPer annotator (unchanged = accepted exactly what the window showed at opening, "
                   "any source; vs gold = against reviewed documents):")
        width = max(9, *(len(a.name) for a in report.annotators))
        click.echo(f"  {'annotator':<{width}} {'docs':>5} {'unchanged':>9} {'gold P':>7} {'gold R':>7} "
                   f"{'gold F1':>7} {'reviewed':>8}")
        for a in report.annotators:
            g = a.vs_gold or {}
            share = "n/a" if a.unchanged_from_suggestions is None else f"{a.unchanged_from_suggestions:.0%}"
            click.echo(f"  {a.name:<{width}} {a.documents:>5} {share:>9} {_fmt(g.get('precision')):>7} "
                       f"{_fmt(g.get('recall')):>7} {_fmt(g.get('f1')):>7} {g.get('documents', 0):>8}")
    disputed = [d for d in report.documents if d.score > 0 or d.disputed]
    click.echo(f"\nDocuments with disagreement: {len(disputed)} of {len(report.documents)} shared "
               "(accepted against rejected first, score 1; else score = 1 - alpha of the document's tokens)")
    if disputed and top:
        click.echo(f"  {'id':>6} {'score':>6} {'spans':>5}  {'annotators':<24} {'reason':<16} preview")
        for d in disputed[:top]:
            click.echo(f"  {d.document_id:>6} {d.score:>6.3f} {d.disputed:>5}  "
                       f"{', '.join(d.annotators):<24} {d.reason:<16} {d.preview[:60]}")


def _min_agreement(value: str | None) -> int | None:
    if value is None or value == "majority":
        return None
    if not value.isdigit() or int(value) < 2:
        raise click.BadParameter(f"{value!r} is not 'majority' or a number of annotators of 2 or more")
    return int(value)


@click.command(short_help="The team gold: reviewed, unanimous, disputed; settle by agreement.")
@db_option
@click.option("--auto-accept", is_flag=True,
              help="Save a review for every document that two or more annotators accepted with "
              "exactly the same spans (and, with --min-agreement, every one whose majority version is "
              "complete), so only the disputes are left to review. Idempotent.")
@click.option("--min-agreement", "min_agreement", default=None, metavar="K",
              help="With --auto-accept: also accept documents of three or more annotators whose spans "
              "at least K of them agree on settle every span ('majority': a strict majority).")
@click.option("--set-min-agreement", "set_k", default=None, metavar="K",
              help="Save K ('majority' or a number) as the project's setting: the review window "
              "offers the spans at least K annotators agree on pre-accepted.")
@click.option("--reviewer", default=None, metavar="NAME",
              help="Whose name the reviews carry, for this run (default: your name in this project, "
              "see `annotator whoami`).")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True,
              help="How many disputed documents to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON (every review with its method).")
def review(db_path: Path | None, auto_accept: bool, min_agreement: str | None, set_k: str | None,
           reviewer: str | None, top: int, as_json: bool) -> None:
    """The team gold: how many documents have it (reviewed by hand, by majority, unanimous),
    which are disputed (their annotators disagree and nobody has reviewed them), and, with
    --auto-accept, settle the unanimous ones (and the majority ones with --min-agreement).
    Disputed documents are reviewed in the window (Ctrl+R)."""
    from annotator.core.team import majority
    from annotator.core.team.agreement import preview
    from annotator.core.ops import identity
    from annotator.core.ops.teamwork import set_min_agreement
    from annotator.core.ops.work import auto_accept as run_auto_accept
    from annotator.core.team.gold import RESOLVE_HINT, dispute_reasons, summarize
    from annotator.core.wording import count

    if min_agreement is not None and not auto_accept:
        raise click.UsageError("--min-agreement goes with --auto-accept (the window's review uses the "
                               "project's setting: --set-min-agreement)")
    k = _min_agreement(min_agreement)
    out: dict[str, Any] = {}
    with open_store(db_path, must_exist=db_path is not None) as store, user_errors():
        if set_k is not None:
            set_min_agreement(store, _min_agreement(set_k), by=BY_CLI)
            if not as_json:
                click.echo(f"Review window: spans {majority.describe_k(majority.min_agreement(store))} of "
                           "the annotators agree on are offered pre-accepted.")
        if auto_accept:
            who, _ = identity.signer(store, reviewer, by=BY_CLI)
            done, _ = run_auto_accept(store, who.name, k, majority=min_agreement is not None, by=BY_CLI)
            out["auto_accept"] = {**done.to_dict(), "reviewer": who.name,
                                  "min_agreement": None if min_agreement is None else (k or "majority")}
            if not as_json:
                how = f", {done.majority:,} by majority ({majority.describe_k(k)} of 3 or more annotators)"
                click.echo(f"Accepted {count(done.accepted, 'document')} as {who.name}: {done.unanimous:,} unanimous"
                           + (how if min_agreement is not None else "") + f"; {count(done.left, 'disputed document')} left.")
                if not who.chosen:
                    click.echo(f"Signed {who.signed('--reviewer NAME')}.")
        summary = summarize(store)
        disputed = summary.disputed or []
        previews = {d: (", ".join(dispute_reasons(store.annotations.annotations_for_document(d), None)),
                        preview(store.documents.get_document(d).text)) for d in disputed[:top]}
        methods = store.reviews.review_methods()
        reviews = [{"id": doc.id, "reviewer": r.reviewer, "method": r.method, "sources": list(r.sources)}
                   for doc, r in store.reviews.iter_reviews()] if as_json else []
    if as_json:
        out.update({"gold": summary.gold, "reviewed": summary.reviewed, "reviewed_by": methods,
                    "unanimous": summary.unanimous, "disputed": disputed, "reviews": reviews})
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    click.echo(f"Gold: {count(summary.gold, 'document')} ({summary.reviewed:,} reviewed: {methods['hand']:,} by hand, "
               f"{methods['majority']:,} by majority, {methods['unanimous']:,} unanimous; {summary.unanimous:,} "
               f"unanimous not reviewed); {count(len(disputed), 'disputed document')}.")
    if disputed:
        for doc_id, (reason, text) in previews.items():
            click.echo(f"  {doc_id:>6}  {reason}: {text}")
        if len(disputed) > top:
            click.echo(f"  ... and {len(disputed) - top:,} more")
        click.echo(f"To resolve them: {RESOLVE_HINT}.")


COMMANDS = [merge, agreement, review]
