"""The numbers behind every overview chart on a project with known decisions
(tests/core/overview_data.py), the clock rule, and each chart drawn headless (Agg)."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from annotator.core.report import charts
from annotator.core.report.activity import rolling_mean
from annotator.core.text.model import Span
from annotator.core.report.overview import compute_overview
from annotator.core.store import Store
from annotator.core.report.timing import MAX_SECONDS, ActivityClock, check_seconds
from tests.core.overview_data import DAY1, DAY2, EXPECTED, build


@pytest.fixture(scope="module")
def known(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("overview") / "known.db")


@pytest.fixture(scope="module")
def overview(known: Path):
    with Store(known, readonly=True) as store:
        return compute_overview(store)


def test_progress_per_day_and_done(overview):
    p = overview.progress
    assert p.days == EXPECTED["days"] == [DAY1, DAY2]
    assert p.per_annotator == EXPECTED["per_day"]
    e = EXPECTED["progress"]
    assert (p.total, p.gold, p.disputed, p.decided_without_accept, p.remaining) == (
        e["total"], e["gold"], e["disputed"], e["decided_without_accept"], e["remaining"])


def test_gold_labels_and_spans_per_document(overview):
    g = overview.gold
    assert {k: v for k, v in g.labels.items() if v} == EXPECTED["gold_labels"]
    assert list(g.labels)[:3] == ["PERSON", "ORG", "GPE"]  # the project's label order, unused ones 0
    assert g.spans_per_document == EXPECTED["spans_per_document"]
    assert g.label_colors["PERSON"].startswith("#")


def test_agreement_matrix_and_per_label(overview):
    a = overview.agreement
    assert a.annotators == ["alice", "bob"]
    assert a.f1[0][0] is None and a.f1[0][1] == a.f1[1][0] == pytest.approx(EXPECTED["pair_f1"])
    assert a.documents[0][1] == EXPECTED["pair_documents"]
    assert a.per_label == pytest.approx(EXPECTED["label_f1"])


def test_suggestion_quality_in_the_order_decided(overview):
    s = overview.suggestions
    assert [(p.annotator, p.document) for p in s.points] == [(a, d) for a, d, _ in EXPECTED["points"]]
    assert [p.f1 for p in s.points] == pytest.approx([f for _, _, f in EXPECTED["points"]])
    f1s = [f for _, _, f in EXPECTED["points"]]
    assert s.rolling == pytest.approx([sum(f1s[:i + 1]) / (i + 1) for i in range(len(f1s))])
    assert [p.corrections for p in s.points] == EXPECTED["corrections"]
    assert [p.share_kept("model") for p in s.points] == pytest.approx(EXPECTED["model_kept"])
    assert s.split  # both the model and ★ learned spans were suggested
    assert s.by_source["learned"] == [(5, 1.0)]
    model = [v for v in EXPECTED["model_kept"] if v is not None]
    assert [n for n, _ in s.by_source["model"]] == [1, 2, 4, 5, 6, 7]
    assert [v for _, v in s.by_source["model"]] == pytest.approx(rolling_mean(model))


def test_learning_curve_and_time(overview):
    c = overview.curve
    assert c.trained == EXPECTED["curve"]["trained"] and c.base == EXPECTED["curve"]["base"]
    assert c.dev_docs == 2 and c.settings["base"] == "en_core_web_sm"
    t = overview.time
    assert t.median_seconds == EXPECTED["median_seconds"] and t.decisions == EXPECTED["timed"]
    assert [(c, s) for _, c, s in t.scatter] == list(zip(EXPECTED["corrections"], EXPECTED["seconds"]))


def test_rolling_mean_window():
    values = [float(i) for i in range(15)]
    smooth = rolling_mean(values, window=10)
    assert smooth[0] == 0 and smooth[9] == pytest.approx(4.5) and smooth[14] == pytest.approx(9.5)


def test_stats_json_data(overview):
    per = overview.stats["per_annotator"]
    assert per["alice"]["decisions_per_day"] == {DAY1: 3, DAY2: 2}
    assert per["bob"]["decisions_per_day"] == {DAY1: 1, DAY2: 4}
    assert per["alice"]["median_seconds_per_document"] == 30.0 and per["bob"]["median_seconds_per_document"] == 35.0
    quality = overview.stats["suggestion_quality"]
    assert [(q["annotator"], q["document"]) for q in quality] == [(a, d) for a, d, _ in EXPECTED["points"]]
    assert [q["f1"] for q in quality] == pytest.approx([round(f, 4) for _, _, f in EXPECTED["points"]])
    assert quality[0]["decided_at"].startswith(f"{DAY1}T10:00:00")


# ---- what is recorded ----------------------------------------------------------------------
def test_no_suggestion_row_when_nothing_was_suggested_and_redecisions_add_rows(tmp_path):
    with Store(tmp_path / "p.db") as store:
        (doc,), _ = store.documents.add_documents([("Paris is big.", {})])
        store.activity.save_timed_decision(doc, "ann", "accept", [], seconds=3, suggested=[], timestamp=100.0)
        store.activity.save_timed_decision(doc, "ann", "accept", [Span(0, 5, "GPE")], seconds=4,
                                  suggested=[Span(0, 5, "GPE", "model"), Span(2, 4, "ORG", "model")],
                                  timestamp=200.0)
        rows = store.activity.timed_decisions()
        assert [(r.decided, r.seconds) for r in rows] == [(100.0, 3.0), (200.0, 4.0)]
        assert rows[0].suggested == () and rows[0].decided_spans == ()
        # an overlapping suggestion is dropped from the record, never the decision itself
        assert rows[1].suggested == (Span(0, 5, "GPE"),) and rows[1].suggested[0].source == "model"
        assert rows[1].decided_spans == (Span(0, 5, "GPE"),)
        assert store.conn.execute("SELECT count(*) FROM decision_suggestions").fetchone()[0] == 1
        # a label renamed later: the record keeps the version as it was decided
        store.rename_label("GPE", "PLACE")
        assert store.activity.timed_decisions()[1].decided_spans == (Span(0, 5, "GPE"),)
        with pytest.raises(ValueError):
            store.activity.save_timed_decision(doc, "ann", "accept", [], seconds=-1)
        with pytest.raises(ValueError):
            store.activity.save_timed_decision(doc, "ann", "draft", [], seconds=1)


def test_activity_clock_leaves_out_pauses_over_a_minute():
    now = [0.0]
    clock = ActivityClock(lambda: now[0])
    for t in (10, 40, 150, 160):  # gaps 10, 30, 110 (away: not counted), 10
        now[0] = t
        clock.touch()
    now[0] = 165.0
    assert clock.seconds() == 55.0
    now[0] = 165.0 + 61  # the decision after a long pause: that pause is not counted either
    assert clock.seconds() == 55.0
    assert check_seconds(MAX_SECONDS) == MAX_SECONDS
    for bad in (-1, float("nan"), MAX_SECONDS + 1, True):
        with pytest.raises(ValueError):
            check_seconds(bad)


# ---- drawing ------------------------------------------------------------------------------
def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


@pytest.mark.slow
@pytest.mark.parametrize("chart", charts.CHARTS, ids=lambda c: c.key)
def test_each_chart_renders_headless_with_title_axes_and_caption(overview, chart):
    fig = charts.figure(chart, overview)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    width, height = canvas.get_width_height()
    pixels = bytes(canvas.buffer_rgba())
    assert width > 500 and height > 200 and len(set(pixels[::97])) > 10  # drawn, not blank
    assert fig.get_suptitle() == chart.title and " ".join(chart.caption.split()) in " ".join(_texts(fig).split())
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        assert ax.get_xlabel() and ax.get_ylabel(), ax.get_title()
    assert "<svg" in charts.to_svg(fig)[:200]


@pytest.mark.slow
def test_a_narrow_panel_stacks_a_charts_two_plots(overview):
    for chart in charts.CHARTS:
        fig = charts.draw(charts.new_figure(4.5, 6), chart, overview, narrow=True)
        FigureCanvasAgg(fig).draw()
        plots = [ax for ax in fig.axes if ax.get_label() not in ("<colorbar>", charts.LEGEND_AXES)]
        assert len(plots) == chart.panels
        if chart.panels == 2:
            top, bottom = (ax.get_position() for ax in plots)
            assert bottom.y1 < top.y0  # one above the other


@pytest.mark.parametrize("chart", charts.CHARTS, ids=lambda c: c.key)
def test_each_chart_says_what_to_do_when_empty(tmp_path, chart):
    with Store(tmp_path / "empty.db") as store:
        ov = compute_overview(store)
    fig = charts.figure(chart, ov)
    FigureCanvasAgg(fig).draw()
    text = _texts(fig)
    assert any(word in text for word in ("import", "accept", "Accept", "Decide", "press “Learning curve…”",
                                         "label some documents twice"))
