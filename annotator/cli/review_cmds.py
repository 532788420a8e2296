"""`annotator merge`, `annotator agreement` and `annotator review`: bring teammates' work
together, measure how far they agree, and settle the team gold."""

from __future__ import annotations

import json
from pathlib import Path

import click

from annotator.cli.common import db_option, open_store, progress, user_errors
from annotator.core.text.model import ANSWERS


@click.command(short_help="Bring in a teammate's project file.")
@click.argument("other", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def merge(other: Path, db_path: Path | None, as_json: bool) -> None:
    """Bring in another project file's documents, annotations (with their annotators' names),
    reviews and labels. OTHER is only read. Merging twice is the same as merging once; when
    the same annotator has two versions, the newer stays current and the older goes to history."""
    from annotator.core.team.merge import merge_project

    with open_store(db_path) as store, user_errors():
        bar = progress(None, "merging", unit="annotation")

        def on_progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            report = merge_project(store, other, on_progress=on_progress)
        finally:
            bar.close()
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo("\n".join(report.lines()))


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@click.command(short_help="Agreement between annotators, per label.")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--answer", type=click.Choice(ANSWERS), default="accept", show_default=True,
              help="Compare the versions with this answer.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True,
              help="How many of the most disputed documents to list (the JSON lists all).")
def agreement(db_path: Path | None, as_json: bool, answer: str, top: int) -> None:
    """Agreement between annotators: pairwise span F1 (exact and partial overlap), token-level
    Cohen's kappa, per label, and the documents they disagree on most."""
    from annotator.core.team.agreement import compute_agreement

    with open_store(db_path, must_exist=db_path is not None) as store, user_errors():
        report = compute_agreement(store, answer=answer)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    if not report.pairs:
        click.echo(f"No document has two or more annotators' '{answer}' versions yet.")
        return
    click.echo(f"{'A':<12} {'B':<12} {'docs':>5} {'F1':>6} {'partF1':>6} {'kappa':>6} "
               f"{'exact':>6} {'bound':>6} {'label':>6} {'onlyA':>6} {'onlyB':>6}")
    for p in report.pairs:
        c = p.counts
        click.echo(f"{p.a:<12} {p.b:<12} {p.documents:>5} {_fmt(p.f1):>6} {_fmt(p.partial_f1):>6} "
                   f"{_fmt(p.kappa):>6} {c.exact:>6} {c.boundary:>6} {c.label:>6} "
                   f"{c.only_a:>6} {c.only_b:>6}")
    click.echo("(bound = same label, overlapping boundaries; label = same boundaries, other label)")
    for p in report.pairs:
        click.echo(f"\n{p.a} vs {p.b} per label:")
        click.echo(f"  {'label':<10} {'F1':>6} {'partF1':>6} {'A':>5} {'B':>5} {'exact':>6}")
        for lab, c in sorted(p.labels.items()):
            click.echo(f"  {lab:<10} {_fmt(c.f1):>6} {_fmt(c.partial_f1):>6} {c.n_a:>5} {c.n_b:>5} "
                       f"{c.exact:>6}")
    if report.annotators:
        click.echo("\nPer annotator (unchanged = accepted exactly the model's suggestions; "
                   "vs gold = against reviewed documents):")
        width = max(9, *(len(a.name) for a in report.annotators))
        click.echo(f"  {'annotator':<{width}} {'docs':>5} {'unchanged':>9} {'gold P':>7} {'gold R':>7} "
                   f"{'gold F1':>7} {'reviewed':>8}")
        for a in report.annotators:
            g = a.vs_gold or {}
            share = "n/a" if a.unchanged_from_suggestions is None else f"{a.unchanged_from_suggestions:.0%}"
            click.echo(f"  {a.name:<{width}} {a.documents:>5} {share:>9} {_fmt(g.get('precision')):>7} "
                       f"{_fmt(g.get('recall')):>7} {_fmt(g.get('f1')):>7} {g.get('documents', 0):>8}")
    disputed = [d for d in report.documents if d.score > 0 or d.disputed]
    click.echo(f"\nDocuments with disagreement: {len(disputed)} of {len(report.documents)} shared")
    if disputed and top:
        click.echo(f"  {'id':>6} {'score':>6} {'spans':>5}  {'annotators':<24} preview")
        for d in disputed[:top]:
            click.echo(f"  {d.document_id:>6} {d.score:>6.3f} {d.disputed:>5}  "
                       f"{', '.join(d.annotators):<24} {d.preview[:60]}")


@click.command(short_help="The team gold: reviewed, unanimous, disputed.")
@db_option
@click.option("--auto-accept", is_flag=True,
              help="Save a review for every document that two or more annotators accepted with "
              "exactly the same spans, so only the disputes are left to review. Idempotent.")
@click.option("--reviewer", default=None, metavar="NAME",
              help="Whose name the reviews carry (default: your OS user name).")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True,
              help="How many disputed documents to list.")
def review(db_path: Path | None, auto_accept: bool, reviewer: str | None, top: int) -> None:
    """The team gold: how many documents have it (reviewed or unanimous), which are disputed
    (their annotators disagree and nobody has reviewed them), and, with --auto-accept, settle
    the unanimous ones. Disputed documents are reviewed in the window (Ctrl+R)."""
    from annotator.core.team.agreement import preview
    from annotator.core.team.gold import RESOLVE_HINT, auto_accept as run_auto_accept, summarize
    from annotator.core.team.identity import default_annotator
    from annotator.core.wording import count

    with open_store(db_path, must_exist=db_path is not None) as store, user_errors():
        if auto_accept:
            name = (reviewer or default_annotator()).strip()
            saved = run_auto_accept(store, name)
            click.echo(f"Reviewed {count(saved, 'unanimous document')} as {name}.")
        summary = summarize(store)
        disputed = summary.disputed or []
        previews = {d: preview(store.get_document(d).text) for d in disputed[:top]}
    click.echo(f"Gold: {count(summary.gold, 'document')} ({summary.reviewed:,} reviewed, "
               f"{summary.unanimous:,} unanimous); {count(len(disputed), 'disputed document')}.")
    if disputed:
        for doc_id, text in previews.items():
            click.echo(f"  {doc_id:>6}  {text}")
        if len(disputed) > top:
            click.echo(f"  ... and {len(disputed) - top:,} more")
        click.echo(f"To resolve them: {RESOLVE_HINT}.")


COMMANDS = [merge, agreement, review]
