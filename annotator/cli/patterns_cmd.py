"""`annotator patterns add|list|remove|export`: patterns and term lists as suggestions (◆),
with each pattern's precision measured from the decisions made on its suggestions."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from annotator.cli.common import BY_CLI, db_option, open_store, user_errors
from annotator.core.wording import count

MAX_ERRORS_SHOWN = 20


def _annotator_option(f):  # type: ignore[no-untyped-def]
    return click.option("--annotator", default=None, metavar="NAME",
                        help="Who makes the change (default: your user name).")(f)


def _rule_options(f):  # type: ignore[no-untyped-def]
    f = click.option("--after", type=click.IntRange(min=1), default=None, metavar="N",
                     help="Flag only after N showings (default: the project's, else 10).")(f)
    return click.option("--below", type=click.FloatRange(0, 1), default=None, metavar="P",
                        help="Flag a pattern whose precision is below P (default: the project's, else 0.5).")(f)


def _rule(store, below: float | None, after: int | None):  # type: ignore[no-untyped-def]
    from annotator.core.learning.patterns.precision import FlagRule, flag_rule

    saved = flag_rule(store)
    return FlagRule(saved.below if below is None else below, saved.after if after is None else after)


def _store(db_path: Path | None, *, create: bool = False):  # type: ignore[no-untyped-def]
    """`add` makes the project file as `import` does; the others need it to exist."""
    if create or db_path is None:
        return open_store(db_path)
    return open_store(db_path, must_exist=True, seed=False)


def _who(store, annotator: str | None):  # type: ignore[no-untyped-def]
    """Who adds or removes patterns: the project's identity (core/team/identity.py)."""
    from annotator.core.ops.identity import resolve

    return resolve(store, annotator, by=BY_CLI)[0]


@click.group("patterns", short_help="Patterns and term lists: suggestions (◆) with measured precision.")
def patterns_group() -> None:
    """Prodigy match patterns and term lists, matched in every document and suggested (◆)
    after your own and the learned (★) spans, before the model's; each pattern's precision is
    measured from the decisions made on its suggestions."""


@patterns_group.command("add", short_help="Add a pattern file (JSONL) or a term list (--label).")
@db_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--label", default=None, metavar="LABEL",
              help="FILE is a term list (one term per line), every term with this label.")
@click.option("--add-labels", is_flag=True, help="Add the labels the project lacks (else those patterns are left out).")
@click.option("--check-gold", is_flag=True,
              help="Leave out the patterns the project's gold contradicts (more of their matches in the gold "
                   "documents are not that entity than are).")
@_annotator_option
def patterns_add(db_path: Path | None, file: Path, label: str | None, add_labels: bool, check_gold: bool,
                 annotator: str | None) -> None:
    """Add patterns from FILE: Prodigy match-pattern JSONL ({"label": ..., "pattern": "a phrase"}
    or a list of token attributes), or with --label a term list. A bad line is reported as
    FILE:LINE and the rest is added (exit code 1)."""
    from annotator.core.learning.patterns.manage import contradicted_message
    from annotator.core.ops.patterns import import_patterns

    with _store(db_path, create=True) as store, user_errors():
        who = _who(store, annotator)
        report, read, _ = import_patterns(store, file, who.name, by=BY_CLI, label=label, add_labels=add_labels,
                                          check_gold=check_gold)
    if read.contradicted:
        click.echo(contradicted_message(read))
    for error in read.errors[:MAX_ERRORS_SHOWN]:
        click.echo(f"error: {error}", err=True)
    if len(read.errors) > MAX_ERRORS_SHOWN:
        click.echo(f"error: ... and {len(read.errors) - MAX_ERRORS_SHOWN:,} more bad lines", err=True)
    if not add_labels:
        for name in read.unknown:
            click.echo(f"error: {read.unknown_message(name)}", err=True)
    click.echo(f"{report.summary()} {who.signed()}")
    if read.errors or (read.unknown and not add_labels):
        raise SystemExit(1)


