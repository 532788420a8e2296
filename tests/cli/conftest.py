"""Fixtures shared by the CLI tests."""

from __future__ import annotations

import pytest

from annotator.core.store import Store
from tests.core.export_data import fill


@pytest.fixture
def project(db_path):
    """A project file filled with tests/core/export_data.fill: alice's and bob's versions and
    a review."""
    with Store(db_path) as store:
        fill(store)
    return db_path
