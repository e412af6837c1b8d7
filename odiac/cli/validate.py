"""``odiac validate``: check the configuration file offline, without credentials."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from odiac.cli.context import GlobalOptions
from odiac.cli.output import echo
from odiac.config.diagnostics import Diagnostic, count_summary
from odiac.config.loader import load_config
from odiac.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path


@click.command("validate")
@click.option("--json", "as_json", is_flag=True, help='Print {"valid": ..., "diagnostics": [...]}.')
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_context
def command(ctx: click.Context, as_json: bool, strict: bool) -> None:
    """Check opendeploy.toml and report every problem with its line and key.

    Runs offline: no gateway is contacted and no credential is needed. Exits 1
    when the file is invalid (or has warnings, with --strict).
    """
    options = ctx.find_object(GlobalOptions) or GlobalOptions()
    path, environment = options.config_file, options.env_name
    gateway = options.gateway_override
    overrides = {"gateway.url": gateway} if gateway else None
    summary = ""
    try:
        loaded = load_config(path, environment, overrides=overrides)
    except ConfigError as exc:
        diagnostics = [d for d in exc.diagnostics if isinstance(d, Diagnostic)]
        valid = False
    else:
        diagnostics = list(loaded.warnings)
        valid = not (strict and diagnostics)
        services, dependencies = len(loaded.config.services), len(loaded.config.dependencies)
        summary = (
            f"{path} is valid (environment {loaded.environment}: {_count(services, 'service')},"
            f" {_count(dependencies, 'dependency', 'dependencies')})."
        )
    todos = _todos(path)
    diagnostics += todos
    if strict and todos:
        valid = False
    if as_json:
        payload = {"valid": valid, "diagnostics": [d.to_dict() for d in diagnostics]}
        echo(json.dumps(payload, indent=2))
    else:
        for diagnostic in diagnostics:
            echo(str(diagnostic), err=diagnostic in todos)
        if not valid:
            echo(f"{path} is invalid: {count_summary(diagnostics)}.")
        else:
            echo(summary)
    if not valid:
        # SystemExit, not ctx.exit(): a non-standalone click main returns Exit codes.
        sys.exit(ConfigError.exit_code)


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def _todos(path: Path) -> list[Diagnostic]:
    """A warning per ``# TODO(odiac):`` review comment still in the file."""
    from odiac.config.todos import MARK, find_todos

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [
        Diagnostic(str(path), todo.line, 1, (), f"{MARK} {todo.message}", severity="warning")
        for todo in find_todos(text)
    ]
