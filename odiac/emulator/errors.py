"""Error envelopes of the gateway (gateway-api 1.5).

Handlers raise :class:`ApiError`; the dispatcher turns it into a response.
Gateway-originated errors carry a snake_case code plus the newer-generation
keys; handler errors carry human text in ``error``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import PlainTextResponse, Response

NOT_FOUND_TEXT = "404 page not found"

# next_action and retryable per gateway code (gateway-api 1.5, newer keys).
_GATEWAY_CODES: dict[str, tuple[str, bool]] = {
    "bind_required": ("bind_account", False),
    "agent_quota_exceeded": ("fix_call", False),
    "agent_delete_forbidden": ("dashboard_handoff", False),
    "agent_project_limit": ("ask_user", False),
    "rate_limited": ("wait", True),
    "unauthorized": ("fix_call", False),
}


class ApiError(Exception):
    """An error answer: HTTP status, JSON body and optional extra headers."""

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(str(body.get("error", status)))
        self.status = status
        self.body = body
        self.headers = headers or {}

    def response(self) -> Response:
        """Render the error as a JSON response."""
        return json_response(self.body, self.status, self.headers)


class EmulatorError(Exception):
    """Root of the errors the emulator raises to its caller (not HTTP answers).

    The emulator shares no code with the client, so this is not the client's
    error root; ``odiac emulator serve`` turns it into the usual error message.
    """


class EmulatorSettingsError(EmulatorError):
    """``create_app`` was given settings the emulator does not accept."""


def json_response(
    body: object, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A compact JSON response with the gateway's content type."""
    try:
        payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    except UnicodeEncodeError:  # never stored (input is checked); escaped if it ever is
        payload = json.dumps(body, separators=(",", ":")).encode()
    return Response(
        payload,
        status_code=status,
        headers=headers,
        media_type="application/json; charset=utf-8",
    )


def plain_not_found() -> Response:
    """The Go router's answer for an unregistered route."""
    return PlainTextResponse(NOT_FOUND_TEXT, status_code=404)


def gateway_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> ApiError:
    """A gateway-originated error with ``error_code``, ``retryable`` and ``next_action``."""
    next_action, retryable = _GATEWAY_CODES.get(code, ("fix_call", False))
    body: dict[str, Any] = {"error": code, "message": message, **extra}
    body.setdefault("error_code", code)
    body.setdefault("retryable", retryable)
    body.setdefault("next_action", next_action)
    return ApiError(status, body, headers)


def bad_request(text: str, **extra: Any) -> ApiError:
    """A handler 400 with human text in ``error``."""
    return ApiError(400, {"error": text, **extra})


def not_found(what: str) -> ApiError:
    """JSON 404 for a registered route with an unknown id."""
    return ApiError(404, {"error": f"{what} not found"})


def access_denied() -> ApiError:
    """403 for a resource of another tenant (gateway-api 2.2)."""
    return ApiError(403, {"error": "access denied"})


def conflict(text: str, **extra: Any) -> ApiError:
    """A handler 409."""
    return ApiError(409, {"error": text, **extra})


def unauthorized(message: str = "invalid or missing credentials") -> ApiError:
    """401 with the gateway envelope."""
    return gateway_error(401, "unauthorized", message)
