"""The overview's six charts, drawn with matplotlib's object API (no pyplot, no global state,
no Qt): the window embeds these figures in a FigureCanvasQTAgg, the report writes them as
SVG, tests render them with Agg. The numbers come from core/report/overview.py.

Every chart has a title, axes labelled with their units, a one-line caption saying what it
shows, and, where there is nothing to show yet, a message saying what to do. Captions and
those messages are wrapped to the room they have, measured with the font they are drawn in
(an empty plot's message inside its plot, clear of the axis labels), at any panel width.
"""

from __future__ import annotations

import io
import re
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Callable

from annotator.core.report.overview import Overview

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn: the window imports this module at start
    from matplotlib.figure import Figure

# Colour-blind-safe (Okabe-Ito) for annotators; the same person has the same colour everywhere.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MUTED = "#666666"
DONE_COLORS = {"team gold": "#009E73", "disputed": "#D55E00", "rejected or skipped": "#999999",
               "not decided yet": "#DDDDDD"}
SOURCE_STYLE = {"model": ("#0072B2", "model spans"), "learned": ("#E69F00", "★ learned spans"),
                "patterns": ("#009E73", "◆ pattern spans")}


@dataclass(frozen=True)
class ChartColors:
    """The neutral colours of a chart: the window's theme gives its own (gui/theme.py), the
    HTML report keeps these, black on white."""

    background: str = "#ffffff"
    ink: str = "#000000"
    muted: str = MUTED
    grid: str = "#eeeeee"
    edge: str = "#cccccc"


LIGHT = ChartColors()
_COLORS: ContextVar[ChartColors] = ContextVar("chart_colors", default=LIGHT)  # per thread: workers draw
ON_BAR = "on-bar"  # gid of a figure printed on a coloured bar or cell: its colour is the bar's business


def theme_colors() -> ChartColors:
    """The colours the chart being drawn uses (this thread's: see render)."""
    return _COLORS.get()
WIDTH_IN, HEIGHT_IN = 10.0, 3.6
RASTER_POINTS = 2000  # more points than this are an image inside the SVG (a data: URI), not 1 element each


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    caption: str
    draw: Callable[[Figure, Overview, bool], None]
    panels: int = 1  # plots side by side (stacked when narrow)


def annotator_colors(ov: Overview) -> dict[str, str]:
    names = sorted(set(ov.progress.per_annotator) | set(ov.time.median_seconds) | set(ov.agreement.annotators)
                   | {p.annotator for p in ov.suggestions.points})
    palette = [theme_colors().ink if c == "#000000" else c for c in PALETTE]
    return {name: palette[i % len(palette)] for i, name in enumerate(names)}


EMPTY_GID = "empty-message"  # marks an empty chart's message (wrapped by _fit_texts)
CAPTION_POINTS = 9


def _empty(ax: Any, message: str) -> None:
    """An empty state: the message where the plot would be (wrapped to it once laid out)."""
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_color(theme_colors().edge)
    text = ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=10, color=theme_colors().muted,
                   transform=ax.transAxes, gid=EMPTY_GID)
    text.set_in_layout(False)  # the plot's size decides its width, not the other way round


def wrap_to(text: str, width_px: float, points: float, dpi: float) -> str:
    """`text` in lines no wider than `width_px` at `dpi`, measured as Agg draws matplotlib's
    font at `points` (textwrap's count of characters overflows: letters differ in width)."""
    from matplotlib.backends.backend_agg import RendererAgg

    from matplotlib.font_manager import FontProperties

    font = FontProperties(size=points)
    measure = RendererAgg(1, 1, dpi).get_text_width_height_descent

    def width(piece: str) -> float:
        return measure(piece, font, ismath=False)[0]

    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and width(joined) <= width_px:
            lines[-1] = joined
        else:
            lines.append(word)
    return "\n".join(lines)


