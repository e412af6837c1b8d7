"""Emulator settings: defaults, validation, and the effective view (gateway-api 3.13).

``POST /_emulator/config`` and ``create_app(settings=...)`` accept the same keys.
Keys not named by the contract are emulator conventions documented in
docs/emulator.md.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from odiac.emulator.errors import bad_request

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

DEFAULTS: dict[str, Any] = {
    "latency_ms": 0,
    "latency_jitter_ms": 0,
    "time_scale": 1.0,
    "profile": "primary",
    "delete_gate": "pending",
    "auto_domain_delay_s": 3.0,
    "dependency_ready_s": 3.0,
    "temp_file_ttl_s": 3600.0,
    "trust_forwarded_for": False,
    # How long a `timeout` fault holds a request (real seconds).
    "timeout_hold_s": 30.0,
    # Safe-extraction limits: total uncompressed bytes, per-entry ratio, entry count.
    "archive_max_bytes": 512 * 1024 * 1024,
    "archive_max_ratio": 200.0,
    "archive_max_entries": 20_000,
    # Real seconds between store polls of the log streams.
    "stream_poll_s": 0.2,
    # Largest single-shot upload body before the edge-timeout imitation.
    "upload_max_bytes": 104_857_600,
    # Largest request body of every other route (413 beyond it).
    "json_body_max_bytes": 1024 * 1024,
    # Bytes one account may hold: parked uploads plus extracted sources and their archives.
    "account_disk_max_bytes": 2 * 1024 * 1024 * 1024,
}


def _number(low: float, high: float | None = None, integer: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        """Validate one value."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("must be a finite number")
        if integer and value != int(value):
            raise ValueError("must be an integer")
        if value < low or (high is not None and value > high):
            raise ValueError(
                f"must be between {low} and {high}" if high is not None else f"must be >= {low}"
            )
        return int(value) if integer else float(value)

    return check


def _choice(*options: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        """Validate one value."""
        if value not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return value

    return check


def _flag(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError("must be a boolean")
    return value


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "latency_ms": _number(0, 600_000, integer=True),
    "latency_jitter_ms": _number(0, 600_000, integer=True),
    "time_scale": _number(0, 1_000_000),
    "profile": _choice("primary", "newer"),
    "delete_gate": _choice("pending", "all"),
    "auto_domain_delay_s": _number(0, 25),
    "dependency_ready_s": _number(0),
    "temp_file_ttl_s": _number(0),
    "trust_forwarded_for": _flag,
    "timeout_hold_s": _number(0, 3600),
    "archive_max_bytes": _number(1, integer=True),
    "archive_max_ratio": _number(1),
    "archive_max_entries": _number(1, integer=True),
    "stream_poll_s": _number(0.01, 10),
    "upload_max_bytes": _number(1, integer=True),
    "json_body_max_bytes": _number(1024, integer=True),
    "account_disk_max_bytes": _number(1, integer=True),
}


def validated(values: Mapping[str, object]) -> dict[str, Any]:
    """Check and normalise settings; raise a 400 naming the first bad key."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        check = _CHECKS.get(key)
        if check is None:
            raise bad_request(f"unknown setting {key!r}")
        try:
            out[key] = check(value)
        except ValueError as exc:
            raise bad_request(f"invalid {key}: {exc}") from None
    return out


def delete_gate(settings: Mapping[str, Any]) -> str:
    """Effective DELETE gate: the newer profile implies ``all`` (gateway-api 10)."""
    return "all" if settings["profile"] == "newer" else str(settings["delete_gate"])
