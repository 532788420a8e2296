"""The shipped label palette (issue 28 §3): colours colour-blind people tell apart, label text
readable on each, figures computed from the files the app ships (resources/labels.json) and
printed (`pytest -s` shows them; benchmarks/RESULTS.md has them too)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from annotator.core.store import Store, default_labels
from annotator.core.text.model import Label
from annotator.core.text.palette import (
    DARK_TEXT, LIGHT_TEXT, accessible_colors, contrast_ratio, first_set, palette, palette_color, second_set,
    text_color,
)

pytest.importorskip("colorspacious")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.palette_figures import TARGETS, TEXT_TARGET, smallest_distances, text_contrasts  # noqa: E402


def _show(title: str, closest) -> None:
    print(f"\n{title}")
    for c in closest:
        print(f"  {c.vision:<13} smallest CAM02-UCS ΔE {c.distance:5.2f} ({c.pair[0]} / {c.pair[1]}), "
              f"target >= {TARGETS[c.vision]:g}")


def test_the_default_labels_keep_every_distance_for_every_vision():
    labels = default_labels()
    closest = smallest_distances([label.color for label in labels], [label.name for label in labels])
    _show("default labels (new projects)", closest)
    for c in closest:
        assert c.distance >= TARGETS[c.vision], (c.vision, c.pair, c.distance)
    assert [label.color for label in labels] == first_set()  # Paul Tol's "light", in the labels' order
    assert first_set() == ["#ee8866", "#77aadd", "#44bb99", "#bbcc33", "#ffaabb", "#eedd88", "#99ddff",
                           "#dddddd", "#aaaa00"]


def test_the_second_set_goes_on_with_all_eighteen_apart():
    closest = smallest_distances(palette())
    _show("all 18 palette colours (labels 1-18)", closest)
    for c in closest:
        assert c.distance >= TARGETS[c.vision], (c.vision, c.pair, c.distance)
    assert len(second_set()) == 9 and not set(second_set()) & set(first_set())


def test_label_text_reads_on_every_colour():
    ratios = text_contrasts(palette())
    print("\nlabel text contrast (WCAG): " + ", ".join(f"{c} {r:.2f}:1" for c, r in ratios.items()))
    assert min(ratios.values()) >= TEXT_TARGET
    assert all(text_color(c) == DARK_TEXT for c in palette())


def test_contrast_and_text_colour_follow_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    assert text_color("#123456") == LIGHT_TEXT  # a dark colour someone chose gets white text
    assert text_color("#f4a6a6") == DARK_TEXT
    assert text_color("not a colour") == DARK_TEXT


def test_the_old_default_colours_fail_as_the_issue_measured():
    """The measure itself: the colours shipped before issue 28 give the issue's figures."""
    old = ["#f4a6a6", "#9fc5f8", "#b6e3a8", "#fde29a", "#d5b8f0", "#f9c99b", "#a8e6e1", "#e6d3b3", "#c9e89a"]
    got = {c.vision: round(c.distance, 1) for c in smallest_distances(old)}
    assert got == {"normal": 5.6, "deuteranopia": 1.8, "protanopia": 0.4, "tritanopia": 4.0}


def test_new_labels_take_the_next_palette_colour_and_old_projects_keep_theirs(tmp_path: Path):
    with Store(tmp_path / "p.db") as store:
        added = store.labels.add_label("PRODUCT")
        assert added.color == palette_color(9) == second_set()[0]
        store.labels.set_label_color("PERSON", "#123456")  # a colour the person chose
        assert store.labels.all()[0].color == "#123456"  # kept: nothing recolours by itself
        colors = store.labels.use_accessible_palette()
        assert colors["PERSON"] == first_set()[0] and colors["PRODUCT"] == second_set()[0]
        assert {label.name: label.color for label in store.labels.all()} == colors


def test_accessible_colours_go_by_position_and_repeat_after_eighteen():
    labels = [Label(f"L{i}", "#000000", None, 20 - i) for i in range(20)]  # positions reversed
    colors = accessible_colors(labels)
    assert colors["L19"] == palette()[0] and colors["L0"] == palette()[19 % 18]