def _fit_texts(fig: Figure) -> None:
    """Once the layout has sized the plots: wrap each empty plot's message to its plot, a title
    or x-axis label wider than its plot (a narrow panel) to its width, a y-axis label taller
    than its plot to its height."""
    fig.draw_without_rendering()  # the constrained layout sizes the plots
    for ax in fig.axes:
        room = ax.get_window_extent().width
        for text in ax.texts:
            if text.get_gid() == EMPTY_GID:
                text.set_text(wrap_to(" ".join(text.get_text().split()), room * 0.9, text.get_fontsize(), fig.dpi))
        for label in (ax.xaxis.label, ax.title):
            if label.get_text() and label.get_window_extent().width > room:
                label.set_text(wrap_to(label.get_text(), room, label.get_fontsize(), fig.dpi))
        label, tall = ax.yaxis.label, ax.get_window_extent().height  # written upwards
        if label.get_text() and label.get_window_extent().height > tall:
            label.set_text(wrap_to(label.get_text(), tall, label.get_fontsize(), fig.dpi))


def _style(ax: Any) -> None:
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.grid(axis="y", color=theme_colors().grid, linewidth=0.8)
    ax.set_axisbelow(True)


def _name(ax: Any, title: str, xlabel: str, ylabel: str) -> None:
    if title:
        ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def _label_bars(ax: Any, values: dict[str, float], colors: dict[str, str]) -> None:
    """One bar per label, in the label's colour."""
    names = list(values)
    ax.bar(names, [values[n] for n in names], color=[colors.get(n, "#bbbbbb") for n in names],
           edgecolor="#444444", linewidth=0.6)
    ax.tick_params(axis="x", labelrotation=30 if len(names) > 5 else 0, labelsize=8)


