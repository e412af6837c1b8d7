"""Fixtures of the planner tests."""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots stored as readable .json files."""
    return snapshot.use_extension(JSONSnapshotExtension)
