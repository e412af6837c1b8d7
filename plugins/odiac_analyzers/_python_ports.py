"""Listener evidence in Python code (analysis-rules 4.3 "Python code", analysis-rules 4.4).

``app.run(port=N)`` and ``uvicorn.run(..., port=N)`` are rung-3 evidence. The
port expression may read ``PORT`` with a fallback (``os.environ.get("PORT", N)``,
``os.getenv("PORT", N)``), wrapped in ``int(...)``/``str(...)`` on either side,
or name a variable assigned in the same file (one level).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.ports import call_arguments, number_of

if TYPE_CHECKING:
    from odiac.analysis.context import AnalysisContext, ServiceDraft

# `app.run(`, `uvicorn.run(`, `socketio.run(`, or a bare imported `run(`; never `def run(`.
_RUN_CALL = re.compile(r"(?:\b[A-Za-z_][\w.]*\.|(?<![\w.])(?<!def ))run\(")
_PORT_KWARG = re.compile(r"port\s*=(?!=)\s*(?P<expr>.+)", re.S)
_WRAPPER = re.compile(r"(?:int|str)\(\s*(?P<inner>.*)\)", re.S)
_ENV_READ = re.compile(
    r"(?:os\.)?(?:environ\.get|getenv)\(\s*[\"'](?P<name>\w+)[\"']\s*(?:,\s*(?P<fb>.+?))?\s*\)",
    re.S,
)


def _unwrap(expr: str) -> str:
    expr = expr.strip()
    while match := _WRAPPER.fullmatch(expr):
        expr = match["inner"].strip()
    return expr


def port_of(expr: str, text: str, *, follow: bool = True) -> tuple[int | None, bool]:
    """Port of a ``port=`` expression: ``(port, honours_PORT)`` per analysis-rules 4.4.

    ``int(os.environ.get("PORT", "8000"))`` gives ``(8000, True)``, ``8080`` gives
    ``(8080, False)``, ``os.environ["PORT"]`` gives ``(None, True)``. A
    non-standard variable (``APP_PORT``) does not honour ``PORT``: its default is
    the literal port.
    """
    expr = _unwrap(expr)
    env = _ENV_READ.fullmatch(expr)
    if env:
        fallback = number_of(_unwrap(env["fb"]), text) if env["fb"] else None
        return fallback, env["name"] == "PORT"
    if re.fullmatch(r"(?:os\.)?environ\[\s*[\"']PORT[\"']\s*\]", expr):
        return None, True
    if not follow and re.fullmatch(r"[A-Za-z_]\w*", expr):
        return None, False  # analysis-rules 4.4: a second level of indirection is not followed
    value = number_of(expr, text)
    if value is not None:
        return value, False
    if follow and re.fullmatch(r"[A-Za-z_]\w*", expr):
        define = re.search(rf"^\s*{expr}\s*(?::\s*\w+\s*)?=(?!=)\s*(.+)$", text, re.M)
        if define:
            return port_of(define[1], text, follow=False)
    return None, False


def code_ports(ctx: AnalysisContext, svc: ServiceDraft, files: list[str]) -> None:
    """Record rung-3 candidates from ``*.run(..., port=...)`` calls in ``files``."""
    for rel in files:
        text = ctx.index.read(rel) or ""
        if "run(" not in text or "port" not in text:
            continue
        for match in _RUN_CALL.finditer(text):
            for arg in call_arguments(text, match.end()):
                kwarg = _PORT_KWARG.fullmatch(arg)
                if kwarg is None:
                    continue
                port, honours = port_of(kwarg["expr"], text)
                line = ctx.index.line_of(rel, match.start())
                if port is not None:
                    note = match[0].rstrip("(")
                    svc.add_port(3, port, file=rel, line=line, note=note, honours_port=honours)
                elif honours:
                    svc.honours_port = True
