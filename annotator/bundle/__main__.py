"""`python -m annotator.bundle [--dist DIR] [--work DIR] [--clean] [--no-strip]`: build the
one-folder app DIR/annotator/ (default ./dist/annotator/) with PyInstaller."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.bundle.build import BuildError, build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m annotator.bundle",
                                     description="Build the one-folder annotator app with PyInstaller.")
    parser.add_argument("--dist", type=Path, default=Path("dist"),
                        help="where the app folder 'annotator' goes (default: ./dist)")
    parser.add_argument("--work", type=Path, default=Path("build") / "bundle",
                        help="PyInstaller's spec and work files (default: ./build/bundle)")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--no-strip", dest="strip", action="store_false",
                        help="keep the debug symbols some libraries ship (Linux)")
    args = parser.parse_args(argv)
    try:
        build(args.dist, args.work, clean=args.clean, strip=args.strip)
    except BuildError as exc:
        print(f"annotator.bundle: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
