"""The one-folder app (python -m annotator.bundle, issue 26): size on disk, `annotator --version`
time, and the window shown, warm, on the default project.

    python benchmarks/bench_bundle.py [--app dist/annotator/annotator] [--runs 5] [--platform offscreen|xcb]

Without --app (or when it does not exist) the app is built first into benchmarks/_work/bundle
(needs the `bundle` extra). Every run is the app as a user starts it: env -i with throwaway
HOME and XDG folders, PATH=/usr/bin:/bin, from a folder outside the source tree.
- size: bytes allocated on disk under the app's folder (du), and the five largest parts;
- --version: wall time from process start to exit, median of --runs after one warm-up run;
- window shown: `annotator gui --smoke` on the default project (the default model loading in the
  background, as a person starts the app), wall time from the process start to the smoke line
  printed after the first paint of the first sample article; the first start (which seeds the
  sample articles) is reported apart, then the median of --runs warm starts. The same runs give
  the time until the model has loaded and the first article's suggestions are shown (context).
"Warm" is the page cache: the app's files were read by the run before; caches are never dropped
(the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Result, command_line, workdir  # noqa: E402

SIZE_MB = 450.0
WINDOW_S = 3.0
VERSION_S = 1.5


def allocated_bytes(folder: Path) -> int:
    """Disk space the folder's files take (what du reports), symbolic links not followed."""
    return sum(p.lstat().st_blocks * 512 for p in folder.rglob("*")) + folder.lstat().st_blocks * 512


def largest_parts(folder: Path, count: int = 5) -> list[tuple[str, int]]:
    internal = folder / "_internal"
    parts = {}
    for child in internal.iterdir():
        parts[child.name] = allocated_bytes(child) if child.is_dir() and not child.is_symlink() else \
            child.lstat().st_blocks * 512
    # Top-level libraries taken together: PyInstaller puts the system libraries there.
    libs = sum(size for name, size in parts.items() if name.startswith("lib") and ".so" in name)
    parts = {name: size for name, size in parts.items() if not (name.startswith("lib") and ".so" in name)}
    parts["(top-level .so libraries)"] = libs
    return sorted(parts.items(), key=lambda item: -item[1])[:count]


class User:
    """A throwaway user: HOME, XDG folders and a working folder outside the source tree."""

    def __init__(self, root: Path, platform: str) -> None:
        self.root = root
        for name in ("home", "data", "config", "cache", "cwd"):
            (root / name).mkdir(parents=True, exist_ok=True)
        self.env = {"HOME": str(root / "home"), "XDG_DATA_HOME": str(root / "data"),
                    "XDG_CONFIG_HOME": str(root / "config"), "XDG_CACHE_HOME": str(root / "cache"),
                    "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "QT_QPA_PLATFORM": platform}
        if platform == "xcb":
            for name in ("DISPLAY", "XAUTHORITY", "LD_LIBRARY_PATH"):
                if os.environ.get(name):
                    self.env[name] = os.environ[name]

    def timed(self, argv: list[str]) -> float:
        t = time.perf_counter()
        subprocess.run(argv, env=self.env, cwd=self.root / "cwd", check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120)
        return time.perf_counter() - t

    def smoke(self, app: Path) -> tuple[float, float, str]:
        """(seconds to the window-shown line, seconds to the model's suggestions, that line)."""
        t = time.perf_counter()
        proc = subprocess.Popen([str(app), "gui", "--smoke"], env=self.env, cwd=self.root / "cwd",
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        shown = loaded = float("nan")
        first = ""
        for line in proc.stdout:
            if line.startswith("smoke: window shown"):
                shown, first = time.perf_counter() - t, line.strip()
            elif line.startswith("smoke: model"):
                loaded = time.perf_counter() - t
        if proc.wait(timeout=300) != 0 or shown != shown:
            raise SystemExit(f"gui --smoke failed (exit code {proc.returncode})")
        return shown, loaded, first


def build(where: Path) -> Path:
    subprocess.run([sys.executable, "-m", "annotator.bundle", "--dist", str(where / "dist"),
                    "--work", str(where / "build")], check=True)
    return where / "dist" / "annotator" / "annotator"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", type=Path, default=None, help="the app's program (default: build one)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--platform", choices=("offscreen", "xcb"), default="offscreen",
                        help="xcb: the window on $DISPLAY (e.g. Xvfb), not offscreen")
    args = parser.parse_args()
    app = args.app if args.app and args.app.is_file() else build(workdir() / "bundle")
    app = app.resolve()
    folder = app.parent
    result = Result("bundle", command_line(), sizes={"runs": args.runs, "platform": args.platform})

    size = allocated_bytes(folder) / 1e6
    parts = ", ".join(f"{name} {n / 1e6:.0f} MB" for name, n in largest_parts(folder))
    result.add("size on disk", size, "MB", target=f"< {SIZE_MB:.0f} MB", met=size < SIZE_MB,
               ratio=size / SIZE_MB, note=f"largest: {parts}")

    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        user = User(Path(tmp), args.platform)
        user.timed([str(app), "--version"])  # warm-up: the page cache now holds the program
        times = [user.timed([str(app), "--version"]) for _ in range(args.runs)]
        version = statistics.median(times)
        result.add("annotator --version, warm", version, "s", target=f"< {VERSION_S} s", met=version < VERSION_S,
                   ratio=version / VERSION_S, note=f"median of {args.runs}, worst {max(times):.2f} s")

        first_shown, first_loaded, _ = user.smoke(app)
        runs = [user.smoke(app) for _ in range(args.runs)]
        shown = statistics.median(r[0] for r in runs)
        loaded = statistics.median(r[1] for r in runs)
        result.add("window shown (first sample painted), warm", shown, "s", target=f"< {WINDOW_S} s",
                   met=shown < WINDOW_S, ratio=shown / WINDOW_S,
                   note=f"median of {args.runs}, worst {max(r[0] for r in runs):.2f} s; the model loads meanwhile")
        result.add("first start: samples seeded, window shown", first_shown, "s",
                   note="once per user: creates the default project and imports the 8 sample articles")
        result.add("model loaded, first article's suggestions shown, warm", loaded, "s",
                   note=f"median of {args.runs}; first start {first_loaded:.1f} s")
        result.notes.append(f"Smoke line of the last run: `{runs[-1][2]}`")
    if args.app is None:
        shutil.rmtree(workdir() / "bundle" / "build", ignore_errors=True)
    result.emit()


if __name__ == "__main__":
    main()
