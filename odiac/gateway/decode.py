"""Validate 2xx bodies into client models, never crashing on an unexpected shape."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from odiac.gateway.errors import GatewayProtocolError

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], body: Any, method: str, path: str) -> M:
    """Validate one object; a wrong shape becomes a :class:`GatewayProtocolError`."""
    if not isinstance(body, dict):
        raise _shape_error(method, path, f"expected a JSON object, got {_kind(body)}")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _shape_error(method, path, _summary(exc)) from None


def parse_list(model: type[M], body: Any, method: str, path: str, *, key: str = "data") -> list[M]:
    """Validate a list that arrives bare or wrapped as ``{key: [...]}``."""
    items = body.get(key) if isinstance(body, dict) else body
    if items is None and isinstance(body, dict) and key in body:
        items = []  # Go encodes an empty slice as null
    if not isinstance(items, list):
        raise _shape_error(
            method, path, f"expected a list or {{{key!r}: [...]}}, got {_kind(body)}"
        )
    out: list[M] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise _shape_error(method, path, f"item {index} is {_kind(item)}, not an object")
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            raise _shape_error(method, path, f"item {index}: {_summary(exc)}") from None
    return out


def _summary(exc: ValidationError) -> str:
    # Locations and messages only: the offending input may hold a secret.
    problems = [
        f"{'.'.join(str(p) for p in err['loc']) or '(body)'}: {err['msg']}"
        for err in exc.errors(include_input=False, include_url=False)[:3]
    ]
    return "; ".join(problems)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def _shape_error(method: str, path: str, detail: str) -> GatewayProtocolError:
    return GatewayProtocolError(
        f"{method} {path} answered with a body odiac does not understand: {detail}",
        method=method,
        path=path,
    )
