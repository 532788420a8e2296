"""Run every benchmark (each in its own subprocess) and write benchmarks/RESULTS.md.

    python benchmarks/run_all.py            # full sizes (100,000 documents; takes a long while)
    python benchmarks/run_all.py --quick    # 10x smaller smoke run, written to _work/RESULTS-quick.md
    python benchmarks/run_all.py --only import,window --docs 50000

Scripts that print a `RESULT {json}` line (bench_import, bench_export_scale, bench_window) are
collected as they are; bench_suggest.py and bench_editor.py print tables, parsed
here. Every script's full output goes to benchmarks/_work/logs/NAME.log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from benchmarks.common import RESULT_PREFIX, WORK  # noqa: E402


def plan(docs: int, quick: bool) -> list[tuple[str, str, list[str]]]:
    """(name, title, script + arguments) for each benchmark."""
    small = max(1, docs // 10)
    if quick:
        return [
            ("import", "1. Import", ["bench_import.py", "--docs", str(docs), "--repeat", "3",
                                      "--profile-docs", str(small)]),
            ("suggest", "2. Pre-annotation (bench_suggest.py)",
             ["bench_suggest.py", "--docs", "6", "--repeat", "1", "--no-multiprocess"]),
            # Exports tokenise every text (~200 docs/s here): 1/10 of the quick size fits.
            ("export", "3. Export", ["bench_export_scale.py", "--docs", str(max(2, docs // 10)),
                                     "--repeat", "1"]),
            ("window", "4. The window (and 5. durable edits)",
             ["bench_window.py", "--docs", str(docs), "--launches", "1", "--next", "20", "--saves", "10",
              "--stall-docs", "16", "--stall-limit", "60"]),
            ("editor", "4b. The 100,000-word article with 10,000 spans (bench_editor.py)",
             ["bench_editor.py"]),
            ("hub_sync", HUB_SYNC, ["bench_hub_sync.py", "--annotators", "4", "--decisions", "100"]),
            ("hub_queue", HUB_QUEUE, ["bench_hub_queue.py", "--sizes", "10000,100000", "--repeat", "3"]),
            ("hub_guard", HUB_GUARD, ["bench_hub_guard.py", "--rows", "1000", "--labels", "10000",
                                      "--views", "30000"]),
            ("bigdocs", "10. Big inputs in the window (issue 14)",
             ["bench_bigdocs.py", "--mb", "1", "--edits", "40", "--docs", str(docs), "--runs", "1"]),
            ("guards", "3b. Export guards: the token formats against their plainest pass",
             ["bench_export_guards.py", "--docs", "300", "--conll-mb", "2", "--rounds", "1"]),
            ("inside", INSIDE, ["bench_inside.py", "--mb", "1", "--runs", "1"]),
            ("articles", ARTICLES, ["bench_articles.py", "--files", "100", "--repeat", "1"]),
            ("patterns", PATTERNS, ["bench_patterns.py", "--terms", "20000", "--repeat", "50", "--decisions", "100"]),
            ("keyboard", KEYBOARD, ["bench_keyboard.py"]),
            ("palette", PALETTE, ["palette_figures.py", "--json"]),
            ("changes", CHANGES, ["bench_changes.py", "--docs", str(docs), "--ticks", "1000"]),
        ]
    return [
        ("import", "1. Import", ["bench_import.py", "--docs", str(docs), "--repeat", "3",
                                  "--profile-docs", str(small)]),
        ("suggest", "2. Pre-annotation (bench_suggest.py)",
         ["bench_suggest.py", "--docs", "60", "--repeat", "2"]),
        ("export", "3. Export", ["bench_export_scale.py", "--docs", str(docs), "--repeat", "3"]),
        ("window", "4. The window (and 5. durable edits)",
         ["bench_window.py", "--docs", str(docs), "--launches", "3", "--next", "200", "--saves", "50",
          "--stall-docs", "500", "--stall-limit", "420"]),
        ("editor", "4b. The 100,000-word article with 10,000 spans (bench_editor.py)",
         ["bench_editor.py"]),
        ("train", "6. The trained model on the users' text (WikiGold, lowercased, no punctuation)",
         ["bench_train.py", "--old"]),
        ("order", "7. Which document next: uncertainty order vs random order (simulation)",
         ["bench_order.py"]),
        ("hub_sync", HUB_SYNC, ["bench_hub_sync.py", "--annotators", "20", "--decisions", "500",
                                "--every", "25"]),
        ("hub_queue", HUB_QUEUE, ["bench_hub_queue.py", "--sizes", "10000,1000000", "--repeat", "5"]),
        ("hub_guard", HUB_GUARD, ["bench_hub_guard.py", "--rows", "10000", "--labels", "10000",
                                  "--views", "250000"]),
        ("bigdocs", "10. Big inputs in the window (issue 14)",
         ["bench_bigdocs.py", "--mb", "5", "--edits", "260", "--docs", str(docs), "--runs", "3"]),
        ("guards", "3b. Export guards: the token formats against their plainest pass",
         ["bench_export_guards.py", "--docs", "2000", "--conll-mb", "10", "--rounds", "5"]),
        ("inside", INSIDE, ["bench_inside.py", "--mb", "5", "--runs", "3"]),
        ("articles", ARTICLES, ["bench_articles.py", "--files", "1000", "--repeat", "3"]),
        ("bundle", BUNDLE, ["bench_bundle.py", "--runs", "7"]),
        ("patterns", PATTERNS, ["bench_patterns.py"]),
        ("patterns_train", PATTERNS_TRAIN, ["bench_patterns_train.py"]),
        ("keyboard", KEYBOARD, ["bench_keyboard.py"]),
        ("palette", PALETTE, ["palette_figures.py", "--json"]),
        ("changes", CHANGES, ["bench_changes.py", "--docs", str(docs)]),
        ("vectors", VECTORS, ["bench_vectors.py"]),
    ]


HUB_SYNC = "8. Team hub: 20 annotators syncing at once"
HUB_QUEUE = "9. Team hub: assignments from a hub of 1,000,000 documents"
INSIDE = "11. Inside a 5 MB document: propagation and label all occurrences (issue 16)"
ARTICLES = "12. Articles: 1,000 Word, OpenDocument, web-page and PDF files (issue 23)"
BUNDLE = "13. The one-folder app: size and start-up (issue 26)"
PATTERNS = "14. Patterns: a 100,000-term list (issue 25)"
PATTERNS_TRAIN = "14b. Lists with the trained model on the users' text (issue 25)"
KEYBOARD = "15. Labelling by keyboard only: keys per entity (issue 28)"
PALETTE = "16. The label palette: colours everyone can tell apart (issue 28)"
CHANGES = "17. One change, one update: a teammate's sync and the command line with the window open (issue 27)"
HUB_GUARD = "18. Team hub: one teammate's bad row never stops the team (issue 29)"
VECTORS = "19. The project's own text as vectors (issue 25 §5)"

# What the reader of RESULTS.md needs to know about the sizes chosen (full runs).
NOTES = {
    "train": "WikiGold rewritten in the users' style (benchmarks/wikigold_users.py: lowercased, punctuation "
             "tokens dropped, PER/ORG/LOC -> PERSON/ORG/GPE, MISC dropped); 116 articles are the project's "
             "gold, 29 unseen articles (never in the project, never used for early stopping) are scored.",
    "order": "The gold plays the annotator; every 20 documents the model is retrained from the base model "
             "(default recipe, at most 150 updates, patience 75: capped in updates so machine load does not "
             "change the result) and scored on the 29 unseen articles.",
    "import": "The import does more CPU work than the bare insert (JSON parsing and a SHA-256 of every "
              "text: see the CPU-time row); it reads and hashes on a second thread, so its wall-clock ratio "
              "depends on that thread getting the second core, and rises on a busier machine.",
    "suggest": "60 articles (~37,000 words), not 10,000: on this shared machine the full spaCy pipeline "
               "runs at a few thousand words/s of wall time, so 10,000 articles (~6.5 million words) would "
               "take over an hour per method. The ratios are what the targets are about.",
    "export": "The default JSONL export and the .spacy export tokenise every text with spaCy (hundreds of "
              "documents/s, not thousands), so each runs once per size (its peak RSS is the memory figure); "
              "the like-for-like speed ratio against the bare loop (which writes no tokens) uses medians of "
              "the repeated --no-tokens runs.",
    "hub_sync": "A throwaway PostgreSQL 15 server (fsync on) on this 2-core machine, shared with the 20 "
                "annotator processes: each syncs, decides the 25 documents routed to it, syncs again (pushing "
                "them and taking 25 more), 20 times. Exactly once: the hub holds one decision per document and "
                "annotator, no history rows, and every process holds its 500.",
    "hub_queue": "Each sync is a new annotator with an empty project: it claims 50 documents (the queue's "
                 "partial index, walked in id order), pulls their texts, and writes them with the assignments "
                 "into the project. The hub is filled in SQL through the same triggers a push runs.",
    "hub_guard": "A throwaway PostgreSQL 15 server (fsync on). The bad row is written as it could be before the "
                 "hub checked values (the admin drops that rule; every new row is refused by the server since "
                 "issue 29). The lock is a teammate's uncommitted INSERT of a label the syncing project also "
                 "has; the sync is the real `annotator sync` process with its default lock_timeout of 10 s. "
                 "The views are written straight into the file's schema table.",
    "bigdocs": "The real window, offscreen, each part in its own process, on this shared 2-core machine: "
               "stalls are the longest gap of a 5 ms timer, medians of runs (the worst in the notes); the "
               "machine's load changes them more than anything here does.",
    "inside": "The real window, offscreen, in its own process (3 runs): a span on one 'Babbage' of a 5 MB "
              "text where it occurs ~42,000 times; its other occurrences become ★ (at most 2,000) in a worker; "
              "Shift+label then labels all of them in one undo step; the undo; a label edit in a draft of "
              "53,000 spans. Stalls are the longest gap of a 5 ms timer, medians of the runs.",
    "articles": "1,000 small articles (150-400 words) per kind, the same texts in each folder, each folder "
                "imported into a fresh project (one transaction per file, as every folder import). Word and "
                "OpenDocument files are read with zipfile + ElementTree, web pages with trafilatura (its "
                "extensive date search off), PDFs with pypdf.",
    "guards": "CPU time of this process, medians of alternated rounds, each contestant starting from a cold "
              "blank pipeline. The references are deliberately plain: the JSONL one is the obvious loop over "
              "nlp.tokenizer.pipe's Docs, the CoNLL one the core tokenizer every token format is defined by.",
    "bundle": "The app is built first (python -m annotator.bundle, the `bundle` extra) into _work/bundle, then "
              "started as a user starts it: env -i, throwaway HOME and XDG folders, PATH=/usr/bin:/bin, offscreen. "
              "Warm means the page cache holds the app's files (caches are never dropped on this shared machine).",
    "keyboard": "The real window (offscreen, 1200x800, default text size) on the AP sample article (64 "
                "hand-labelled entities); a simulated annotator reaches the gold by key presses only, planning "
                "cursor moves by breadth-first search over the cursor's keys, and the saved annotation is "
                "checked against the gold. By hand: no model, but ★ occurrences of what was labelled appear "
                "as in the window.",
    "palette": "Computed from resources/labels.json with colorspacious: Machado et al. (2009) simulation at "
               "severity 100, distances in CAM02-UCS.",
    "changes": "The real window, offscreen, in its own process, on a project of N documents each accepted by "
               "two teammates (1% disputed), synced with a throwaway PostgreSQL hub (fsync off: it only speeds "
               "the set-up). Stalls are the longest gap of a 2 ms timer; the commands run in processes of "
               "their own, started by the window's process (the fork itself is left out of the stall).",
    "window": "Parts run in separate processes on one generated project. Next-document latency is measured "
              "with pre-annotation paused after the model loaded (the window's own work); the stall figure is "
              "with the real model pre-annotating in the window's worker thread.",
}


# ---- parsers for the scripts that print tables ------------------------------------------------
def fig(name: str, value: float, unit: str, target: str = "", met: bool | None = None,
        ratio: float | None = None, note: str = "") -> dict[str, Any]:
    return {"name": name, "value": value, "unit": unit, "target": target, "met": met, "ratio": ratio,
            "note": note}


def parse_suggest(out: str) -> dict[str, Any]:
    figures = []
    corpus = re.search(r"corpus: (\d+) articles, (\d+) words", out)
    for m in re.finditer(r"^(\S.*?)\s{2,}(\d+)\s+(\d+|nan) words/s$", out, re.M):
        cpu = "" if m.group(3) == "nan" else f"CPU-time rate {int(m.group(3)):,} words/s"
        figures.append(fig(m.group(1).strip(), float(m.group(2)), "words/s (wall, best of rounds)", note=cpu))
    for m in re.finditer(r"^(\S.*? / .*?)\s+([\d.]+)x wall(?:\s+([\d.]+|nan)x CPU)?\s*(?:\(target >= ([\d.]+)\))?",
                         out, re.M):
        value = float(m.group(2))
        target = m.group(4)
        cpu = m.group(3)
        figures.append(fig(m.group(1).strip(), value, "x (wall)", f">= {target}" if target else "",
                           (value >= float(target)) if target else None, value,
                           f"CPU-time ratio {cpu}x" if cpu and cpu != "nan" else ""))
    sizes = {"articles": int(corpus.group(1)), "words": int(corpus.group(2))} if corpus else {}
    return {"figures": figures, "sizes": sizes}


def parse_editor(out: str) -> dict[str, Any]:
    figures = []
    for block in re.split(r"^== ", out, flags=re.M)[1:]:
        head = block.splitlines()[0]
        if "ONE" in head:
            shape = "one paragraph held as one block, for comparison"
        elif "no line breaks" in head:
            shape = "one paragraph, display split"
        else:
            shape = head.split("spans, ")[-1]
        m = re.search(r"open: set_document ([\d.]+) s, \+ first paint = ([\d.]+) s", block)
        if m:
            figures.append(fig(f"open ({shape})", float(m.group(2)), "s", note=f"set_document {m.group(1)} s"))
        m = re.search(r"background layout: done after ([\d.]+) s, longest event-loop stall (\d+) ms", block)
        if m:
            figures.append(fig(f"layout in background: longest stall ({shape})", float(m.group(2)), "ms",
                               note=f"layout done after {m.group(1)} s"))
        m = re.search(r"per edit incl\. repaint, median of (\d+): (.*)$", block, re.M)
        if m:
            for e in re.finditer(r"(\w+) ([\d.]+) ms \(max ([\d.]+)\)", m.group(2)):
                figures.append(fig(f"re-render after one span {e.group(1)} ({shape})", float(e.group(2)),
                                   "ms median", note=f"median of {m.group(1)}, max {e.group(3)} ms"))
    return {"figures": figures, "sizes": {"words": 100_000, "spans": 10_000}}


PARSERS: dict[str, Callable[[str], dict[str, Any]]] = {"suggest": parse_suggest, "editor": parse_editor}


# ---- running -------------------------------------------------------------------------------------
def run_one(name: str, argv: list[str], logs: Path) -> tuple[dict[str, Any] | None, str, float]:
    """Run one benchmark script, echo and log its output; (result, error, seconds)."""
    cmd = [sys.executable, str(HERE / argv[0]), *argv[1:]]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    t = time.perf_counter()
    lines: list[str] = []
    with (logs / f"{name}.log").open("w", encoding="utf-8") as f:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=env)
        assert proc.stdout is not None
        for line in proc.stdout:
            f.write(line)
            f.flush()
            lines.append(line)
            if not line.startswith(RESULT_PREFIX):
                print(f"[{name}] {line}", end="", flush=True)
        code = proc.wait()
        f.write(f"{EXIT_PREFIX}{code}\n")
    result, error = collect(name, argv, lines, code)
    return result, error, time.perf_counter() - t


EXIT_PREFIX = "run_all: exit code "


def collect(name: str, argv: list[str], lines: list[str], code: int | None) -> tuple[dict[str, Any] | None, str]:
    """The figures in a script's output (its RESULT line, else parsed from its tables)."""
    if code not in (0, None):
        return None, f"exit code {code}; last lines:\n" + "".join(lines[-15:])
    result = next((orjson.loads(ln[len(RESULT_PREFIX):]) for ln in reversed(lines) if ln.startswith(RESULT_PREFIX)),
                  None)
    if result is None and name in PARSERS:
        result = PARSERS[name]("".join(lines))
        if not result["figures"]:
            result = None
    if result is None:
        return None, "no figures found in the output"
    result["command"] = "python " + " ".join(["benchmarks/" + argv[0], *argv[1:]])
    return result, ""


