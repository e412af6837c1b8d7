"""Help text speaks plainly: no codes of documents users don't have."""

from __future__ import annotations

import re

import click

from odiac.cli import COMMANDS, cli

CODES = re.compile(r"§|\b[FQ]\d{1,2}\b|gateway-api|analysis-rules|contract")


def _commands() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    with click.Context(cli) as ctx:
        for name in sorted(COMMANDS):
            command = cli.get_command(ctx, name)
            if command is None:
                continue
            found.append((name, command))
            if isinstance(command, click.Group):
                found.extend(
                    (f"{name} {sub}", command.get_command(ctx, sub))  # type: ignore[misc]
                    for sub in command.list_commands(ctx)
                )
    return found


def test_every_command_is_reached() -> None:
    names = {name for name, _ in _commands()}
    assert {"plan", "apply", "init", "destroy", "emulator serve"} <= names


def test_help_of_every_command_names_no_spec_code() -> None:
    offending = []
    for name, command in _commands():
        with click.Context(command, info_name=name) as ctx:
            text = command.get_help(ctx)
        offending += [
            f"odiac {name}: {line.strip()}" for line in text.splitlines() if CODES.search(line)
        ]
    assert offending == []
