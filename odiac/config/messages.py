"""Turn pydantic validation errors into problems a person can act on.

Pydantic speaks of "locations" that include union tags and ``[key]`` markers
and says "Input should be a valid string". Users think in TOML: key paths,
tables, arrays, and "did you mean". This module translates one into the other.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import TYPE_CHECKING, Any

from odiac.config.diagnostics import KeyPath, Problem
from odiac.config.model import FORMAT_VERSION, allowed_keys
from odiac.config.rules import quote

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "a boolean",
    "list_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean "services"?)`` or an empty string when nothing is close."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close and len(word) >= 3:
        # Abbreviations ("prod" for "production") score low on similarity.
        close = [option for option in options if option.startswith(word)][:1]
    return f" (did you mean {quote(close[0])}?)" if close else ""


def toml_type(value: object) -> str:
    """The TOML name of a parsed value's type, with an article."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.date | dt.time):
        return "a date-time"
    return type(value).__name__


def child(node: object, part: str | int) -> tuple[bool, Any]:
    """``(True, node[part])`` when a table has that key or an array that index."""
    if isinstance(node, dict) and part in node:
        return True, node[part]
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return True, node[part]
    return False, None


def problems_from_validation(exc: ValidationError, document: Mapping[str, Any]) -> list[Problem]:
    """One :class:`Problem` per pydantic error, with document key paths and plain messages.

    Args:
        exc: The error raised while validating ``document``.
        document: The parsed TOML that was validated.
    """
    problems = []
    for error in exc.errors(include_url=False):
        path, at_key = _key_path(error["loc"], document)
        kind, message = _message(error, path)
        problems.append(Problem(path, message, at_key=at_key or kind == "unknown_key", kind=kind))
    return problems


def _key_path(loc: Sequence[str | int], document: Mapping[str, Any]) -> tuple[KeyPath, bool]:
    """Follow ``loc`` through the document, dropping segments that are not keys."""
    path: list[str | int] = []
    node: Any = document
    at_key = False
    for number, segment in enumerate(loc):
        if segment == "[key]":
            at_key = True  # the name of a table entry is wrong, not its value
        elif child(node, segment)[0]:
            path.append(segment)
            node = child(node, segment)[1]
        elif number == len(loc) - 1 and isinstance(node, dict):
            path.append(segment)  # a required key that is absent
        # Anything else is a union tag or validator label, not part of the document.
    return tuple(path), at_key


def _message(error: ErrorDetails, path: KeyPath) -> tuple[str, str]:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "odiac":
        return "invalid", str(ctx.get("message", error["msg"]))
    if kind == "missing":
        noun = "table" if allowed_keys(path) is not None else "key"
        return "missing", f"required {noun} is missing"
    if kind == "extra_forbidden":
        return "unknown_key", _unknown_key(path)
    if kind == "literal_error":
        return "invalid", _not_one_of(path, value, str(ctx.get("expected", "")))
    if kind in ("model_type", "dict_type") and allowed_keys(path) == ["secret"]:
        return "type", (
            f'expected a secret reference such as {{ secret = "env:NAME" }}, got {toml_type(value)}'
        )
    if kind == "string_type" and allowed_keys(path) == ["secret"]:
        return "type", (
            f'expected a string or {{ secret = "scheme:ref" }}, got {toml_type(value)}'
            + ("; quote numbers and booleans" if isinstance(value, int | float) else "")
        )
    if kind in _EXPECTED:
        # Values are never echoed here: a mistyped env value could be a secret.
        return "type", f"expected {_EXPECTED[kind]}, got {toml_type(value)}"
    if kind == "greater_than_equal":
        return "invalid", f"must be at least {ctx.get('ge')} (got {quote(value)})"
    if kind == "less_than_equal":
        return "invalid", f"must be at most {ctx.get('le')} (got {quote(value)})"
    if kind == "value_error":
        return "invalid", str(error["msg"]).removeprefix("Value error, ")
    return kind, str(error["msg"])


def _unknown_key(path: KeyPath) -> str:
    name = str(path[-1]) if path else ""
    allowed = allowed_keys(path[:-1]) or []
    hint = did_you_mean(name, allowed)
    if not hint and allowed:
        hint = f" (allowed here: {', '.join(allowed)})"
    return f"unknown key {quote(name)}{hint}"


def _not_one_of(path: KeyPath, value: object, expected: str) -> str:
    if path and path[-1] == "version":
        return (
            f"unsupported format version {quote(value)}: this odiac reads version {FORMAT_VERSION}"
        )
    choices = re.findall(r"'([^']*)'", expected)
    listed = ", ".join(quote(choice) for choice in choices)
    hint = did_you_mean(value, choices) if isinstance(value, str) else ""
    return f"{quote(value)} is not one of {listed}{hint}"
