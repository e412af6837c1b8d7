"""The ``odiac`` command line: thin click commands over the layers below.

Subcommands are imported lazily so that ``odiac --help`` and ``odiac --version``
never import httpx, deepdiff or the emulator.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from odiac import __version__
from odiac.cli.context import GlobalOptions

if TYPE_CHECKING:
    from collections.abc import Callable

EXIT_USAGE = 64

# name -> ("module:attribute", one-line help). The help text lives here so that
# `odiac --help` can list commands without importing them.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("odiac.cli.validate:command", "Check opendeploy.toml offline."),
    "schema": ("odiac.cli.schema:command", "Print the JSON Schema of opendeploy.toml."),
    "auth": ("odiac.cli.auth:group", "Show the credential odiac would use."),
    "emulator": ("odiac.cli.emulator:group", "Run the local OpenDeploy gateway emulator."),
    "plan": ("odiac.cli.plan:command", "Show what apply would change (drift detection)."),
    "apply": ("odiac.cli.apply:command", "Make the live project match opendeploy.toml."),
    "init": ("odiac.cli.init:command", "Analyse an app and write opendeploy.toml."),
    "plugins": ("odiac.cli.plugins:command", "List installed odiac plugins."),
    "secrets": ("odiac.cli.secrets:group", "Check that every secret reference resolves."),
    "status": ("odiac.cli.status:command", "Show services, deployments and URLs."),
    "logs": ("odiac.cli.logs:command", "Show or follow deployment logs."),
    "rollback": ("odiac.cli.rollback:command", "Roll a service back to an earlier deployment."),
    "cancel": ("odiac.cli.cancel:command", "Cancel a running deployment."),
    "redeploy": ("odiac.cli.redeploy:command", "Redeploy a service's current source."),
    "import": ("odiac.cli.import_:command", "Write opendeploy.toml from a live project."),
    "destroy": ("odiac.cli.destroy:command", "Delete one environment's project (asks first)."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when they are used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if _available(name))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or not _available(cmd_name):
            return None
        module_name, attr = entry[0].split(":")
        command = getattr(importlib.import_module(module_name), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{entry[0]} is not a click command")
        _accept_global_options(command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


# Options users naturally write after the subcommand too (`odiac plan --env production`).
_REPEATABLE = {
    "environment": ("--env", "Environment (default: the file's default, staging unless set)."),
    "config_path": ("--config", "Path to the configuration file (default: opendeploy.toml)."),
    "gateway": ("--gateway", "Gateway base URL (with /api) or 'local'; overrides the file."),
}


#: Commands that read no configuration and use no gateway (``emulator serve`` is one).
_NO_GLOBALS = frozenset({("emulator", "serve")})


def _accept_global_options(command: click.Command, parent: str = "") -> None:
    """Let a subcommand (or each command of a group) take --env/--config/--gateway too."""
    if (parent, command.name) in _NO_GLOBALS:
        return
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _accept_global_options(sub, command.name or "")
        return
    taken = {opt for param in command.params for opt in getattr(param, "opts", ())}
    for field, (flag, help_text) in _REPEATABLE.items():
        if flag in taken:
            continue
        command.params.append(
            click.Option(
                [flag],
                help=help_text,
                expose_value=False,
                is_eager=True,
                callback=_override(field),
            )
        )


def _override(field: str) -> Callable[[click.Context, click.Parameter, str | None], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value is not None and isinstance(ctx.obj, GlobalOptions):
            overrides: dict[str, Any] = {field: value}
            ctx.obj = dataclasses.replace(ctx.obj, **overrides)

    return callback


def _available(name: str) -> bool:
    module_name = COMMANDS[name][0].split(":")[0]
    return importlib.util.find_spec(module_name) is not None


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Example:\n\n  odiac plan --env production --detailed-exitcode",
)
@click.option(
    "-C",
    "--chdir",
    type=click.Path(exists=True, file_okay=False),
    help="Run as if odiac was started in this directory.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Path to the configuration file (default: opendeploy.toml).",
)
@click.option("--gateway", help="Gateway base URL (with /api) or 'local'; overrides the file.")
@click.option(
    "--env",
    "environment",
    default=None,
    help="Environment (default: the file's default, staging unless set).",
)
@click.option("-v", "--verbose", count=True, help="More output; -vv logs HTTP traffic (redacted).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and the final result.")
@click.option("--no-color", is_flag=True, help="Disable colours (NO_COLOR is honoured too).")
@click.version_option(__version__, "--version", prog_name="odiac", message="%(prog)s %(version)s")
@click.pass_context
def cli(
    ctx: click.Context,
    chdir: str | None,
    config_path: str | None,
    gateway: str | None,
    environment: str | None,
    verbose: int,
    quiet: bool,
    no_color: bool,
) -> None:
    """Infrastructure-as-Code for OpenDeploy: keep your project in opendeploy.toml."""
    if chdir:
        os.chdir(chdir)
    if verbose >= 2 and not quiet:
        from odiac.gateway.traffic import enable_http_logging

        enable_http_logging()
    ctx.obj = GlobalOptions(
        config_path=config_path,
        gateway=gateway,
        environment=environment,
        verbosity=-1 if quiet else verbose,
        color=not no_color and "NO_COLOR" not in os.environ,
    )


def main(argv: list[str] | None = None) -> None:
    """Console entry point: maps errors to exit codes (usage errors exit 64)."""
    from odiac.errors import OdiacError

    try:
        # Without standalone mode, click returns the code of ctx.exit(n) instead of exiting.
        rc = cli.main(args=argv, prog_name="odiac", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code)
    except OdiacError as exc:
        from odiac.cli.output import report_error

        report_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    sys.exit(rc if isinstance(rc, int) else 0)
