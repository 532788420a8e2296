"""Article import benchmark: a folder of N small Word, OpenDocument, web-page and PDF files
(150-400 words each, generated from the seed article) through annotator's folder import, against
a folder of the same texts as .txt files.

    python benchmarks/bench_articles.py --files 1000 [--repeat 3] [--no-cli]

Each round imports every folder into a fresh project file (kinds in a rotating order, so load
on the machine hits all alike); the figures are medians. Also: the readers alone (no project),
the cost of the content check (magic bytes) a .txt file now goes through, and `annotator
import` of the web-page folder as a subprocess, once. No target: figures for the record.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Result, command_line, peak_rss_mb, remove_db, time_cli_import, workdir  # noqa: E402
from benchmarks.corpus import articles  # noqa: E402

from annotator.core.formats.importers import READERS, detect_format, read_as  # noqa: E402
from annotator.core.ops.importing import import_paths  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from tests.core.document_files import docx_article, html_page, odt_article, pdf_bytes  # noqa: E402

KINDS = ("txt", "docx", "odt", "html", "pdf")


def pdf_article(paragraphs: list[str]) -> bytes:
    """The paragraphs set in lines of about 90 characters, as a word processor prints them."""
    pages = [[_lines(p) for p in paragraphs]]
    return pdf_bytes(pages)


def _lines(paragraph: str, width: int = 90) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


WRITERS = {
    "txt": lambda paras: "\n\n".join(paras).encode("utf-8"),
    "docx": docx_article,
    "odt": odt_article,
    "html": lambda paras: html_page(paras, title=paras[0][:60]).encode("utf-8"),
    "pdf": pdf_article,
}
SUFFIX = {"txt": ".txt", "docx": ".docx", "odt": ".odt", "html": ".html", "pdf": ".pdf"}


def make_folders(work: Path, n: int) -> tuple[dict[str, Path], dict[str, int]]:
    """A folder of n files per kind, the same n articles in each; (folders, bytes per kind)."""
    folders = {kind: work / f"articles-{n}-{kind}" for kind in KINDS}
    sizes = dict.fromkeys(KINDS, 0)
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
    for i, text in enumerate(articles(n, min_words=150, max_words=400)):
        paragraphs = text.split("\n\n")
        for kind, folder in folders.items():
            data = WRITERS[kind](paragraphs)
            (folder / f"a{i:05d}{SUFFIX[kind]}").write_bytes(data)
            sizes[kind] += len(data)
    return folders, sizes


def import_folder(db: Path, folder: Path, n: int) -> float:
    remove_db(db)
    store = Store(db)
    t = time.perf_counter()
    report = import_paths(store, [folder])
    took = time.perf_counter() - t
    assert report.ok and report.documents_added == n, report.summary()
    store.close()
    return took


def read_only(folder: Path, kind: str) -> float:
    """Seconds to read every file of the folder with its reader alone (no project)."""
    reader = READERS[kind]
    t = time.perf_counter()
    for path in sorted(folder.iterdir()):
        for _ in reader(path):
            pass
    return time.perf_counter() - t


def content_check(folder: Path) -> tuple[float, float]:
    """Seconds per file for read_as (content, then name) and for detect_format (name only)."""
    files = sorted(folder.iterdir())
    t = time.perf_counter()
    for path in files:
        read_as(path)
    sniffed = time.perf_counter() - t
    t = time.perf_counter()
    for path in files:
        detect_format(path)
    named = time.perf_counter() - t
    return sniffed / len(files), named / len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI subprocess run")
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args(argv)
    n = args.files
    work = workdir(args.workdir)
    db = work / f"articles-{n}.db"

    t = time.perf_counter()
    folders, sizes = make_folders(work, n)
    print(f"corpus: {n:,} articles per kind, written in {time.perf_counter() - t:.1f}s; "
          + ", ".join(f"{kind} {sizes[kind] / 1e6:.1f} MB" for kind in KINDS))

    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    reads: dict[str, list[float]] = {kind: [] for kind in KINDS if kind != "txt"}
    for round_ in range(args.repeat):
        order = KINDS[round_ % len(KINDS):] + KINDS[:round_ % len(KINDS)]
        for kind in order:
            took = import_folder(db, folders[kind], n)
            times[kind].append(took)
            print(f"  round {round_ + 1}: {kind:4s} {took:.2f}s ({n / took:,.0f} files/s)", flush=True)
        for kind in reads:
            reads[kind].append(read_only(folders[kind], kind))

    result = Result("articles", command_line(), sizes={"files per kind": n, "repeat": args.repeat,
                                                        **{f"{k}_mb": round(v / 1e6, 1) for k, v in sizes.items()}})
    base = statistics.median(times["txt"])
    result.add("import of the .txt folder (the same texts)", n / base, "files/s",
               note=f"median of {args.repeat}: {base:.2f}s")
    for kind in KINDS[1:]:
        median = statistics.median(times[kind])
        read = statistics.median(reads[kind])
        result.add(f"import of the .{kind} folder", n / median, "files/s", ratio=median / base,
                   note=f"median {median:.2f}s; ratio = time / the .txt folder's; reader alone {n / read:,.0f} "
                        f"files/s ({1000 * read / n:.1f} ms a file)")
    sniffed, named = content_check(folders["txt"])
    result.add("content check of a .txt file (read_as: magic bytes, then name)", sniffed * 1e6, "µs",
               ratio=sniffed / named, note=f"detect_format (name only) {named * 1e6:.1f} µs; ratio = the two")
    result.add("peak RSS of this process", peak_rss_mb(), "MB")

    if not args.no_cli:
        cli, _ = time_cli_import(folders["html"], db)
        result.add("`annotator import` of the .html folder (subprocess, once)", n / cli, "files/s",
                   note=f"{cli:.2f}s incl. interpreter start")

    for folder in folders.values():
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    remove_db(db)
    result.emit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