def from_logs(logs: Path, chosen: list[tuple[str, str, list[str]]], took: dict[str, float]
              ) -> list[tuple[str, str, dict[str, Any] | None, str, float]]:
    """Figures of the last run, re-read from its logs (to re-render RESULTS.md, no re-measuring)."""
    results = []
    for name, title, script in chosen:
        log = logs / f"{name}.log"
        if not log.exists():
            continue
        lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
        code = next((int(ln[len(EXIT_PREFIX):]) for ln in lines if ln.startswith(EXIT_PREFIX)), None)
        result, error = collect(name, script, [ln for ln in lines if not ln.startswith(EXIT_PREFIX)], code)
        results.append((name, title, result, error, took.get(name, float("nan"))))
    return results


def machine() -> dict[str, str]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    cpu = ""
    try:
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "")
    except OSError:
        pass
    import sqlite3

    return {"date (UTC)": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
            "nproc": str(os.cpu_count()), "cpu": cpu, "memory": mem,
            "load average at start": ", ".join(f"{x:.1f}" for x in load),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform()}


def fmt_value(value: float) -> str:
    if value != value:  # nan
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.2f}"


def render(results: list[tuple[str, str, dict[str, Any] | None, str, float]], info: dict[str, str],
           argv: list[str], quick: bool) -> str:
    lines = ["# Benchmarks", "",
             "Measured on the machine below by `benchmarks/run_all.py`" + (" (--quick smoke sizes)" if quick else "")
             + ". The machine is shared and noisy, so each comparison is made in the same run and reported as "
             "a ratio; times are medians of repeated runs unless a note says otherwise.", "",
             "Regenerate with:", "", "    " + " ".join(["python benchmarks/run_all.py", *argv]), "",
             "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    met = missed = 0
    for _, _, result, _, _ in results:
        for f in (result or {}).get("figures", []):
            met += f["met"] is True
            missed += f["met"] is False
    lines += ["", f"**Targets: {met} met, {missed} missed.**", ""]
    for name, title, result, error, took in results:
        lines += [f"## {title}", ""]
        if not quick and name in NOTES:
            lines += [NOTES[name], ""]
        if result is None:
            lines += [f"Not measured: {error}", ""]
            continue
        sizes = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in result.get("sizes", {}).items())
        duration = f" ({took / 60:.1f} min)" if took == took else ""
        lines += [f"Command: `{result['command']}`{duration}{'; sizes: ' + sizes if sizes else ''}", "",
                  "| figure | value | target | met? | ratio | notes |", "|---|---:|---|---|---:|---|"]
        for f in result["figures"]:
            status = "" if f["met"] is None else ("met" if f["met"] else "**missed**")
            ratio = "" if f.get("ratio") is None else f"{f['ratio']:.2f}"
            lines.append(f"| {f['name']} | {fmt_value(f['value'])} {f['unit']} | {f.get('target') or ''} | "
                         f"{status} | {ratio} | {f.get('note') or ''} |")
        lines.append("")
        for note in result.get("notes", []):
            lines += [note, ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10x smaller sizes, a ~2 minute smoke run")
    parser.add_argument("--docs", type=int, default=0, help="project size (default 100,000; 10,000 with --quick)")
    parser.add_argument("--only", default="", help="comma-separated: import,suggest,export,window,editor,"
                        "train,order,hub_sync,hub_queue,bigdocs,guards,inside,articles,bundle")
    parser.add_argument("--output", default=None, help="default benchmarks/RESULTS.md "
                        "(_work/RESULTS-quick.md with --quick)")
    parser.add_argument("--from-logs", action="store_true",
                        help="re-render the results of the last run from its logs, without measuring")
    args = parser.parse_args(args_in)
    docs = args.docs or (10_000 if args.quick else 100_000)
    out = Path(args.output) if args.output else (WORK / "RESULTS-quick.md" if args.quick else HERE / "RESULTS.md")
    logs = WORK / ("logs-quick" if args.quick else "logs")
    logs.mkdir(parents=True, exist_ok=True)
    chosen = [p for p in plan(docs, args.quick) if not args.only or p[0] in args.only.split(",")]
    run_file = logs / "run.json"
    if args.from_logs:
        run = orjson.loads(run_file.read_bytes())
        results = from_logs(logs, chosen, run["took"])
        out.write_text(render(results, run["info"], run["argv"], args.quick), encoding="utf-8")
        print(f"re-rendered {out} from {logs}")
        return 0 if results and all(r[2] is not None for r in results) else 1
    info = machine()
    run = {"info": info, "argv": args_in, "took": {}}
    results = []
    t0 = time.perf_counter()
    for name, title, script in chosen:
        print(f"== {title}: {' '.join(script)}", flush=True)
        result, error, took = run_one(name, script, logs)
        if error:
            print(f"[{name}] FAILED: {error}", flush=True)
        results.append((name, title, result, error, took))
        run["took"][name] = took
        run_file.write_bytes(orjson.dumps(run))
        # Written after each benchmark, so a long run interrupted late still leaves figures.
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(results, info, args_in, args.quick), encoding="utf-8")
    print(f"wrote {out} in {(time.perf_counter() - t0) / 60:.1f} min", flush=True)
    return 0 if all(r[2] is not None for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
