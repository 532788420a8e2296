"""`annotator suggest` (pre-annotate with spaCy) and `annotator evaluate` (score suggestions)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from annotator.cli.common import BY_CLI, db_option, open_store, progress, user_errors
from annotator.core.learning.suggest import default_model_name
from annotator.core.wording import count


def _suggester(store, model: str | None, label_map_items: tuple[str, ...]):
    """A Suggester in the project's labels; a --label-map given here becomes the project's."""
    from annotator.core.learning.suggest import Suggester, load_label_map, parse_label_map, project_model
    from annotator.core.ops.settings import set_label_map

    labels = store.labels.label_names()
    if label_map_items:
        label_map = parse_label_map(label_map_items, labels)
        set_label_map(store, label_map, by=BY_CLI)
    else:
        label_map = load_label_map(store)
    return Suggester(model or project_model(store), label_map=label_map, labels=labels)


@click.command(short_help="Pre-annotate the documents with a spaCy model.")
@db_option
@click.option("--model", "-m", default=None, metavar="NAME|DIR",
              help=f"spaCy pipeline package or folder (default: the project's model, else {default_model_name()}).")
@click.option("--label-map", "label_map", multiple=True, metavar="SRC=DST",
              help="Map a pipeline label onto a project label (repeatable), e.g. LOCATION=LOC; "
                   "SRC= never suggests SRC. Saved in the project, so the window uses it too.")
@click.option("--n-process", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes for the model (2 uses both cores of a dual-core machine).")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=64, show_default=True,
              help="Documents per nlp.pipe batch and per committed cache write.")
@click.option("--annotator", default=None, metavar="NAME",
              help="With -o: also learn from NAME's own accepted documents that nobody has reviewed "
              "(default: the team gold only: reviews, else unanimous accepts).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write every document's current suggestions (model + patterns + learned from gold) "
                   "as JSONL.")
@click.option("--order", type=click.Choice(["imported", "uncertainty", "disputed"]), default="imported",
              show_default=True, help="Document order for -o: as imported, most uncertain first (the "
              "model's entity probabilities; scores are stored for the window) or most disputed first.")
def suggest(db_path: Path | None, model: str | None, label_map: tuple[str, ...], n_process: int,
            batch_size: int, annotator: str | None, output: Path | None, order: str) -> None:
    """Pre-annotate the project's documents with a spaCy pipeline (cached per model)."""
    from annotator.core.learning.learned import GoldMatcher
    from annotator.core.learning.suggestions import export_suggestions
    from annotator.core.learning.suggest import suggest_documents
    from annotator.core.ops.settings import use_model

    with open_store(db_path, must_exist=db_path is not None) as store, user_errors():
        suggester = _suggester(store, model, label_map)
        key = suggester.model_key
        todo = len(set(store.documents.document_ids()) - store.suggestions.suggested_ids(key))
        computed = 0
        if todo:
            suggester.load()
            with progress(todo, f"suggest ({suggester.model_name})") as bar:
                computed = suggest_documents(store, suggester, batch_size=batch_size, n_process=n_process,
                                             on_progress=lambda done, total: bar.update(done - bar.n))
        if model:  # the window then shows these suggestions
            use_model(store, model, by=BY_CLI)
        click.echo(f"{count(computed, 'document')} pre-annotated with {key}; "
                   f"{store.documents.count_documents() - computed:,} already cached")
        if order == "uncertainty":
            from annotator.core.learning.ordering import score_uncertainty, stored_uncertainty

            left = store.documents.count_documents() - len(stored_uncertainty(store, key, suggester.labels,
                                                                    suggester.label_map))
            if left:
                with progress(left, "uncertainty") as bar:
                    score_uncertainty(store, suggester, on_progress=lambda done, total: bar.update(done - bar.n))
        if output is not None:
            from annotator.core.learning.ordering import document_order

            ids = document_order(store, order, model_key=key)
            matcher = GoldMatcher.from_store(store, annotator)
            patterns = None
            if store.patterns.count_patterns():
                from annotator.core.learning.patterns.precision import matcher_for

                patterns = matcher_for(store)
            with progress(store.documents.count_documents(), "write") as bar:
                n = export_suggestions(store, key, matcher, output, patterns=patterns, order=ids,
                                       on_progress=lambda done, _total: bar.update(done - bar.n))
            click.echo(f"{count(n, 'record')} written to {output} ({count(matcher.phrases(), 'phrase')} "
                       f"learned from {count(len(matcher), 'gold document')}"
                       + (f", {count(len(patterns), 'pattern')}" if patterns is not None else "") + ")")


@click.command(short_help="Score the suggestions against the gold.")
@db_option
@click.option("--annotator", default=None, metavar="NAME",
              help="Score against NAME's accepted versions (default: the team gold: the review, "
              "else the version every annotator accepted; disputed documents are left out).")
@click.option("--model", "-m", default=None, metavar="NAME|DIR",
              help=f"spaCy pipeline package or folder (default: the project's model, else {default_model_name()}).")
@click.option("--label-map", "label_map", multiple=True, metavar="SRC=DST",
              help="Map a pipeline label onto a project label (repeatable; SRC= drops SRC); "
                   "saved in the project.")
@click.option("--model-only", is_flag=True, help="Score the model alone, without learning from gold or patterns.")
@click.option("--gold-only", is_flag=True, help="Score what is learned from gold alone (no model, no patterns).")
@click.option("--no-patterns", is_flag=True, help="Leave the project's patterns out.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def evaluate(db_path: Path | None, annotator: str | None, model: str | None, label_map: tuple[str, ...],
             model_only: bool, gold_only: bool, no_patterns: bool, as_json: bool) -> None:
    """Score suggestions against accepted gold: precision, recall, F1 (exact span and label).

    What is learned from gold is scored leave-one-document-out.
    """
    from annotator.core.learning.evaluate import evaluate as run_evaluation

    if model_only and gold_only:
        raise click.UsageError("--model-only and --gold-only exclude each other")
    with open_store(db_path, must_exist=db_path is not None) as store, user_errors():
        suggester = None if gold_only else _suggester(store, model, label_map)
        result = run_evaluation(store, suggester, annotator=annotator, use_gold=not model_only,
                                use_model=not gold_only,
                                use_patterns=not (no_patterns or model_only or gold_only))
    if result["disputed_excluded"]:
        from annotator.core.team.gold import disputed_message

        click.echo(f"warning: {disputed_message(result['disputed_excluded'])}", err=True)
    if as_json:
        click.echo(json.dumps(result, sort_keys=True))
        return
    parts = " + ".join(result["parts"])
    click.echo(f"{count(result['documents'], 'document')} ({result['gold']}), suggestions from {parts}"
               + (f" ({result['model']})" if result["model"] else ""))

    click.echo(f"{'label':<12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
    for label, s in result["per_label"].items():
        click.echo(f"{label:<12}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>10.3f}{s['support']:>9}")
    click.echo(f"{'overall':<12}{result['precision']:>10.3f}{result['recall']:>10.3f}{result['f1']:>10.3f}"
               f"{result['tp'] + result['fn']:>9}")


COMMANDS = [suggest, evaluate]
