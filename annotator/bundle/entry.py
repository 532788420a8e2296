"""The one-folder app's program (PyInstaller runs this file as __main__).

It is the `annotator` command. One addition: `annotator -m annotator.jobs.NAME ARGS` runs a
child job module, because the window starts its child processes (pre-annotation, training,
continuous learning) as `sys.executable -m annotator.jobs.… ARGS`, and in the app
sys.executable is this program, not a Python interpreter. Only modules under annotator.jobs
are run this way: the app is not a general Python.
"""

from __future__ import annotations

import multiprocessing
import runpy
import sys

CHILD_PACKAGE = "annotator.jobs."


def child_module(argv: list[str]) -> str | None:
    """The job module asked for by `PROGRAM -m annotator.jobs.NAME ...`, else None."""
    if len(argv) >= 3 and argv[1] == "-m":
        return argv[2]
    return None


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    module = child_module(argv)
    if module is not None:
        if not module.startswith(CHILD_PACKAGE):
            sys.stderr.write(f"annotator: -m runs only annotator's own jobs ({CHILD_PACKAGE}*), not {module!r}\n")
            sys.exit(2)
        sys.argv = [module, *argv[3:]]  # as `python -m` leaves them: the job reads sys.argv[1]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return
    from annotator.cli import main as cli

    cli(args=argv[1:], prog_name="annotator")


if __name__ == "__main__":
    multiprocessing.freeze_support()  # spaCy's n_process workers on spawn platforms (Windows, macOS)
    main()
