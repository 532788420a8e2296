"""The core's one progress callback: `on_progress(done, total)`.

`done` and `total` count the operation's own units (documents, records, training steps);
`total` is 0 when not known yet. It is called from the calling thread, after a unit of work;
an exception raised in it cancels the operation, which rolls back what it had not committed
(the window's Cancel). Anything more an operation has to say goes through a callback of its
own, never as extra arguments of this one: a sync's stage is on_stage(stage) (core/hub/sync.py),
a training step's scores on_scores(StepScores) (core/learning/train_loop.py).
tests/test_progress_callbacks.py holds the code base to this.
"""

from __future__ import annotations

from typing import Callable

Progress = Callable[[int, int], None]
