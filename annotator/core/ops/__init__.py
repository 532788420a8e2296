"""Operations over a project: every write, one small function each, returning what it
changed (`Changes`, changes.py); the import and export pipelines; and the watcher that
finds what other connections wrote (watch.py). The CLI and the window call these; nothing
above the core writes to the store another way (tests/test_writes_through_ops.py checks)."""
