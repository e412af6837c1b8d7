"""Terminal output helpers: the only place (with the commands) that prints."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from odiac.redact import redact

if TYPE_CHECKING:
    from odiac.errors import OdiacError


def echo(text: str = "", *, err: bool = False) -> None:
    """Print redacted text."""
    click.echo(redact(text), err=err)


def report_error(exc: OdiacError) -> None:
    """Print an odiac error (and its hint) to stderr, redacted."""
    diagnostics = getattr(exc, "diagnostics", None)
    if diagnostics:
        for diag in diagnostics:
            echo(str(diag), err=True)
    echo(f"Error: {exc.message}", err=True)
    if exc.hint:
        echo(f"Hint: {exc.hint}", err=True)


def is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()
