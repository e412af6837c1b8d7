"""Volumes (optional, contract 3.10)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from odiac.emulator.routing import RouteTable


def routes(table: RouteTable) -> None:
    """Add this module's routes."""
