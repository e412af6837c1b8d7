"""Go-style JSON decoding and validation (gateway-api 1.6).

The real gateway unmarshals bodies into typed Go structs: unknown keys are
ignored, keys match case-insensitively, ``null`` leaves a field unset, the first
type mismatch in document order is reported with Go's exact message, and
``binding`` tags produce validator messages joined by newlines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from odiac.emulator.errors import ApiError, bad_request

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

STRING = "string"
INT = "int"
BOOL = "bool"
FLOAT = "float64"
STR_MAP = "map[string]string"
STR_LIST = "[]string"
ANY_MAP = "map[string]interface {}"


class _Float(float):
    """A JSON number with a fraction or exponent; keeps its literal for messages."""

    literal: str

    def __new__(cls, literal: str) -> _Float:
        obj = super().__new__(cls, literal)
        obj.literal = literal
        return obj


@dataclass(frozen=True)
class Field:
    """One struct field: JSON name, Go name, Go type and validation tags."""

    json: str
    go: str
    type: str | Struct
    required: bool = False
    oneof: tuple[str, ...] = ()
    check: Callable[[Any], bool] | None = None
    check_tag: str = ""
    list_of: bool = False


@dataclass(frozen=True)
class Struct:
    """A Go struct the gateway decodes into."""

    name: str
    fields: Sequence[Field] = field(default_factory=tuple)

    def find(self, key: str) -> Field | None:
        """Go matches the exact JSON name first, then case-insensitively."""
        for f in self.fields:
            if f.json == key:
                return f
        folded = key.casefold()
        for f in self.fields:
            if f.json.casefold() == folded:
                return f
        return None


class DecodeError(ApiError):
    """The body could not be decoded (malformed JSON or a type mismatch)."""


def parse_json(raw: bytes, *, allow_empty: bool = False) -> Any:
    """Parse a body like Go's decoder; ``None`` for an allowed empty body."""
    text = raw.decode("utf-8", errors="replace")
    if not text.strip():
        if allow_empty:
            return None
        raise DecodeError(400, {"error": "EOF"})
    try:
        document = json.loads(text, parse_float=_Float, parse_constant=_reject_constant)
        check_text(document)
    except json.JSONDecodeError as exc:
        raise DecodeError(400, {"error": _go_syntax_message(exc)}) from None
    except ValueError:
        raise DecodeError(
            400, {"error": "invalid character 'N' looking for beginning of value"}
        ) from None
    except RecursionError:
        raise DecodeError(400, {"error": "exceeded max depth"}) from None
    return document


def check_text(document: Any) -> None:
    """Refuse a document holding a string that is not valid Unicode.

    JSON may spell a lone UTF-16 surrogate (``"\\ud800"``); such a string cannot be
    written out as UTF-8, so storing it would break every later read of its row.
    Raises a 400 (or RecursionError for a document too deep to walk).
    """
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        escaped = "".join(f"\\u{ord(c):04x}" for c in bad)
        raise DecodeError(
            400, {"error": f"invalid string: unpaired UTF-16 surrogate {escaped}"}
        ) from None


def decode(struct: Struct, raw: bytes, *, allow_empty: bool = False) -> dict[str, Any]:
    """Parse ``raw`` into a dict of JSON-name -> value for the fields that were set."""
    document = parse_json(raw, allow_empty=allow_empty)
    if document is None:
        return {}
    try:
        return decode_value(struct, document)
    except RecursionError:
        raise DecodeError(400, {"error": "exceeded max depth"}) from None


def decode_value(struct: Struct, document: Any) -> dict[str, Any]:
    """Decode an already-parsed JSON document into ``struct``."""
    if not isinstance(document, dict):
        raise DecodeError(
            400,
            {
                "error": f"json: cannot unmarshal {_json_type(document)} into Go value of type {struct.name}"
            },
        )
    return _decode_object(struct, document, prefix="")


