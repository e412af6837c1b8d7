"""``odiac secrets check``: resolve every secret reference, print none of the values.

Runs offline (no gateway, no credential): a CI gate before ``odiac apply``.
Exit codes: 0 every reference resolves, 1 one fails (or the file is invalid),
64 usage error.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from odiac.cli.context import GlobalOptions
from odiac.cli.output import echo
from odiac.errors import OdiacError

if TYPE_CHECKING:
    from odiac.desired import Reference, RunSecrets

SHOW_VALUES_WARNING = (
    "WARNING: --show-values prints secret values in clear text. Do not run it in CI"
    " or anywhere its output is recorded."
)


@dataclass(frozen=True)
class Outcome:
    """How one reference fared: ``error`` is None when it resolved."""

    reference: Reference
    error: str | None = None
    hint: str | None = None
    value: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "key_path": self.reference.where,
            "reference": self.reference.ref.secret,
            "scheme": self.reference.ref.scheme,
            "resolved": self.error is None,
            "error": self.error,
            "hint": self.hint,
        }


@click.group("secrets")
def group() -> None:
    """Work with the secret references of opendeploy.toml."""


@group.command("check")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report (no values).")
@click.option(
    "--show-values",
    is_flag=True,
    help="Also print the resolved values, in clear text (never with --json).",
)
@click.pass_context
def check(ctx: click.Context, as_json: bool, show_values: bool) -> None:
    """Resolve every secret reference of the chosen environment (--env).

    Reports each reference with its key path and, when it fails, the backend's
    reason; values are never printed (unless --show-values). Works offline.
    Exits 1 when any reference fails.

    Example:

      odiac secrets check --env production
    """
    if as_json and show_values:
        raise click.UsageError("--show-values cannot be combined with --json")
    options = ctx.find_object(GlobalOptions) or GlobalOptions()
    outcomes, warnings, environment = _check(options)
    if show_values:
        click.echo(SHOW_VALUES_WARNING, err=True)
    if as_json:
        payload = {
            "environment": environment,
            "ok": all(o.error is None for o in outcomes),
            "references": [o.to_dict() for o in outcomes],
            "warnings": warnings,
        }
        echo(json.dumps(payload, indent=2))
    else:
        _print_text(outcomes, warnings, environment, show_values=show_values)
    if any(o.error is not None for o in outcomes):
        sys.exit(1)  # SystemExit: the entry point runs click with standalone_mode=False


def _check(options: GlobalOptions) -> tuple[list[Outcome], list[str], str]:
    from odiac.config.loader import load_config
    from odiac.desired import RunSecrets, secret_references
    from odiac.plugin.manager import get_plugin_manager
    from odiac.plugin.types import SecretContext

    loaded = load_config(options.config_file, options.env_name)
    context = SecretContext(workdir=loaded.path.resolve().parent, environment=loaded.environment)
    secrets = RunSecrets(get_plugin_manager(), context)
    outcomes = [_resolve(secrets, ref) for ref in secret_references(loaded.config)]
    return outcomes, list(secrets.warnings), loaded.environment


def _resolve(secrets: RunSecrets, reference: Reference) -> Outcome:
    try:
        value = secrets.resolve(reference.ref)
    except OdiacError as exc:
        prefix = f"secret reference {reference.ref.secret}: "
        message = exc.message.removeprefix(prefix)
        return Outcome(reference, error=message, hint=exc.hint)
    if reference.key_path[0] == "dependencies" and reference.key_path[-1] == "password":
        from odiac.config.rules import dependency_password_problem

        problem = dependency_password_problem(value)
        if problem is not None:
            # The gateway would refuse it at create (gateway-api 3.4.2); say so before apply.
            return Outcome(
                reference, error=f"the resolved value is not a usable password: {problem}"
            )
    return Outcome(reference, value=value)


def _print_text(
    outcomes: list[Outcome], warnings: list[str], environment: str, *, show_values: bool
) -> None:
    for warning in warnings:
        echo(f"Warning: {warning}", err=True)
    if not outcomes:
        echo(f"No secret references in environment {environment}.")
        return
    width = max(len(o.reference.where) for o in outcomes)
    for outcome in outcomes:
        status = "ok" if outcome.error is None else "FAILED"
        line = f"{status:<6}  {outcome.reference.where:<{width}}  {outcome.reference.ref.secret}"
        if show_values and outcome.value is not None:
            # Deliberately unredacted: the user asked to see the value.
            click.echo(f"{line}  = {outcome.value}")
            continue
        echo(line)
        if outcome.error is not None:
            echo(f"        {outcome.error}")
            if outcome.hint:
                echo(f"        Hint: {outcome.hint}")
    failed = sum(o.error is not None for o in outcomes)
    total = len(outcomes)
    noun = "reference" if total == 1 else "references"
    echo(
        f"{total} secret {noun} in environment {environment}: "
        f"{total - failed} resolve, {failed} failed."
    )
