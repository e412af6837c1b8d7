"""Port evidence helpers (analysis-rules 4).

Analyzers record candidates on rungs 1-3 and a framework default (rung 4);
:func:`resolve_port` in the pipeline walks the ladder.
"""

from __future__ import annotations

import re

TLS_PORTS = frozenset({443, 8443})
NON_HTTP = frozenset(
    {21, 22, 2222, 23, 25, 465, 587, 2525, 53, 110, 143, 993, 995, 389, 636, 1883, 8883,
     3306, 5432, 27017, 6379, 9000, 9229, 9230, 5678, 9418, 5672, 11211, 9042, 9092}
)  # fmt: skip
DEBUG_PORTS = frozenset({9229, 9230, 5678})
METRICS_PORTS = frozenset({9090, 9100, 9464})
COMMON_HTTP = (80, 8080, 3000, 3001, 4000, 4173, 4321, 5000, 5173, 8000, 8001, 8081, 8501,
               8888, 7860, 1323, 9292, 4567)  # fmt: skip

# analysis-rules 4.3 generic CLI flags; group "n" is the literal, group "env" a $PORT reference.
_FLAG_PATTERNS = (
    r"--port[= ]\s*(?:(?P<n>\d{2,5})\b|\$\{?PORT(?::?[-=](?P<d>\d+))?\}?)",
    r"(?<![\w-])-p\s+(?:(?P<n>\d{2,5})\b|\$\{?PORT(?::?[-=](?P<d>\d+))?\}?)",
    r"(?:--bind|-b|--listen|--http|--http-socket)[= ]\s*[\"']?(?:[\w.\[\]:]*?)?:(?:(?P<n>\d{2,5})\b|\$\{?PORT(?::?[-=](?P<d>\d+))?\}?)",
    r"(?:--server\.port|-Dserver\.port|server\.port)[= ]\s*(?:(?P<n>\d{2,5})\b|\$\{?PORT(?::?[-=](?P<d>\d+))?\}?)",
    r"\bphp\s+(?:-\w+\s+)*-S\s+[\w.\[\]]*:(?:(?P<n>\d{2,5})\b|\$\{?PORT(?::?[-=](?P<d>\d+))?\}?)",
    r"--urls[= ]\s*[\"']?https?://[^:\s]+:(?:(?P<n>\d{2,5})\b|\$\{?PORT(?::?[-=](?P<d>\d+))?\}?)",
)
FLAG_RE = [re.compile(p) for p in _FLAG_PATTERNS]
_SHELL_PORT = re.compile(r"\$\{PORT:?[-=](?P<d>\d+)\}")


def command_ports(command: str) -> list[tuple[int | None, bool]]:
    """Ports named by a start command's flags.

    Returns:
        ``(port, honours_port)`` pairs: ``(8000, False)`` for ``--port 8000``,
        ``(3000, True)`` for ``${PORT:-3000}``, ``(None, True)`` for a bare ``$PORT``.
    """
    found: list[tuple[int | None, bool]] = []
    for regex in FLAG_RE:
        for match in regex.finditer(command):
            if match["n"]:
                found.append((int(match["n"]), False))
            else:
                found.append((int(match["d"]) if match["d"] else None, True))
    if not found:
        for match in _SHELL_PORT.finditer(command):
            found.append((int(match["d"]), True))
    return found


def mentions_port_env(command: str) -> bool:
    """Whether a command passes ``$PORT`` to the program."""
    return bool(re.search(r"\$\{?PORT\b", command))


def choose_http_port(
    ports: list[int], preferred: frozenset[int] = frozenset()
) -> tuple[int | None, list[int], bool]:
    """Pick the HTTP port among several exposed ones (analysis-rules 4.2).

    A metrics port (9090…) is dropped unless it is one of ``preferred``, the app's own
    HTTP listener literals: then it is the app's port, not a metrics endpoint.

    Returns:
        ``(port, ignored, ambiguous)``; ``port`` is None when nothing qualifies
        or when several candidates remain (``ambiguous``).
    """
    unique = list(dict.fromkeys(ports))
    ignored = [
        p
        for p in unique
        if p in TLS_PORTS or p in NON_HTTP or (p in METRICS_PORTS and p not in preferred)
    ]
    left = [p for p in unique if p not in ignored]
    if len(left) <= 1:
        return (left[0] if left else None), ignored, False
    pref = [p for p in left if p in preferred]
    if len(pref) == 1:
        return pref[0], ignored, False
    common = [p for p in left if p in COMMON_HTTP]
    if len(common) == 1:
        return common[0], ignored, False
    return None, ignored, True


def number_of(expr: str, text: str) -> int | None:
    """Integer value of ``expr``: a literal, a quoted literal, or one level of ``NAME = N``.

    analysis-rules 4.4: wrappers such as ``parseInt(...)``/``int(...)`` are transparent; a
    constant defined in another file (or two levels deep) is not followed.
    """
    expr = expr.strip()
    expr = re.sub(r"^(?:parseInt|Number|int|String|str)\(\s*", "", expr).rstrip(") ,")
    expr = expr.strip("\"'` ")
    if re.fullmatch(r"\d{2,5}", expr):
        return int(expr)
    if re.fullmatch(r"[A-Za-z_]\w*", expr):
        define = re.search(
            rf"(?:const|let|var|final|static)?\s*\b{re.escape(expr)}\b\s*(?::\s*\w+)?\s*:?=\s*[\"']?(\d{{2,5}})[\"']?",
            text,
        )
        if define:
            return int(define[1])
    return None


_CLOSERS = {"(": ")", "[": "]", "{": "}"}


def _expression_end(text: str, start: int, stops: str) -> int:
    """Index of the first top-level character of ``stops`` at or after ``start``.

    Nested brackets and quoted strings are skipped. Returns ``len(text)`` (or the
    scan limit) when the expression does not end.
    """
    stack: list[str] = []
    quote = ""
    end = min(len(text), start + 2000)
    for index in range(start, end):
        char = text[index]
        if quote:
            if char == quote and text[index - 1] != "\\":
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char in _CLOSERS:
            stack.append(_CLOSERS[char])
        elif stack and char == stack[-1]:
            stack.pop()
        elif not stack and char in stops:
            return index
    return end


def argument_at(text: str, start: int) -> str:
    """The expression at ``start`` up to its top-level ``,``, ``)``, ``}``, ``;`` or newline.

    ``Number(process.env.PORT) || 8080`` and ``parseInt(process.env.PORT || "80", 10)``
    come back whole, so the analysis-rules 4.4 wrappers can be seen through.
    """
    return text[start : _expression_end(text, start, ",)};\n")].strip()


def call_arguments(text: str, start: int) -> list[str]:
    """Top-level arguments of the call whose ``(`` ends just before ``start``."""
    args: list[str] = []
    for _ in range(64):  # no real call has more arguments; bounds a runaway scan
        end = _expression_end(text, start, ",)")
        if arg := text[start:end].strip():
            args.append(arg)
        if end >= len(text) or text[end] != ",":
            break
        start = end + 1
    return args