def _integers(axis: Any) -> None:
    """Counts: whole-number ticks only."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _two(fig: Figure, narrow: bool, ratios: list[float] | None = None) -> Any:
    """Two plots side by side, or one above the other in a narrow panel."""
    if narrow:
        return fig.subplots(2, 1)
    return fig.subplots(1, 2, gridspec_kw={"width_ratios": ratios} if ratios else None)


LEGEND_AXES = "<legend>"  # the strip under a one-plot chart that holds its legend in a narrow panel


def _one(fig: Figure, strip_below: bool) -> tuple[Any, Any]:
    """A one-plot chart: (plot, None), or with `strip_below` (a narrow panel, a legend to
    show) (plot, the strip under it that holds the legend)."""
    if not strip_below:
        return fig.subplots(), None
    plot, strip = fig.subplots(2, 1, height_ratios=[4, 1])
    strip.set_label(LEGEND_AXES)
    strip.axis("off")
    return plot, strip


def _side_legend(ax: Any, strip: Any) -> None:
    """A one-plot chart's legend: beside the plot, or in the strip under it (beside it, in a
    narrow panel, it would leave the plot a sliver)."""
    if strip is None:
        ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    else:
        columns = 2 if strip.figure.get_figwidth() >= 4.8 else 1  # inches: 480 px at the panel's 100 dpi
        strip.legend(*ax.get_legend_handles_labels(), fontsize=8, frameon=False, loc="center", ncol=columns)


def _short_day(day: str) -> str:
    return date.fromisoformat(day).strftime("%d %b")


# ---- 1. progress ----------------------------------------------------------------------------
def draw_progress(fig: Figure, ov: Overview, narrow: bool = False) -> None:
    p, colors = ov.progress, annotator_colors(ov)
    per_day, done = _two(fig, narrow, [3, 2])
    if not p.days:
        _empty(per_day, "No decisions yet: accept, reject or skip documents to see decisions per day.")
    else:
        x = list(range(len(p.days)))
        bottom = [0] * len(p.days)
        for name, counts in p.per_annotator.items():
            per_day.bar(x, counts, bottom=bottom, color=colors.get(name, MUTED), label=name, width=0.7)
            bottom = [b + c for b, c in zip(bottom, counts)]
        step = max(1, len(p.days) // 10)
        per_day.set_xticks(x[::step], [_short_day(d) for d in p.days[::step]])
        per_day.legend(fontsize=8, frameon=False, title="annotator", title_fontsize=8, loc="upper left",
                       bbox_to_anchor=(1.0, 1.0))
        _integers(per_day.yaxis)
        _style(per_day)
    _name(per_day, "Decisions per annotator per day", "day (local time)", "decisions (documents)")
    if not p.total:
        _empty(done, "No documents yet: import some (File → Import, or `annotator import`).")
    else:
        parts = {"team gold": p.gold, "disputed": p.disputed, "rejected or skipped": p.decided_without_accept,
                 "not decided yet": p.remaining}
        left = 0
        for name, n in parts.items():
            if n:
                done.barh([0], [n], left=[left], color=DONE_COLORS[name], label=f"{name}: {n:,}", height=0.5)
                if n / p.total >= 0.06:
                    done.text(left + n / 2, 0, f"{n:,}", ha="center", va="center", fontsize=9,
                              color="white" if name in ("team gold", "disputed") else "black", gid=ON_BAR)
                left += n
        done.set_yticks([])
        done.set_xlim(0, p.total)
        done.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=2)
        _style(done)
    _name(done, f"Done and remaining, of {p.total:,} documents", "documents", "project")


# ---- 2. gold labels ---------------------------------------------------------------------------
def draw_gold(fig: Figure, ov: Overview, narrow: bool = False) -> None:
    g = ov.gold
    labels, per_doc = _two(fig, narrow)
    if not g.spans_per_document:
        for ax in (labels, per_doc):
            _empty(ax, "No team gold yet: accept a few documents (unanimous accepts or reviews are gold) "
                       "to see the labels.")
    else:
        _label_bars(labels, g.labels, g.label_colors)
        _integers(labels.yaxis)
        _style(labels)
        top = max(g.spans_per_document)
        per_doc.hist(g.spans_per_document, bins=range(0, top + 2), color="#56B4E9", edgecolor=theme_colors().background,
                     align="left")
        _integers(per_doc.xaxis)
        _integers(per_doc.yaxis)
        _style(per_doc)
    _name(labels, "Gold spans per label", "label", "spans in the gold")
    _name(per_doc, "Entity spans per gold document", "spans in a document", "gold documents")


# ---- 3. agreement -----------------------------------------------------------------------------
def draw_agreement(fig: Figure, ov: Overview, narrow: bool = False) -> None:
    a = ov.agreement
    heat, labels = _two(fig, narrow, [1, 1.4])
    if not a.annotators:
        for ax in (heat, labels):
            _empty(ax, "Agreement needs two annotators who accepted the same documents: label some "
                       "documents twice (File → Merge brings in a teammate's work).")
    else:
        n = len(a.annotators)
        grid = [[float("nan") if v is None else v for v in row] for row in a.f1]
        image = heat.imshow(grid, vmin=0, vmax=1, cmap="viridis")
        heat.set_xticks(range(n), a.annotators, rotation=30 if n > 3 else 0, fontsize=8)
        heat.set_yticks(range(n), a.annotators, fontsize=8)
        for i in range(n):
            for j in range(n):
                value = a.f1[i][j]
                text = "—" if i == j else ("n/a" if value is None else f"{value:.2f}\n{a.documents[i][j]} docs")
                heat.text(j, i, text, ha="center", va="center", fontsize=7,
                          color="white" if value is not None and value < 0.6 else "black", gid=ON_BAR)
        fig.colorbar(image, ax=heat, label="F1", shrink=0.8, pad=0.04)
        _label_bars(labels, {name: f1 or 0.0 for name, f1 in a.per_label.items()}, ov.gold.label_colors)
        labels.set_ylim(0, 1)
        _style(labels)
    _name(heat, "Pairwise F1 (annotator × annotator)", "annotator", "annotator")
    _name(labels, "F1 per label, all pairs pooled", "label", "exact-span F1 (0–1)")


# ---- 4. suggestion quality -------------------------------------------------------------------------
def draw_suggestions(fig: Figure, ov: Overview, narrow: bool = False) -> None:
    s = ov.suggestions
    ax, strip = _one(fig, narrow and bool(s.points))  # a legend only with data
    if not s.points:
        _empty(ax, "Accept a few documents in the window to see how good the suggestions were: what was "
                   "suggested at opening is recorded with each decision.")
    else:
        x = list(range(1, len(s.points) + 1))
        ax.scatter(x, [p.f1 for p in s.points], s=12, color="#999999", alpha=0.6, label="F1 of one decision",
                   rasterized=len(x) > RASTER_POINTS)
        ax.plot(x, s.rolling, color=theme_colors().ink, linewidth=2, label="F1, rolling mean of 10")
        if s.split:
            for source, series in s.by_source.items():
                color, name = SOURCE_STYLE[source]
                ax.plot([n for n, _ in series], [v for _, v in series], color=color, linewidth=1.5,
                        linestyle="--", marker="o", markersize=3, label=f"share of {name} kept, rolling mean")
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlim(0.5, len(s.points) + 0.5)
        _integers(ax.xaxis)
        _side_legend(ax, strip)
        _style(ax)
    _name(ax, "", "accepted decision, in the order made (decision number)", "F1 / share kept (0–1)")


# ---- 5. learning curve ----------------------------------------------------------------------------
def draw_curve(fig: Figure, ov: Overview, narrow: bool = False) -> None:
    c = ov.curve
    ax, strip = _one(fig, narrow and c is not None)
    if c is None:
        _empty(ax, "No learning curve yet: press “Learning curve…” in the Overview panel to train on "
                   "25 to 100% of the gold and see the held-out F1 of each.")
    else:
        xs = [100 * f for f, _ in c.trained]
        ax.plot(xs, [v for _, v in c.trained], marker="o", color="#0072B2", linewidth=2, label="trained")
        for x, (_, v) in zip(xs, c.trained):
            ax.annotate(f"{v:.2f}", (x, v), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8)
        if c.base is not None:
            ax.axhline(c.base, color="#D55E00", linestyle="--", linewidth=1.5,
                       label=f"base model ({c.settings.get('base') or 'base'}): {c.base:.2f}")
        ax.set_xlim(0, 105)
        ax.set_ylim(0, 1.05)
        _side_legend(ax, strip)
        _style(ax)
    _name(ax, "", "share of the training gold used (%)", "held-out F1 (0–1)")


# ---- 6. time -------------------------------------------------------------------------------------
def draw_time(fig: Figure, ov: Overview, narrow: bool = False) -> None:
    t, colors = ov.time, annotator_colors(ov)
    medians, scatter = _two(fig, narrow)
    if not t.median_seconds:
        for ax in (medians, scatter):
            _empty(ax, "Decide a few documents in the window to see the time per document (active time "
                       "is recorded with each decision).")
    else:
        names = list(t.median_seconds)
        bars = medians.bar(names, [t.median_seconds[n] for n in names], color=[colors[n] for n in names])
        medians.bar_label(bars, [f"{t.median_seconds[n]:.0f} s\n({t.decisions[n]} docs)" for n in names],
                          fontsize=8)
        medians.margins(y=0.25)
        _style(medians)
        if t.scatter:
            for name in names:
                mine = [(c, s) for who, c, s in t.scatter if who == name]
                if mine:
                    scatter.scatter([c for c, _ in mine], [s for _, s in mine], s=16, alpha=0.7,
                                    color=colors[name], label=name, rasterized=len(t.scatter) > RASTER_POINTS)
            scatter.legend(fontsize=8, frameon=False, title="annotator", title_fontsize=8)
            _integers(scatter.xaxis)
            _style(scatter)
        else:
            _empty(scatter, "Accept documents in the window to compare time with corrections.")
    _name(medians, "Median time per document", "annotator", "median active time (s)")
    _name(scatter, "Time against corrections (accepted documents)", "corrections (spans added, removed or changed)", "active time (s)")


CHARTS: list[Chart] = [
    Chart("progress", "Progress", "Decisions per annotator per day (stacked), and where the project's "
          "documents stand.", draw_progress, 2),
    Chart("gold", "Gold labels", "How often each label occurs in the team gold, and how many entities a "
          "gold document holds.", draw_gold, 2),
    Chart("agreement", "Agreement", "Exact-span F1 between annotators on documents both accepted; low "
          "labels are the confused ones.", draw_agreement, 2),
    Chart("suggestions", "Suggestion quality over time", "F1 of what was suggested when each document "
          "was opened against what was accepted: rising means the suggestions improve.", draw_suggestions),
    Chart("curve", "Learning curve", "Held-out F1 after training on part of the gold (train-curve): "
          "still rising at 100% means more gold helps.", draw_curve),
    Chart("time", "Time per document", "Active time from opening a document to its decision (pauses "
          "over 60 s left out), per annotator and against corrections.", draw_time, 2),
]


def new_figure(width: float = WIDTH_IN, height: float = HEIGHT_IN) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained", facecolor=theme_colors().background)


def draw(fig: Figure, chart: Chart, ov: Overview, *, framed: bool = True, narrow: bool = False) -> Figure:
    """(Re)draw one chart on `fig`. framed: with its title at the top and its caption at the
    bottom (the window); the report sets both in HTML around the figure instead. narrow: a
    chart's two plots one above the other (a narrow panel). Text is wrapped to the figure's
    size and resolution (set them before)."""
    fig.clear()
    if framed:
        fig.suptitle(chart.title, fontsize=12, fontweight="bold", x=0.01, ha="left")
    chart.draw(fig, ov, narrow)
    if framed:  # a figure-level label: the constrained layout keeps room for it under the plots
        room = fig.get_figwidth() * fig.dpi * 0.97  # from x=0.01, with a margin at the right
        fig.supxlabel(wrap_to(chart.caption, room, CAPTION_POINTS, fig.dpi), fontsize=CAPTION_POINTS,
                      color=theme_colors().muted, x=0.01, ha="left", multialignment="left")
    _fit_texts(fig)
    if theme_colors() != LIGHT:
        _recolor(fig, theme_colors())
    return fig


def _recolor(fig: Figure, c: ChartColors) -> None:
    """Axes, ticks and black text in a theme's colours (matplotlib's defaults are black on white)."""
    from matplotlib.colors import to_hex
    from matplotlib.text import Text

    fig.set_facecolor(c.background)
    for ax in fig.axes:
        ax.set_facecolor(c.background)
        for side in ax.spines.values():
            side.set_edgecolor(c.edge)
        ax.tick_params(colors=c.ink, which="both")
    for text in fig.findobj(Text):
        if text.get_gid() != ON_BAR and to_hex(text.get_color()) == "#000000":
            text.set_color(c.ink)


def figure(chart: Chart, ov: Overview, *, framed: bool = True) -> Figure:
    return draw(new_figure(), chart, ov, framed=framed)


@dataclass(frozen=True)
class Image:
    """A chart rendered for the window: RGBA pixels, `scale` pixels per logical pixel."""

    width: int
    height: int
    scale: float
    rgba: bytes
    figure: Figure


def render(chart: Chart, ov: Overview, width: int, height: int, *, scale: float = 1.0,
           narrow: bool = False, theme: ChartColors | None = None) -> Image:
    """Draw and rasterise one chart at `width` x `height` logical pixels with Agg: all of the
    matplotlib work, so a worker thread does it and the window only shows the pixels.
    `theme`: the window's colours (default: black on white)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    token = _COLORS.set(theme or LIGHT)
    try:
        fig = new_figure(width / 100, height / 100)
        fig.set_dpi(100 * scale)
        draw(fig, chart, ov, narrow=narrow)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
    finally:
        _COLORS.reset(token)
    w, h = canvas.get_width_height(physical=True)
    return Image(w, h, scale, bytes(canvas.buffer_rgba()), fig)


def to_svg(fig: Figure) -> str:
    """The figure as an inline <svg> element: text as paths (no fonts needed), no XML
    declaration, doctype or metadata (nothing that points outside the page)."""
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg"):]
    return re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
