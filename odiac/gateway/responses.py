"""Turn a gateway error answer into the matching :mod:`odiac.gateway.errors` instance."""

from __future__ import annotations

import json
from typing import Any

from odiac.gateway.errors import (
    GatewayHTTPError,
    GatewayProtocolError,
    class_for_status,
    is_code,
)
from odiac.gateway.playbook import REDIRECT_HINT, hint_for
from odiac.gateway.traffic import describe_text

PLAIN_404 = "404 page not found"
_SUMMARY_KEYS = ("error", "message")


# Gateway texts longer than this are cut in messages (the full body is never needed).
MAX_ERROR_TEXT = 500


def parse_retry_after(value: str | None) -> int | None:
    """Whole seconds from a ``Retry-After`` header (integer seconds per gateway-api 1.8)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if seconds != seconds or seconds < 0:  # NaN or negative: unusable
        return None
    return int(-(-seconds // 1))


def redirect_error(method: str, path: str, status: int, location: str) -> GatewayProtocolError:
    """A 3xx answer: odiac never follows redirects (gateway-api 1.3, playbook gateway-api failure 22)."""
    row, advice = REDIRECT_HINT
    target = location or "(no Location header)"
    return GatewayProtocolError(
        f"{method} {path} answered {status} redirect to {target}; nothing was sent on",
        method=method,
        path=path,
        hint=advice,
        playbook=row,
    )


def http_error(
    method: str,
    path: str,
    status: int,
    *,
    content: bytes,
    content_type: str,
    retry_after: int | None,
) -> GatewayHTTPError:
    """Build the error for a 4xx/5xx answer from its status, headers and body."""
    cls = class_for_status(status)
    body = _json_object(content)
    text = content.decode("utf-8", "replace")
    fields: dict[str, Any] = {}
    route_missing = False
    if body is not None:
        fields = {k: v for k, v in body.items() if k not in _SUMMARY_KEYS}
        error_text = body.get("error")
        error_text = clip(error_text) if isinstance(error_text, str) else ""
        gateway_message = body.get("message")
        gateway_message = clip(gateway_message) if isinstance(gateway_message, str) else ""
        code = _code(body, error_text)
        detail = _detail(code, error_text, gateway_message, fields)
    elif status == 404 and text.strip() == PLAIN_404:
        route_missing = True
        fields["route_missing"] = True
        error_text = gateway_message = PLAIN_404
        code = None
        detail = f"the route does not exist on this gateway ({PLAIN_404})"
    else:
        error_text = gateway_message = ""
        code = None
        detail = f"the gateway answered with {describe_text(content_type, text)}"
    if retry_after is not None:
        fields["retry_after"] = retry_after
    elif isinstance(fields.get("retry_after_seconds"), int):
        fields["retry_after"] = fields["retry_after_seconds"]
    if status == 429 and isinstance(fields.get("retry_after"), int):
        detail += f" (retry after {fields['retry_after']} s)"
    hint = hint_for(
        status,
        code,
        error_text,
        fields,
        method=method,
        path=path,
        route_missing=route_missing,
    )
    prefix = f"{status} {code}: " if code else f"{status} "
    return cls(
        f"{method} {path} failed: {prefix}{detail}",
        status=status,
        code=code,
        gateway_message=gateway_message or error_text,
        fields=fields,
        method=method,
        path=path,
        hint=hint[1] if hint else None,
        playbook=hint[0] if hint else None,
        ambiguous=status >= 500 and method not in ("GET", "HEAD"),
    )


def clip(text: str, limit: int = MAX_ERROR_TEXT) -> str:
    """Cut an error text from the gateway so that one answer cannot flood a CI log."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


def _code(body: dict[str, Any], error_text: str) -> str | None:
    explicit = body.get("error_code")
    if is_code(explicit):
        return str(explicit)
    return error_text if is_code(error_text) else None


def _detail(code: str | None, error_text: str, message: str, fields: dict[str, Any]) -> str:
    if "field" in fields and "limit" in fields:
        return f"{fields['field']} requested {fields.get('requested')}, limit {fields['limit']}"
    parts: list[str] = []
    if error_text and error_text != code:
        parts.append(error_text)
    extra = message or fields.get("error_message")
    if isinstance(extra, str) and extra and extra not in parts:
        parts.append(extra)
    detail = ": ".join(parts) or code or "no error text"
    if isinstance(fields.get("available_branches"), list):
        branches = ", ".join(str(b) for b in fields["available_branches"])
        detail += f" (available branches: {branches})"
    if isinstance(fields.get("project_id"), str):
        detail += f" (existing project {fields['project_id']})"
    return detail
