"""One redaction layer for every byte odiac emits.

Resolved secret values, the credential token and the bind signature are
registered here as soon as odiac learns them; :func:`redact` scrubs them (and
anything shaped like an OpenDeploy token) from any text before it is printed,
logged, written to a plan file or put into an exception.
"""

from __future__ import annotations

import re
import threading

MASK = "[redacted]"
_TOKEN_RE = re.compile(r"od_[a-z][0-9A-Za-z]{43}")
_MIN_LEN = 4  # shorter values would mangle ordinary text; they are never shown anyway

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


def register(value: str | None) -> None:
    """Register a secret value so that it never appears in odiac's output."""
    global _pattern
    if not value or len(value) < _MIN_LEN:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        # Longest first so a secret that contains another is masked whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def redact(text: str) -> str:
    """Return ``text`` with every registered secret and token-shaped string masked."""
    if not text:
        return text
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    return _TOKEN_RE.sub(MASK, text)


def registered_count() -> int:
    """Number of registered values (for diagnostics; never the values)."""
    return len(_secrets)


def clear() -> None:
    """Forget every registered value (tests only)."""
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None
