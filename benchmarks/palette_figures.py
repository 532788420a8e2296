"""The shipped label palette's figures (issue 28 §3): the smallest pairwise CAM02-UCS distance
between label colours under normal vision and under Machado et al. (2009) deuteranopia,
protanopia and tritanopia at severity 100 (colorspacious), and the WCAG contrast of label text
on every colour. Used by tests/core/test_palette.py (which asserts the targets) and run as a
script for benchmarks/RESULTS.md:

    python benchmarks/palette_figures.py            # a table
    python benchmarks/palette_figures.py --json     # a RESULT line for run_all.py
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.text.palette import contrast_ratio, first_set, palette, second_set, text_color  # noqa: E402

VISIONS = {"normal": None, "deuteranopia": "deuteranomaly", "protanopia": "protanomaly",
           "tritanopia": "tritanomaly"}
TARGETS = {"normal": 10.0, "deuteranopia": 8.0, "protanopia": 8.0, "tritanopia": 5.0}
TEXT_TARGET = 4.5


@dataclass(frozen=True)
class Closest:
    vision: str
    distance: float
    pair: tuple[str, str]


def _rgb(colors: list[str]) -> np.ndarray:
    return np.array([[int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)] for c in colors])


def smallest_distances(colors: list[str], names: list[str] | None = None) -> list[Closest]:
    """Per vision, the smallest CAM02-UCS distance between two of `colors` and which pair."""
    from colorspacious import cspace_convert

    names = names or colors
    out = []
    for vision, cvd in VISIONS.items():
        rgb = _rgb(colors)
        if cvd is not None:
            space = {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}
            rgb = np.clip(cspace_convert(rgb, space, "sRGB1"), 0, 1)
        ucs = cspace_convert(rgb, "sRGB1", "CAM02-UCS")
        best = min((float(np.linalg.norm(ucs[i] - ucs[j])), i, j)
                   for i, j in itertools.combinations(range(len(colors)), 2))
        out.append(Closest(vision, best[0], (names[best[1]], names[best[2]])))
    return out


def text_contrasts(colors: list[str]) -> dict[str, float]:
    """{colour: WCAG contrast of the label text the window puts on it}."""
    return {c: contrast_ratio(c, text_color(c)) for c in colors}


def figures() -> dict[str, object]:
    from annotator.core.store import default_labels

    labels = default_labels()
    shipped = [label.color for label in labels]
    return {
        "default labels": smallest_distances(shipped, [label.name for label in labels]),
        "all 18 colours": smallest_distances(palette()),
        "second set alone": smallest_distances(second_set()),
        "text contrast": text_contrasts(palette()),
        "first set": first_set(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    got = figures()
    if args.json:
        from benchmarks.common import Result, command_line

        result = Result("palette", command_line(), sizes={"colours": len(palette())})
        for group in ("default labels", "all 18 colours"):
            for c in got[group]:  # type: ignore[attr-defined]
                result.add(f"{group}: smallest CAM02-UCS ΔE, {c.vision}", round(c.distance, 1), "ΔE",
                           target=f">= {TARGETS[c.vision]:g}", met=c.distance >= TARGETS[c.vision],
                           note=f"closest pair {c.pair[0]} / {c.pair[1]}")
        lowest = min(got["text contrast"].values())  # type: ignore[attr-defined]
        result.add("label text contrast, lowest of the 18 colours (WCAG)", round(lowest, 2), ": 1",
                   target=f">= {TEXT_TARGET}", met=lowest >= TEXT_TARGET)
        result.emit()
        return
    for group in ("default labels", "all 18 colours", "second set alone"):
        print(f"{group}:")
        for c in got[group]:  # type: ignore[attr-defined]
            print(f"  {c.vision:<13} smallest ΔE {c.distance:5.1f}  ({c.pair[0]} / {c.pair[1]})"
                  f"  target >= {TARGETS[c.vision]:g}")
    print("label text contrast (WCAG):")
    for color, ratio in got["text contrast"].items():  # type: ignore[attr-defined]
        print(f"  {color}  {text_color(color)}  {ratio:4.1f}:1")


if __name__ == "__main__":
    main()
