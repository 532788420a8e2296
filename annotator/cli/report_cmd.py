"""`annotator report`: the overview's charts and tables as one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.common import db_option, open_store, user_errors


@click.command("report", short_help="Write the project overview as one HTML file.")
@db_option
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (e.g. REPORT.html).")
def report_cmd(db_path: Path | None, out: Path) -> None:
    """Write the project overview (progress, gold labels, agreement, suggestion quality, learning
    curve, time per document) with the tables behind each chart, as one HTML file that opens
    offline in any browser: no scripts, nothing fetched from the network."""
    from annotator.core.report.overview import compute_overview
    from annotator.core.report.report import write_report

    with open_store(db_path, must_exist=db_path is not None, seed=False) as store, user_errors():
        overview = compute_overview(store)
    with user_errors():
        try:
            write_report(overview, out)
        except OSError as exc:
            raise click.ClickException(f"{out}: cannot write the report ({exc.strerror or exc})") from None
    click.echo(f"Wrote {out}")


COMMANDS = [report_cmd]
