"""The overview's charts as people see them (issue 23 §8): an empty chart's message stays
inside its plot and clear of the axis labels, in the window's panel (narrow and wide) and in
the report; every caption, title, axis label and legend fits the figure; the empty learning
curve points to the panel's own button. Each figure is saved as a PNG in the `shots` folder
($ANNOTATOR_SHOTS to keep them) to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from annotator.core.report import charts
from annotator.core.report.overview import compute_overview
from annotator.core.store import Store
from tests.core.overview_data import build

# The panel's widths (its minimum, docked, undocked, full screen) and its chart heights
# (gui/panels/overview_panel.py: narrow panels stack two plots and put a plot's legend under it).
PANEL_SIZES = [("narrow", 380, True), ("docked", 536, True), ("wide", 1000, False), ("full", 1400, False)]


def _height(chart: charts.Chart, narrow: bool) -> int:
    return int(340 * ((1.8 if chart.panels == 2 else 1.3) if narrow else 1))


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> dict[tuple[str, str, str], object]:
    """Every chart, empty and with data, at every panel size: (size, state, key) -> figure."""
    root = tmp_path_factory.mktemp("charts")
    with Store(root / "empty.db") as store:
        empty = compute_overview(store)
    with Store(build(root / "known.db"), readonly=True) as store:
        known = compute_overview(store)
    out = {}
    for size, width, narrow in PANEL_SIZES:
        for state, ov in (("empty", empty), ("data", known)):
            for chart in charts.CHARTS:
                out[size, state, chart.key] = charts.render(chart, ov, width, _height(chart, narrow),
                                                            narrow=narrow).figure
    for chart in charts.CHARTS:  # the report: no frame, the report's size, drawn as SVG
        fig = charts.figure(chart, empty, framed=False)
        FigureCanvasAgg(fig).draw()
        out["report", "empty", chart.key] = fig
    return out


def inside(inner: Bbox, outer: Bbox, slack: float = 1.0) -> bool:
    return (inner.x0 >= outer.x0 - slack and inner.x1 <= outer.x1 + slack
            and inner.y0 >= outer.y0 - slack and inner.y1 <= outer.y1 + slack)


@pytest.mark.slow
def test_empty_messages_stay_inside_their_plots_clear_of_the_axis_labels(drawn, shots: Path):
    for (size, state, key), fig in drawn.items():
        if state != "empty":
            continue
        fig.savefig(shots / f"empty-{key}-{size}.png")
        renderer = fig.canvas.get_renderer()
        messages = [(ax, t) for ax in fig.axes for t in ax.texts if t.get_gid() == charts.EMPTY_GID]
        assert messages, (key, size)
        for ax, text in messages:
            box = text.get_window_extent(renderer)
            assert inside(box, ax.get_window_extent(renderer)), (key, size, text.get_text())
            for label in (ax.xaxis.label, ax.yaxis.label, ax.title):
                if label.get_text():
                    assert not box.overlaps(label.get_window_extent(renderer)), (key, size, label.get_text())


@pytest.mark.slow
def test_no_text_is_cut_off_at_the_figures_edges(drawn, shots: Path):
    """Captions (the Suggestion quality one was clipped), titles, axis labels, legends and
    messages: all inside the figure. Tick labels are matplotlib's to place (those outside the
    plotted range are never drawn)."""
    for (size, state, key), fig in drawn.items():
        if key == "suggestions":
            fig.savefig(shots / f"{key}-{size}-{state}.png")
        renderer = fig.canvas.get_renderer()
        ticks = {id(t) for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels()}
        texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in ticks]
        if size != "report":
            assert fig._supxlabel is not None and fig._supxlabel in texts  # the caption
        cut = [t.get_text() for t in texts if not inside(t.get_window_extent(renderer), fig.bbox, slack=2)]
        assert not cut, (key, size, state, cut)


def test_the_empty_learning_curve_points_to_the_panels_button(drawn):
    for size in ("docked", "report"):
        fig = drawn[size, "empty", "curve"]
        (message,) = [" ".join(t.get_text().split()) for ax in fig.axes for t in ax.texts
                      if t.get_gid() == charts.EMPTY_GID]
        assert "press “Learning curve…” in the Overview panel" in message
        assert "`" not in message and "annotator train-curve" not in message


@pytest.mark.slow
def test_a_theme_colours_the_charts_and_the_report_stays_black_on_white(tmp_path: Path, shots: Path):
    """The window's dark theme (gui/theme.chart_colors) draws the charts on its background,
    with light text and axes; the HTML report and the light theme stay black on white."""
    from matplotlib.colors import to_hex

    with Store(build(tmp_path / "known.db"), readonly=True) as store:
        ov = compute_overview(store)
    dark = charts.ChartColors(background="#1b1d20", ink="#e8eaed", muted="#aab2bd", grid="#3a3f46", edge="#4f555d")
    for chart in charts.CHARTS:
        image = charts.render(chart, ov, 900, 340, theme=dark)
        assert image.rgba[:3] == bytes.fromhex("1b1d20")  # the top-left pixel: the theme's background
        fig = image.figure
        assert to_hex(fig.get_facecolor()) == "#1b1d20"
        texts = [t for t in fig.findobj(Text) if t.get_text() and t.get_gid() != charts.ON_BAR]
        assert texts and all(to_hex(t.get_color()) != "#000000" for t in texts)  # no black text on black
        from matplotlib.backends.backend_agg import FigureCanvasAgg as Canvas

        Canvas(fig).print_png(str(shots / f"chart-dark-{chart.key}.png"))
    light = charts.render(charts.CHARTS[0], ov, 900, 340)
    assert light.rgba[:3] == bytes.fromhex("ffffff") and charts.theme_colors() == charts.LIGHT
