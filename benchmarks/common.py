"""Shared helpers for the benchmark scripts: timing, peak memory, the RESULT line that
run_all.py collects, and cached synthetic projects in benchmarks/_work (git-ignored)."""

from __future__ import annotations

import os
import resource
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"
RESULT_PREFIX = "RESULT "

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass
class Figure:
    """One measured figure. `met` is None when there is no target (context figures)."""

    name: str
    value: float
    unit: str
    target: str = ""
    met: bool | None = None
    ratio: float | None = None
    note: str = ""


@dataclass
class Result:
    """What one benchmark script reports to run_all.py (one JSON line on stdout)."""

    benchmark: str
    command: str
    sizes: dict[str, Any] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # extra lines for RESULTS.md (profiles...)

    def add(self, *args: Any, **kwargs: Any) -> Figure:
        fig = Figure(*args, **kwargs)
        self.figures.append(fig)
        return fig

    def emit(self) -> None:
        """Human lines, then the machine line run_all.py parses."""
        for f in self.figures:
            goal = f"  target {f.target}: {'met' if f.met else 'MISSED'}" if f.met is not None else ""
            ratio = f"  ratio {f.ratio:.3f}" if f.ratio is not None else ""
            print(f"  {f.name}: {f.value:,.3f} {f.unit}{ratio}{goal}")
        print(RESULT_PREFIX + orjson.dumps(asdict(self)).decode(), flush=True)


def command_line() -> str:
    """The command that re-runs this script with its arguments, from the repository root."""
    script = Path(sys.argv[0]).resolve()
    try:
        script_s = str(script.relative_to(ROOT))
    except ValueError:
        script_s = str(script)
    return " ".join(["python", script_s, *sys.argv[1:]])


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident memory of this process (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def workdir(path: str | None = None) -> Path:
    d = Path(path) if path else WORK
    d.mkdir(parents=True, exist_ok=True)
    return d


def plain_project(n: int, where: Path | None = None) -> Path:
    """A project of n generated articles (no annotations), built once and reused by the
    window and durability benchmarks: bench-plain-N.db in benchmarks/_work."""
    from annotator.core.store import Store
    from benchmarks.corpus import articles

    path = (where or workdir()) / f"bench-plain-{n}.db"
    if path.exists():
        with Store(path) as store:
            if store.documents.count_documents() == n:
                return path
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    tmp = path.with_name(path.name + ".part")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    store = Store(tmp)
    texts = articles(n)
    done = 0
    while done < n:
        chunk = [(next(texts), {"id": done + i}) for i in range(min(5000, n - done))]
        store.documents.add_documents(chunk, with_ids=False)
        done += len(chunk)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    os.replace(tmp, path)
    return path


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def time_cli_import(source: Path, db: Path) -> tuple[float, str]:
    """`annotator import SOURCE --db DB` in a fresh interpreter, once: (seconds, its output);
    a failed import ends the benchmark with its exit code."""
    import subprocess
    import sys
    import time

    remove_db(db)
    started = time.perf_counter()
    got = subprocess.run([sys.executable, "-m", "annotator", "import", str(source), "--db", str(db)],
                         capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if got.returncode != 0:
        print(got.stdout, got.stderr, file=sys.stderr)
        raise SystemExit(f"annotator import failed with exit code {got.returncode}")
    print(f"CLI: {got.stdout.strip()}")
    return seconds, got.stdout
