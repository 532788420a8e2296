"""The team hub: a PostgreSQL database that local projects sync with (issue 12).

Modules, each one concern:
  connection.py  hub URLs (never with a password; from a project file only host, port,
                 dbname, user, sslmode), where passwords come from, connecting, timeouts
  trust.py       the hubs the person on this machine chose (a file's URL is asked about)
  schema.py      the hub's tables, functions and migrations (`hub init`)
  checks.py      the values the hub refuses: CHECK constraints from the project's own rules
  roles.py       group roles, GRANTs and row-level security; `hub add-annotator`
  routing.py     hub settings, the assignment queue and `hub status`
  hub_store.py   every statement a sync runs on the hub; pulled rows as dataclasses
  pull.py        admitting hub rows into the local project, row by row (through the store's repositories)
  sync.py        `sync()`: push then pull, one transaction per side per step (orchestration)
The local side (watermarks, change log, assignments) is the store's `sync` repository,
annotator/core/store/sync_state.py. The modules here speak PostgreSQL only, never SQLite: they
are the hub's store, and tests/core/test_sql_in_store.py holds them to that.

Rules (also in the README's "Team hub" section):
- A hub annotator's name IS their PostgreSQL login role; names are lowercase letters, digits
  and `_`, starting with a letter, at most 63 characters (roles.check_name).
- PostgreSQL enforces the rights: annotators read everything, add documents and labels
  (never change or remove them), write decisions only under their own name, and add the
  window's decision records (seconds, suggestions at opening: hub.decision_times, hub
  schema 2) only under their own name, never changing one; only reviewers write reviews;
  only the admin who ran `hub init` (the owner) deletes or changes the schema.
- Merging is the local store's rule on both sides: the same document is the same text hash,
  the newer version (by `updated`, reviews by `created`) is current, the other goes to
  history, pushing or pulling twice is the same as once.
"""
