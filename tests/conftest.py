"""Suite-wide fixtures. Area-specific fixtures live in each test folder's conftest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from odiac import redact


@pytest.fixture(autouse=True)
def _fresh_redaction_registry() -> Iterator[None]:
    """Each test starts with no registered secrets, so one test cannot mask another's leak."""
    redact.clear()
    yield
    redact.clear()