@patterns_group.command("list", short_help="Each pattern: label, shown, kept, precision, flagged.")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of patterns with their figures.")
@click.option("--label", default=None, metavar="LABEL", help="Only this label's patterns.")
@click.option("--flagged", is_flag=True, help="Only the flagged patterns.")
@_rule_options
def patterns_list(db_path: Path | None, as_json: bool, label: str | None, flagged: bool, below: float | None,
                  after: int | None) -> None:
    """List the patterns with how often each was shown in a document then accepted, and of those
    how often it was kept, relabelled or removed; precision = kept / shown. Flagged (!): below
    the precision threshold after enough showings."""
    from annotator.core.learning.patterns.precision import pattern_figures

    with _store(db_path) as store, user_errors():
        rule = _rule(store, below, after)
        rows = [f for f in pattern_figures(store)
                if (label is None or f.pattern.label == label) and (not flagged or f.flagged(rule))]
    if as_json:
        click.echo(orjson.dumps([f.to_dict(rule) for f in rows]).decode())
        return
    if not rows:
        click.echo("No patterns." if not flagged else f"No pattern is flagged ({rule.describe()}).")
        return
    width = max(5, *(len(f.pattern.label) for f in rows))
    click.echo(f"{'id':>6}  {'label':<{width}}  {'shown':>6} {'kept':>6} {'relab':>6} {'removed':>7} "
               f"{'prec':>6}    pattern")
    for f in rows:
        p = f.pattern
        precision = "-" if f.precision is None else f"{f.precision:.2f}"
        mark = "!" if f.flagged(rule) else " "
        click.echo(f"{p.id:>6}  {p.label:<{width}}  {f.shown:>6} {f.kept:>6} {f.relabelled:>6} {f.removed:>7} "
                   f"{precision:>6} {mark}  {p.text()}")
    n_flagged = sum(f.flagged(rule) for f in rows)
    click.echo(f"{count(len(rows), 'pattern')}, {n_flagged:,} flagged (!: {rule.describe()})")


@patterns_group.command("remove", short_help="Remove patterns by id, by label, or the flagged ones.")
@db_option
@click.argument("ids", nargs=-1, type=int)
@click.option("--label", default=None, metavar="LABEL", help="Remove every pattern of this label.")
@click.option("--flagged", is_flag=True, help="Remove every flagged pattern.")
@_rule_options
@_annotator_option
def patterns_remove(db_path: Path | None, ids: tuple[int, ...], label: str | None, flagged: bool,
                    below: float | None, after: int | None, annotator: str | None) -> None:
    """Remove patterns: ID..., or --label LABEL, or --flagged (see `patterns list`). A removal
    travels with merges and the team hub like an addition."""
    from annotator.core.learning.patterns.precision import flagged as flagged_rows
    from annotator.core.learning.patterns.precision import pattern_figures
    from annotator.core.ops.patterns import remove_patterns

    if sum(map(bool, (ids, label, flagged))) != 1:
        raise click.UsageError("name pattern ids, or --label LABEL, or --flagged (one of them)")
    with _store(db_path) as store, user_errors():
        if flagged:
            ids = tuple(f.pattern.id for f in flagged_rows(pattern_figures(store), _rule(store, below, after)))
        if ids:
            known = {p.id for p in store.patterns.all()}
            unknown = [i for i in ids if i not in known]
            if unknown:
                raise click.ClickException(f"no pattern with id {', '.join(map(str, unknown))} "
                                           "(see `annotator patterns list`)")
        who = _who(store, annotator)
        removed, _ = remove_patterns(store, ids, label=label, author=who.name, by=BY_CLI)
    click.echo(f"{count(removed, 'pattern')} removed {who.signed()}")


@patterns_group.command("export", short_help="Write the patterns (or the learned phrases) as pattern JSONL.")
@db_option
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The JSONL file to write.")
@click.option("--as-tokens", is_flag=True,
              help="Write phrases as token patterns on LOWER (Prodigy matches a phrase with its case).")
@click.option("--from-gold", is_flag=True,
              help="Write the phrases learned from the gold (the ★ suggestions) instead.")
@click.option("--min-count", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --from-gold: only phrases labelled at least N times.")
@click.option("--annotator", default=None, metavar="NAME",
              help="With --from-gold: also NAME's own accepted work on unreviewed documents.")
def patterns_export(db_path: Path | None, output: Path, as_tokens: bool, from_gold: bool, min_count: int,
                    annotator: str | None) -> None:
    """Write Prodigy match-pattern JSONL: the project's patterns in the shape they came in, or
    with --from-gold the phrases the gold teaches (token patterns on LOWER), for another
    project or for Prodigy."""
    from annotator.core.learning.patterns.manage import export_gold_patterns, export_patterns

    if not from_gold and (annotator or min_count != 1):
        raise click.UsageError("--min-count and --annotator go with --from-gold")
    with _store(db_path) as store, user_errors():
        if from_gold:
            n = export_gold_patterns(store, output, min_count=min_count, annotator=annotator)
        else:
            n = export_patterns(store, output, as_tokens=as_tokens)
    click.echo(f"{count(n, 'pattern')} written to {output}")


COMMANDS = [patterns_group]
