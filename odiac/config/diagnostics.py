"""Diagnostics: one problem in a configuration file, with where it is.

A diagnostic prints like a compiler message::

    opendeploy.toml:14:7 services.web.cpu: "two" is not a Kubernetes CPU quantity

Lines and columns are 1-based; ``0`` means "no position" (a missing file, or a
value given on the command line rather than in the file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from odiac.redact import redact

if TYPE_CHECKING:
    from collections.abc import Iterable

Severity = Literal["error", "warning"]
KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True, order=True)
class Location:
    """A position in a file (1-based line and column)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a configuration file.

    Attributes:
        file: The file as the user named it (e.g. ``opendeploy.toml``).
        line: 1-based line, 0 when there is no position.
        column: 1-based column, 0 when there is no position.
        key_path: Where in the document, e.g. ``("services", "web", "cpu")``.
        message: What is wrong, never containing a secret value.
        severity: ``"error"`` fails loading; ``"warning"`` is advice.
    """

    file: str
    line: int
    column: int
    key_path: KeyPath
    message: str
    severity: Severity = "error"

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.column)

    @property
    def dotted_path(self) -> str:
        return format_key_path(self.key_path)

    def __str__(self) -> str:
        where = str(self.location)
        if self.key_path:
            where = f"{where} {self.dotted_path}"
        prefix = "warning: " if self.severity == "warning" else ""
        return redact(f"{where}: {prefix}{self.message}")

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form (``odiac validate --json``)."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "key_path": list(self.key_path),
            "path": self.dotted_path,
            "severity": self.severity,
            "message": redact(self.message),
        }


def format_key_path(key_path: KeyPath) -> str:
    """``("services", "web", "uses", 0)`` -> ``services.web.uses[0]``; odd keys are quoted."""
    out = ""
    for part in key_path:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        text = part if _BARE_KEY.match(part) else '"' + part.replace('"', '\\"') + '"'
        out += f".{text}" if out else text
    return out


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """File order (line, column), then key path and message, without duplicates."""
    unique = {(d.file, d.line, d.column, d.key_path, d.message, d.severity): d for d in diagnostics}
    return sorted(
        unique.values(),
        key=lambda d: (d.file, d.line or 10**9, d.column, format_key_path(d.key_path), d.message),
    )


def count_summary(diagnostics: Iterable[Diagnostic]) -> str:
    """``"2 errors, 1 warning"``."""
    diags = list(diagnostics)
    errors = sum(1 for d in diags if d.severity == "error")
    warnings = len(diags) - errors
    parts = [_plural(errors, "error")]
    if warnings:
        parts.append(_plural(warnings, "warning"))
    return ", ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@dataclass(frozen=True)
class Problem:
    """A problem at a key path of the document, before it is given a file position.

    Attributes:
        key_path: Where in the document (file key space, overlays included).
        message: What is wrong.
        severity: ``"error"`` or ``"warning"``.
        at_key: Point at the key rather than its value (unknown or misnamed keys).
        kind: The rule that failed (``"missing"``, ``"unknown_key"``, ...).
        origin: ``"file"``, or ``"override"`` for values given by the caller.
    """

    key_path: KeyPath
    message: str
    severity: Severity = "error"
    at_key: bool = False
    kind: str = ""
    origin: Literal["file", "override"] = "file"
