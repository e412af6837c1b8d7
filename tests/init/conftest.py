"""Every test here runs the ``odiac`` executable (``init``, ``validate``): all end to end."""

from __future__ import annotations

from helpers.e2e import e2e_fixture


@e2e_fixture(autouse=True)
def _runs_the_odiac_executable() -> None:
    """Marks the folder's tests ``e2e`` (they start odiac processes)."""
