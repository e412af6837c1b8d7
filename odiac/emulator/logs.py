"""Emulator logging that can never carry a token or a bind signature.

Access lines name the method, the path without its query string (bind
signatures travel in ``?h=``) and the status. A filter on the emulator logger
also scrubs anything token-shaped or ``h=``-shaped from every record.
"""

from __future__ import annotations

import logging
import re
import threading

logger = logging.getLogger("odiac.emulator")
MASK = "[redacted]"
_SIG_RE = re.compile(r"(?i)\b(h|sig)=[0-9a-f]+")
_BEARER_RE = re.compile(r"(?i)bearer\s+\S+")
_TOKEN_RE = re.compile(r"od_[a-z][0-9A-Za-z]{43}")
_lock = threading.Lock()
_values: set[str] = set()


def mask_value(value: str | None) -> None:
    """Never log ``value`` (the emulator key); short values are ignored."""
    if value and len(value) >= 4:
        with _lock:
            _values.add(value)


class RedactingFilter(logging.Filter):
    """Rewrite each record's message with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub the record in place; never drops it."""
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message or record.args:
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def scrub(text: str) -> str:
    """Mask tokens, Bearer values and signature query parameters."""
    text = _BEARER_RE.sub(f"Bearer {MASK}", text)
    text = _SIG_RE.sub(lambda m: f"{m.group(1)}={MASK}", text)
    for value in sorted(_values, key=len, reverse=True):
        text = text.replace(value, MASK)
    return _TOKEN_RE.sub(MASK, text)


def install_filter() -> None:
    """Attach the filter once to the emulator logger."""
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


def access_log(method: str, path: str, status: int) -> None:
    """One line per request; the path never includes the query string."""
    logger.info("%s %s -> %d", method, path, status)