def validate(struct: Struct, values: dict[str, Any]) -> None:
    """Apply ``binding`` tags in struct-field order; raise one joined 400."""
    problems: list[str] = []
    for f in struct.fields:
        value = values.get(f.json)
        tag = ""
        if f.required and _is_zero(f, value):
            tag = "required"
        elif value is not None and f.oneof and value not in f.oneof:
            tag = "oneof"
        elif value is not None and value != "" and f.check is not None and not f.check(value):
            tag = f.check_tag
        if tag:
            problems.append(
                f"Key: '{struct.name}.{f.go}' Error:Field validation for '{f.go}' failed on the '{tag}' tag"
            )
    if problems:
        raise bad_request("\n".join(problems))


def _decode_object(struct: Struct, document: dict[str, Any], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in document.items():
        f = struct.find(key)
        if f is None or value is None:
            continue
        out[f.json] = _convert(struct, f, value, prefix + f.json)
    return out


def _convert(struct: Struct, f: Field, value: Any, path: str) -> Any:
    if isinstance(f.type, Struct):
        if f.list_of:
            if not isinstance(value, list):
                raise _mismatch(value, struct.name, path, f"[]{f.type.name}")
            return [_nested(f.type, item, struct.name, path) for item in value if item is not None]
        return _nested(f.type, value, struct.name, path)
    return _scalar(f.type, value, struct.name, path)


def _nested(inner: Struct, value: Any, outer: str, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _mismatch(value, outer, path, inner.name)
    return _decode_object(inner, value, prefix=path + ".")


def _scalar(go_type: str, value: Any, struct: str, path: str) -> Any:
    if go_type == STRING:
        if isinstance(value, str):
            return value
    elif go_type == BOOL:
        if isinstance(value, bool):
            return value
    elif go_type == INT:
        if isinstance(value, _Float):
            raise _mismatch(value, struct, path, go_type, literal=value.literal)
        if isinstance(value, int) and not isinstance(value, bool):
            if not -(2**63) <= value < 2**63:  # Go's int is 64 bits wide
                raise _mismatch(value, struct, path, go_type, literal=str(value))
            return value
    elif go_type == FLOAT:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif go_type == STR_MAP:
        if isinstance(value, dict):
            for item in value.values():
                if item is not None and not isinstance(item, str):
                    raise _mismatch(item, struct, path, STRING)
            return {k: ("" if v is None else v) for k, v in value.items()}
    elif go_type == STR_LIST:
        if isinstance(value, list):
            for item in value:
                if item is not None and not isinstance(item, str):
                    raise _mismatch(item, struct, path, STRING)
            return ["" if v is None else v for v in value]
    elif go_type == ANY_MAP:
        if isinstance(value, dict):
            return _plain(value)
    else:  # pragma: no cover - schema typo
        raise AssertionError(go_type)
    raise _mismatch(value, struct, path, go_type)


def _mismatch(value: Any, struct: str, path: str, go_type: str, literal: str = "") -> DecodeError:
    kind = _json_type(value)
    if literal:
        kind = f"number {literal}"
    return DecodeError(
        400,
        {
            "error": f"json: cannot unmarshal {kind} into Go struct field {struct}.{path} of type {go_type}"
        },
    )


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _is_zero(f: Field, value: Any) -> bool:
    if value is None:
        return True
    if f.type in (STR_MAP, STR_LIST, ANY_MAP) or isinstance(f.type, Struct):
        return False  # validator's `required` on maps and slices only rejects nil
    return value in ("", 0, False)


def _plain(value: Any) -> Any:
    """Strip the literal-keeping float subclass so values serialise normally."""
    if isinstance(value, _Float):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _go_syntax_message(exc: json.JSONDecodeError) -> str:
    doc, pos = exc.doc, exc.pos
    if pos >= len(doc.rstrip()):
        return "unexpected EOF"
    char = doc[pos]
    if exc.msg.startswith("Expecting value"):
        where = "looking for beginning of value"
    elif exc.msg.startswith("Expecting property name"):
        where = "looking for beginning of object key string"
    elif exc.msg.startswith("Expecting ':'"):
        where = "after object key"
    elif exc.msg.startswith("Expecting ','"):
        where = "after object key:value pair" if "delimiter" in exc.msg else "after array element"
    elif exc.msg.startswith("Extra data"):
        where = "after top-level value"
    else:
        where = "in string literal"
    return f"invalid character {char!r} {where}"
