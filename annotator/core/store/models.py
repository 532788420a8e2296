"""Pipelines trained from this project's gold, with their held-out scores."""

from __future__ import annotations

import time
from typing import Any

from annotator.core.store.codec import dumps, loads
from annotator.core.store.connection import StoreBase


def _scores(raw: Any) -> Any:
    return loads(raw, "scores")


class ModelsMixin(StoreBase):
    def record_trained_model(self, path: str, base: str | None, scores: dict[str, Any]) -> int:
        """Note a pipeline trained from this project's gold; returns its row id."""
        with self.transaction():
            table = self.db["trained_models"].insert(
                {"path": str(path), "base": base, "created": time.time(), "scores": dumps(scores)})
            return int(table.last_rowid)

    def trained_models(self) -> list[dict[str, Any]]:
        """Every recorded trained pipeline, oldest first: {id, path, base, created, scores}."""
        rows = self.conn.execute("SELECT id, path, base, created, scores FROM trained_models ORDER BY id")
        return [{"id": r[0], "path": r[1], "base": r[2], "created": r[3], "scores": self._value(f"trained model {r[0]}", _scores, r[4])}
                for r in rows]
