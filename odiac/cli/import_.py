"""``odiac import``: write ``opendeploy.toml`` from a live project."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from odiac.cli.output import echo
from odiac.cli.prompt import run_interruptible, warn

if TYPE_CHECKING:
    from odiac.cli.context import GlobalOptions
    from odiac.ops.importer import ImportResult


@click.command(
    "import",
    epilog="Example:\n\n\b\n  odiac import --project shop -o opendeploy.toml\n"
    "  odiac plan   # reports no changes right after an import",
)
@click.option("--project", "project_name", required=True, help="Name of the live project.")
@click.option(
    "--env",
    "environment",
    default=None,
    help="Write into the existing -o file as this environment's overlay and project.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default="opendeploy.toml",
    show_default=True,
    help="File to write.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of text.")
@click.option("--token", help="Gateway token (default: OPENDEPLOY_TOKEN or the auth file).")
@click.pass_obj
def command(
    options: GlobalOptions,
    project_name: str,
    environment: str | None,
    output: str,
    force: bool,
    as_json: bool,
    token: str | None,
) -> None:
    """Write a complete opendeploy.toml describing the live project NAME.

    Services, sizes, replicas, ports, dependencies (as `uses`), subdomains and
    env are written; secret values never are: they become env: references whose
    variables are listed for you to set.
    """
    from odiac.ops.lookup import OperationError

    path = Path(output)
    env = environment or options.env_name
    into_overlay = env is not None and path.exists()
    if path.exists() and not force and not into_overlay:
        raise OperationError(
            f"{output} already exists; nothing was written",
            hint="Pass --force to overwrite it, -o to write elsewhere, or --env NAME to "
            "add the project to it as that environment.",
        )
    gateway = options.resolve_gateway()
    result = run_interruptible(_import(gateway, project_name, env, token))
    if into_overlay and env is not None:
        _write_overlay(path, result, env, replace=force)
        if as_json:
            echo(json.dumps(result.to_json(str(path)), indent=2, sort_keys=True))
        else:
            _report(result, str(path), environment=env)
        return
    _write_checked(path, result.text(), env)
    if as_json:
        echo(json.dumps(result.to_json(str(path)), indent=2, sort_keys=True))
    else:
        _report(result, str(path))


async def _import(
    gateway: str, project: str, environment: str | None, token: str | None
) -> ImportResult:
    from odiac.gateway.local import open_gateway
    from odiac.ops.import_secrets import learn_existing_secrets
    from odiac.ops.importer import build_document, read_live_project

    # Values the folder's own file resolves to are secrets: they never enter the new file.
    learn_existing_secrets(Path("opendeploy.toml"), environment)

    async with open_gateway(
        gateway=gateway,
        workdir=Path.cwd(),
        flag_token=token,
        allow_register=False,
        warn=warn,
    ) as (client, _credential):
        data = await read_live_project(client, project, environment or "staging")
    return build_document(data, gateway=gateway)


def _write_checked(path: Path, text: str, environment: str | None) -> None:
    """Validate the document with the real loader first; write only a loadable file."""
    from odiac.config.loader import load_config

    with tempfile.TemporaryDirectory(prefix="odiac-import-") as scratch:
        trial = Path(scratch) / path.name
        trial.write_text(text, encoding="utf-8")
        load_config(trial, environment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _write_overlay(path: Path, result: ImportResult, environment: str, *, replace: bool) -> None:
    """Add the live project to an existing file as ``[environments.<environment>]``."""
    from odiac.ops.import_overlay import OverlayExists, overlay_document
    from odiac.ops.lookup import OperationError

    try:
        text, notes = overlay_document(
            path.read_text(encoding="utf-8"), result.document, environment, replace=replace
        )
    except OverlayExists:
        raise OperationError(
            f"{path} already has [environments.{environment}]; nothing was written",
            hint="Pass --force to replace that environment's overlay.",
        ) from None
    result.notes.extend(notes)
    _write_checked(path, text, environment)


def _report(result: ImportResult, path: str, *, environment: str | None = None) -> None:
    deps = len(result.dependencies)
    where = f"[environments.{environment}] of {path}" if environment else path
    echo(
        f'Wrote {where} for project "{result.project}": {len(result.services)} '
        f"service{'s' if len(result.services) != 1 else ''}, {deps} "
        f"dependenc{'ies' if deps != 1 else 'y'}."
    )
    if result.required:
        echo("Secret values are not in the file. Set these environment variables first:")
        width = max(len(r.variable) for r in result.required)
        for req in result.required:
            echo(f"  {req.variable.ljust(width)}  {', '.join(req.used_by)}")
    for item in result.notes:
        echo(f"Note: {item}")
    echo(f"Then check it with: odiac plan{f' --env {environment}' if environment else ''}")
