"""GitHub Actions expressions (``${{ ... }}``) for the contexts our workflows use.

Supported: property access (``github.event.pull_request.number``, ``a['b']``),
string/number/boolean/null literals, ``! == != < <= > >= && ||``, parentheses and
the functions ``always() success() failure() cancelled() contains() startsWith()
endsWith() format() toJSON() fromJSON()``. Semantics follow the Actions docs:
``&&``/``||`` return operands, string comparison ignores case, a missing property
is null, and a value becomes text as ``''`` (null), ``true``/``false`` or its digits.
Anything else raises :class:`ExpressionError` so a workflow never silently passes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\].,])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)
_EMBEDDED = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
STATUS_FUNCTIONS = ("always(", "success(", "failure(", "cancelled(")


class ExpressionError(ValueError):
    """An expression this runner cannot evaluate (so the test fails loudly)."""


def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=2)
    return str(value)


def truthy(value: Any) -> bool:
    return value not in (None, False, 0, "", 0.0)


def substitute(text: str, context: Mapping[str, Any]) -> str:
    """Replace every ``${{ expr }}`` in ``text`` by the expression's value as text."""
    return _EMBEDDED.sub(lambda m: to_text(evaluate(m.group(1), context)), text)


def condition(text: str | bool | None, context: Mapping[str, Any]) -> bool:
    """An ``if:`` value: implicit ``success() &&`` unless it calls a status function."""
    if text is None:
        text = "success()"
    if isinstance(text, bool):
        return text
    expr = str(text).strip()
    match = re.fullmatch(r"\$\{\{(.*)\}\}", expr, re.DOTALL)
    if match:
        expr = match.group(1).strip()
    if not any(f in expr.replace(" ", "") for f in STATUS_FUNCTIONS):
        expr = f"success() && ({expr})"
    return truthy(evaluate(expr, context))


def evaluate(expr: str, context: Mapping[str, Any]) -> Any:
    tokens = _tokenize(expr)
    parser = _Parser(tokens, context)
    value = parser.or_()
    if parser.pos != len(tokens):
        raise ExpressionError(f"unexpected {tokens[parser.pos][1]!r} in {expr!r}")
    return value


def _tokenize(expr: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(expr):
        if expr[pos:].strip() == "":
            break
        match = _TOKEN.match(expr, pos)
        if not match or match.end() == pos:
            raise ExpressionError(f"cannot read {expr[pos:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if isinstance(a, (int, float)) and isinstance(b, str) and not isinstance(a, bool):
        try:
            return float(a) == float(b)
        except ValueError:
            return False
    if isinstance(b, (int, float)) and isinstance(a, str):
        return _eq(b, a)
    return bool(a == b)


def _contains(haystack: Any, needle: Any) -> bool:
    if isinstance(haystack, list):
        return any(_eq(item, needle) for item in haystack)
    return to_text(needle).casefold() in to_text(haystack).casefold()


def _format(template: Any, *args: Any) -> str:
    text = str(template)
    for index, arg in enumerate(args):
        text = text.replace("{" + str(index) + "}", to_text(arg))
    return text


def _status(name: str, context: Mapping[str, Any]) -> bool:
    job_status = context.get("job", {}).get("status", "success")
    return {
        "always": True,
        "success": job_status == "success",
        "failure": job_status == "failure",
        "cancelled": False,
    }[name]


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "contains": _contains,
    "startswith": lambda a, b: to_text(a).casefold().startswith(to_text(b).casefold()),
    "endswith": lambda a, b: to_text(a).casefold().endswith(to_text(b).casefold()),
    "format": _format,
    "tojson": lambda v: json.dumps(v, indent=2),
    "fromjson": lambda v: json.loads(to_text(v)),
}


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], context: Mapping[str, Any]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.context = context

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise ExpressionError("unexpected end of expression")
        token = self.tokens[self.pos]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r}, got {token[1]!r}")
        self.pos += 1
        return token

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == "||":
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.compare()
        while self.peek() == "&&":
            self.take()
            right = self.compare()
            value = right if truthy(value) else value
        return value

    def compare(self) -> Any:
        value = self.unary()
        while self.peek() in ("==", "!=", "<", "<=", ">", ">="):
            op = self.take()[1]
            right = self.unary()
            if op in ("==", "!="):
                value = _eq(value, right) == (op == "==")
            else:
                value = {"<": value < right, "<=": value <= right, ">": value > right}.get(
                    op, value >= right
                )
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind != "name":
            raise ExpressionError(f"unexpected {text!r}")
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self.peek() == "(":
            return self.call(text)
        if text not in self.context:
            raise ExpressionError(f"unknown context {text!r}")
        return self.context[text]

    def call(self, name: str) -> Any:
        self.take("(")
        args: list[Any] = []
        while self.peek() != ")":
            args.append(self.or_())
            if self.peek() == ",":
                self.take()
        self.take(")")
        if name.lower() in ("always", "success", "failure", "cancelled"):
            return _status(name.lower(), self.context)
        function = _FUNCTIONS.get(name.lower())
        if function is None:
            raise ExpressionError(f"unsupported function {name}()")
        return function(*args)

    def postfix(self, value: Any) -> Any:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                key: Any = self.take()[1]
            else:
                key = self.or_()
                self.take("]")
            if isinstance(value, Mapping):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                value = value[key]
            else:
                value = None
        return value
