"""The virtual clock: wall time times ``time_scale`` plus explicit advances.

Inside one process the clock runs on the monotonic clock; its anchor (virtual
time, wall time, scale) is persisted at every change so a restarted emulator
resumes where it left off, plus the wall time that passed while it was down.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from odiac.emulator.store import Store

_KEY = "clock"


class VirtualClock:
    """Seconds since the Unix epoch, on the emulator's own timeline."""

    def __init__(self, store: Store, scale: float = 1.0) -> None:
        self._store = store
        self._lock = threading.Lock()
        anchor = store.meta_get(_KEY)
        if anchor is None:
            self._scale = scale
            self._rebase(time.time())
        else:
            self._scale = float(anchor["scale"])
            elapsed = max(0.0, time.time() - float(anchor["wall"]))
            self._rebase(float(anchor["virtual"]) + elapsed * self._scale)

    @property
    def scale(self) -> float:
        """Current wall-to-virtual speed factor."""
        return self._scale

    def now(self) -> float:
        """The current virtual time."""
        with self._lock:
            return self._virtual0 + (time.monotonic() - self._mono0) * self._scale

    def advance(self, seconds: float) -> float:
        """Jump forward by ``seconds``; returns the new time."""
        target = self.now() + max(0.0, seconds)
        self._rebase(target)
        return target

    def set_scale(self, scale: float) -> None:
        """Change the speed factor without a jump."""
        current = self.now()
        self._scale = scale
        self._rebase(current)

    def reset(self) -> None:
        """Back to wall time."""
        self._rebase(time.time())

    def _rebase(self, virtual: float) -> None:
        with self._lock:
            self._virtual0 = virtual
            self._mono0 = time.monotonic()
        self._store.meta_set(_KEY, {"virtual": virtual, "wall": time.time(), "scale": self._scale})


def rfc3339(seconds: float | None) -> str | None:
    """Format virtual seconds as RFC 3339 UTC with millisecond precision and ``Z``."""
    if seconds is None:
        return None
    stamp = datetime.fromtimestamp(seconds, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def parse_rfc3339(text: str) -> float:
    """Parse an RFC 3339 instant into epoch seconds (ValueError when malformed)."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    stamp = datetime.fromisoformat(value)
    if stamp.tzinfo is None:
        raise ValueError("timestamp without a zone")
    return stamp.timestamp()
