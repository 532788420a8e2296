"""Work the window runs off its GUI thread: plain functions `job(ctx, ...)` run by a worker
thread (gui/workers.py) and the child processes that load spaCy (pre-annotation, training).
No Qt here: the core and these jobs are testable, and runnable, without a display."""
