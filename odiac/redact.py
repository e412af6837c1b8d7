"""One redaction layer for every byte odiac emits.

Resolved secret values, the credential token and the bind signature are
registered here as soon as odiac learns them; :func:`redact` scrubs them (and
anything shaped like an OpenDeploy token) from any text before it is printed,
logged, written to a plan file or put into an exception.

A value is masked in every form it can take in output: as is, JSON-escaped (with
and without ``\\uXXXX`` escapes), URL-encoded, and line by line when it spans
several lines (each line long enough to be specific). Terminal control characters
(``ESC]0;...BEL`` retitles a terminal, ``ESC[2J`` clears it) are shown escaped,
never sent raw: text from the gateway cannot drive the user's terminal.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "[redacted]"
_TOKEN_RE = re.compile(r"od_[a-z][0-9A-Za-z]{43}")
_MIN_LEN = 4  # shorter values would mangle ordinary text; they are never shown anyway
_LINE_MIN = 8  # one line of a multi-line secret is masked when at least this long
# C0 controls but tab and newline, DEL and C1 controls (a lone CR rewrites a line).
_CONTROL_RE = re.compile(r"\r(?!\n)|[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")

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
        _secrets.update(_forms(value))
        # Longest first so a secret that contains another is masked whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def _forms(value: str) -> set[str]:
    """Every form of ``value`` that output may carry."""
    forms = {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(json.dumps(value)[1:-1])[1:-1],  # a JSON text inside JSON
    }
    with contextlib.suppress(UnicodeEncodeError):  # not UTF-8: it cannot be sent anyway
        forms |= {quote(value, safe=""), quote_plus(value, safe="")}
    if "\n" in value or "\r" in value:
        for line in value.splitlines():
            line = line.strip()
            if len(line) >= _LINE_MIN:
                forms |= _forms(line)
    return {form for form in forms if len(form) >= _MIN_LEN}


def redact(text: str) -> str:
    """Return ``text`` with every registered secret and token-shaped string masked,
    and terminal control characters escaped."""
    if not text:
        return text
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    text = _TOKEN_RE.sub(MASK, text)
    return _CONTROL_RE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def registered_count() -> int:
    """Number of registered values (for diagnostics; never the values)."""
    return len(_secrets)


def clear() -> None:
    """Forget every registered value (tests only)."""
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None
