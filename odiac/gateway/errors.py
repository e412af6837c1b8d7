"""Errors raised by the gateway client.

Every non-2xx answer becomes a :class:`GatewayHTTPError` subclass chosen by status,
carrying the gateway's ``error`` code, its message and the structured extras of the
body (quota ``field``/``requested``/``limit``, a 409's ``project_id``, ``Retry-After``).
Where the contract's failure playbook (section 7) has an answer, it is attached as
``hint`` and its row number as ``playbook``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from odiac.errors import OdiacError
from odiac.redact import redact

__all__ = [
    "AuthenticationError",
    "Conflict",
    "GatewayError",
    "GatewayHTTPError",
    "GatewayProtocolError",
    "GatewayTransportError",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
]

_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
QUOTA_CODES = frozenset({"agent_quota_exceeded", "guest_quota_exceeded"})


class GatewayError(OdiacError):
    """The gateway answered with an error, or not at all.

    Attributes:
        method: HTTP method of the failed request.
        path: request path relative to the base URL (no query string).
        ambiguous: True when a mutating request may have been committed even though
            it failed (timeout after sending, dropped connection, 5xx). The caller
            must read back before retrying (playbook gateway-api failure 30).
        playbook: failure-playbook row (``"failure-4"``..., an anchor of docs/gateway-api.md) when one applies.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        hint: str | None = None,
        ambiguous: bool = False,
        playbook: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.method = method
        self.path = path
        self.ambiguous = ambiguous
        self.playbook = playbook

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class GatewayHTTPError(GatewayError):
    """A non-2xx answer.

    Attributes:
        status: HTTP status code.
        code: the gateway's snake_case error code (``error_code``, or ``error`` when it
            is a code), ``None`` for handler errors carrying human text.
        gateway_message: the gateway's own text (``message``, else ``error``).
        fields: structured extras of the body (``field``, ``requested``, ``limit``,
            ``project_id``, ``available_branches``...) plus ``retry_after`` when the
            answer carried a ``Retry-After`` header.
    """

    default_status: ClassVar[int] = 0

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        gateway_message: str = "",
        fields: dict[str, Any] | None = None,
        method: str = "",
        path: str = "",
        hint: str | None = None,
        ambiguous: bool = False,
        playbook: str | None = None,
    ) -> None:
        super().__init__(
            message,
            method=method,
            path=path,
            hint=hint,
            ambiguous=ambiguous,
            playbook=playbook,
        )
        self.status = status
        self.code = code
        self.gateway_message = redact(gateway_message)
        self.fields: dict[str, Any] = _redact_values(fields or {})


class AuthenticationError(GatewayHTTPError):
    """401: the token is missing, malformed, unknown or revoked (or a pending agent on /v1/profile)."""


class PermissionDenied(GatewayHTTPError):
    """403: quota, tier gate, DELETE gate, or a resource of another tenant."""

    @property
    def is_quota(self) -> bool:
        """The pending-agent resource caps refused the request (playbook gateway-api failure 4)."""
        return self.code in QUOTA_CODES

    @property
    def is_bind_required(self) -> bool:
        """The route needs a bound account (playbook gateway-api failure 3)."""
        return self.code == "bind_required"

    @property
    def is_delete_forbidden(self) -> bool:
        """The credential may not DELETE anything (playbook gateway-api failure 5)."""
        return self.code == "agent_delete_forbidden"


class NotFound(GatewayHTTPError):
    """404: an unknown id (JSON) or a route this gateway does not have (plain text)."""

    @property
    def route_missing(self) -> bool:
        """True for the router's plain-text 404: the route itself does not exist."""
        return bool(self.fields.get("route_missing"))


class Conflict(GatewayHTTPError):
    """409: duplicate name, pending-agent project cap, subdomain taken, illegal state."""

    @property
    def project_id(self) -> str | None:
        """The existing project of a pending agent that hit the one-project cap (gateway-api failure 6)."""
        value = self.fields.get("project_id")
        return value if isinstance(value, str) else None


class RateLimited(GatewayHTTPError):
    """429: too many requests; ``retry_after`` is the wait in seconds when known."""

    @property
    def retry_after(self) -> int | None:
        value = self.fields.get("retry_after", self.fields.get("retry_after_seconds"))
        return value if isinstance(value, int) and not isinstance(value, bool) else None


class ServerError(GatewayHTTPError):
    """5xx: an upstream or storage failure, or backpressure (503)."""


class GatewayTransportError(GatewayError):
    """The request failed below HTTP: connection refused, timeout, dropped connection."""


class GatewayProtocolError(GatewayError):
    """A 2xx (or 3xx) answer odiac cannot use: wrong JSON shape, HTML, a redirect."""


def is_code(text: object) -> bool:
    """True when ``text`` looks like a gateway error code rather than human text."""
    return isinstance(text, str) and bool(_CODE_RE.match(text))


def _redact_values(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: redact(v) if isinstance(v, str) else v for key, v in fields.items()}


STATUS_CLASSES: dict[int, type[GatewayHTTPError]] = {
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}


def class_for_status(status: int) -> type[GatewayHTTPError]:
    """The error class for an HTTP status (400 and other 4xx use the base class)."""
    if status >= 500:
        return ServerError
    return STATUS_CLASSES.get(status, GatewayHTTPError)
