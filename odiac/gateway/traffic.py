"""Redacted descriptions of HTTP traffic, for ``-vv`` logs and error messages.

Bodies are scrubbed structurally before they are rendered: credentials are masked,
and environment maps are reduced to their key names, so that a value which was never
registered with :mod:`odiac.redact` (a generated database password, say) still
cannot reach a log line.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any, TextIO

from odiac.redact import MASK, redact

# Keys whose value is a credential or private material.
_SECRET_KEYS = frozenset(
    {
        "api_key",
        "token",
        "git_token",
        "bind_sig",
        "sig",
        "password",
        "private_key",
        "certificate",
        "claim_url",
        "bind_url",
    }
)
# Keys whose value is an environment map (object, row array or JSON text).
_ENV_KEYS = frozenset({"variables", "runtime_variables", "build_variables", "env_vars"})
_MAX_LOGGED = 2000


def scrub(value: Any) -> Any:
    """Return a copy of a JSON value safe to show: secrets masked, env reduced to keys."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in _SECRET_KEYS and item not in (None, ""):
                out[key] = MASK
            elif key in _ENV_KEYS:
                out[key] = env_keys(item)
            else:
                out[key] = scrub(item)
        return out
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value


def env_keys(value: Any) -> Any:
    """Key names of an env map in any of its shapes (object, row array, JSON text)."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value else {}
        except ValueError:
            return MASK
    if isinstance(value, dict):
        return {"keys": sorted(str(k) for k in value)}
    if isinstance(value, list):
        return {"keys": [row.get("key") for row in value if isinstance(row, dict)]}
    return value if value is None else MASK


def describe_body(value: Any) -> str:
    """One-line, scrubbed, redacted and truncated rendering of a JSON body."""
    text = json.dumps(scrub(value), sort_keys=True, default=str)
    text = redact(text)
    if len(text) > _MAX_LOGGED:
        text = text[:_MAX_LOGGED] + f"... ({len(text)} chars)"
    return text


def describe_text(content_type: str, text: str) -> str:
    """A short description of a non-JSON body (never a whole HTML page)."""
    if "html" in content_type.lower() or text.lstrip().lower().startswith(("<!doctype", "<html")):
        return f"an HTML page ({len(text)} characters)"
    snippet = " ".join(text.split())
    if not snippet:
        return "an empty body"
    if len(snippet) > 200:
        snippet = snippet[:200] + "..."
    return repr(redact(snippet))


class RedactingFormatter(logging.Formatter):
    """Formats a record, then redacts it: a last guard for anything logged by mistake."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def enable_http_logging(stream: TextIO | None = None) -> logging.Handler:
    """Print ``odiac.http`` traffic lines (``-vv``) to ``stream`` (default stderr).

    Returns the installed handler so the caller can remove it again.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter("http: %(message)s"))
    logger = logging.getLogger("odiac.http")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    return handler
