"""`annotator export`: write the project's annotations in one of the EXPORTERS formats."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from annotator.cli.common import db_option, open_store, progress, user_errors
from annotator.core.formats.exporters import EXPORTERS
from annotator.core.formats.exporters.options import EXPORT_ANSWERS
from annotator.core.wording import count

MAX_PRINTED_WARNINGS = 50


def _formats_help() -> str:
    """The formats paragraph of the help, from the exporters registry."""
    lines = ["\b", "Formats:"]
    for name, cls in EXPORTERS.items():
        lines += textwrap.wrap(cls.description, 78, initial_indent=f"  {name:<14}", subsequent_indent=" " * 16)
    return "\n".join(lines)


@click.command("export", short_help="Export as JSONL, spaCy, CoNLL, Label Studio or WebAnno.")
@db_option
@click.option("--format", "-f", "fmt", type=click.Choice(list(EXPORTERS)), default="jsonl",
              show_default=True, help="Output format (described above).")
@click.option("--output", "-o", "out", type=click.Path(path_type=Path), required=True,
              help="Output file (for spacy: a .spacy file, or a folder of shards; for webanno: a folder).")
@click.option("--annotator", default=None, help="Only this annotator's (or, with --reviewed, reviewer's) "
              "versions. Default: one record per annotator version.")
@click.option("--answer", type=click.Choice(EXPORT_ANSWERS), default=None,
              help="Only annotations with this answer [default: accept]; 'all' for every decision.")
@click.option("--reviewed", is_flag=True, help="Export the adjudicated (reviewed) versions instead; "
              "the reviewer is the _annotator_id and meta.reviewed_from lists the annotators.")
@click.option("--gold", "gold_flag", is_flag=True,
              help="One record per document: its team gold version (the review, else the version "
              "every annotator accepted); disputed documents are left out. Default for spacy and conll.")
@click.option("--all-versions", is_flag=True,
              help="spacy/conll: every annotator's accepted version instead of the gold.")
@click.option("--split", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=None,
              help="Fraction of documents for a dev set, e.g. 0.2: writes OUT-train/OUT-dev files "
              "(corpus.spacy -> corpus-train.spacy, corpus-dev.spacy; a folder -> OUT/train, OUT/dev).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of --split.")
@click.option("--tokens/--no-tokens", default=True, show_default=True,
              help="jsonl only: include spaCy tokens and span token indices (--no-tokens is ~50x faster; "
              "Prodigy re-tokenizes on load).")
@click.option("--as-predictions", is_flag=True,
              help="label-studio only: write the accepted versions as predictions, to pre-annotate a "
              "Label Studio project (model_version = the annotator).")
def export_cmd(db_path: Path | None, fmt: str, out: Path, annotator: str | None, answer: str | None,
               reviewed: bool, gold_flag: bool, all_versions: bool, split: float | None, seed: int,
               tokens: bool, as_predictions: bool) -> None:
    """Export annotations, streaming: memory stays flat however large the project.

    {formats}

    \b
    What is written:
      spacy, conll  the team gold: one record per document, its review, else the version
                    every annotator accepted; disputed documents are left out (stderr says
                    how many). --all-versions, --annotator, --answer or --reviewed write
                    versions instead.
      the others    every accepted version, one record per annotator (as Prodigy's
                    db-out); --gold writes the team gold instead.

    Spans off token boundaries are widened to whole tokens in spacy and conll output,
    with a warning. Output appears only when complete: a failed export leaves any
    earlier file in place. Nothing to export is an error (exit 1) and writes no file.
    """
    from annotator.core.formats.exporters.options import ExportChoice, ExportChoiceError
    from annotator.core.ops.exporting import export

    choice = ExportChoice(fmt, annotator=annotator, answer=answer, reviewed=reviewed, gold=gold_flag,
                          versions=all_versions, tokens=tokens, as_predictions=as_predictions)
    try:
        arguments = choice.arguments()
    except ExportChoiceError as exc:
        raise click.UsageError(str(exc)) from None
    with open_store(db_path, must_exist=db_path is not None, seed=None if db_path is None else False) as store:
        with user_errors(), progress(None, f"Exporting {fmt}", unit="rec") as bar:
            def on_progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            printed = 0

            def on_warning(message: str) -> None:
                nonlocal printed
                printed += 1
                if printed <= MAX_PRINTED_WARNINGS:
                    bar.clear()
                    click.echo(f"warning: {message}", err=True)

            report = export(store, fmt, out, split=split, seed=seed, on_progress=on_progress,
                            on_warning=on_warning, **arguments)
    if report.warning_count > MAX_PRINTED_WARNINGS:
        click.echo(f"warning: {report.warning_count - MAX_PRINTED_WARNINGS} more warnings not shown", err=True)
    from annotator.core.ops.exporting import selection_words

    what = selection_words(answer=answer or "accept", reviewed=reviewed, gold=report.gold, annotator=annotator)
    if report.disputed_excluded:
        from annotator.core.team.gold import disputed_message

        click.echo(f"warning: {disputed_message(report.disputed_excluded)}", err=True)
    where = ", ".join(str(p) for p in report.files[:3]) + (" ..." if len(report.files) > 3 else "")
    if split:
        click.echo(f"Exported {count(report.records, 'record')} ({what}) as {fmt}: {report.train_records} train, "
                   f"{report.dev_records} dev -> {where}")
    else:
        click.echo(f"Exported {count(report.records, 'record')} ({what}) as {fmt} -> {where}")


# The formats paragraph comes from the registry, so a new exporter is listed without an edit here.
export_cmd.help = (export_cmd.help or "").replace("{formats}", _formats_help().replace("\n", "\n    "))

COMMANDS = [export_cmd]
