"""``odiac init``: analyse a source tree and write a commented ``opendeploy.toml``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from odiac.cli.context import DEFAULT_CONFIG, GlobalOptions
from odiac.cli.output import echo

if TYPE_CHECKING:
    from odiac.analysis.result import ProjectAnalysisResult
    from odiac.cli.init_account import Target


@click.command("init")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option("--name", help="Project name (default: the folder name as a DNS label).")
@click.option("--force", is_flag=True, help="Overwrite an existing opendeploy.toml.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the analysis (§9 payload); write nothing."
)
@click.option("--explain", is_flag=True, help="Print the evidence ledger and review items.")
@click.option(
    "--account/--anonymous",
    "account",
    default=None,
    help="Size for an account, or for an unclaimed agent's limits (default: from the "
    "credential apply would use).",
)
@click.pass_context
def command(
    ctx: click.Context,
    path: Path,
    name: str | None,
    force: bool,
    as_json: bool,
    explain: bool,
    account: bool | None,
) -> None:
    """Detect services, ports, databases and env names, then write opendeploy.toml.

    Reads the source only (nothing is installed, built or run) and never copies a
    value from a real .env file: required secrets become { secret = "env:NAME" }
    references. Everything uncertain is written as a `# TODO(odiac):` comment at
    the key it concerns; `odiac validate` warns while any remain.

    With no credential yet, or an unclaimed client agent, sizes fit the anonymous
    limits (1 CPU, 1Gi memory, 1 replica, one service per project): the first web
    service stays active and the others are written commented out. With
    OPENDEPLOY_TOKEN or a claimed agent, every service is written with the
    platform's default sizes.
    """
    from odiac.analysis.pipeline import dns_label
    from odiac.analysis.scaffold import render
    from odiac.cli.init_account import Target, detect
    from odiac.config.todos import find_todos
    from odiac.plugin.manager import get_plugin_manager

    options = ctx.find_object(GlobalOptions) or GlobalOptions()
    result = get_plugin_manager().analyze(path)
    if as_json:
        echo(json.dumps(result.payload(), indent=2, sort_keys=True))
    if explain:
        _explain(result)
    if result.refusal is not None:
        if not as_json:
            echo(result.refusal.reason, err=True)
        sys.exit(1)
    if as_json:
        return
    target = path / DEFAULT_CONFIG
    if target.exists() and not force:
        echo(f"{target} already exists; pass --force to overwrite it.", err=True)
        sys.exit(1)
    project = dns_label(name) if name else result.project_name
    gateway = options.gateway or _previous_gateway(target) or "local"
    if account is None:
        target_account = detect(path, gateway)
    else:
        target_account = Target(account, "--account" if account else "--anonymous")
    text = render(result, project, gateway=gateway, account=target_account.account)
    target.write_text(text, encoding="utf-8")
    services = ", ".join(
        f"{s.name} ({s.framework or s.language or 'unknown'})" for s in result.services
    )
    echo(f"Wrote {target}: {services}.")
    _sizing(result, target_account)
    for ext in result.external:
        if ext.kind in ("external", "sidecar"):
            echo(f"  external: {ext.name} ({ext.image}) is not built; supply it yourself")
    todos = find_todos(text)
    if todos:
        echo(f"{len(todos)} item(s) to review, marked TODO(odiac) in the file:")
        for todo in todos:
            echo(f"  {target}:{todo.line}: {todo.message}")
    if not explain:
        echo("Run `odiac init --explain` to see the evidence, then `odiac validate`.")


def _sizing(result: ProjectAnalysisResult, target: Target) -> None:
    if target.account:
        echo(f"Sizes: the platform's defaults for an account ({target.why}).")
        return
    echo(f"Sizes: within an unclaimed agent's limits, 1 CPU, 1Gi memory, 1 replica ({target.why}).")
    if len(result.services) > 1:
        from odiac.analysis.scaffold_review import primary_service

        keep = primary_service(result)
        rest = ", ".join(s.name for s in result.services if s.name != keep)
        echo(
            f"An unclaimed agent runs one service per project: {keep} is active and {rest} "
            "are written commented out. Claim the agent (apply prints the claim link) or set "
            "OPENDEPLOY_TOKEN, then run `odiac init --account --force` to deploy them all."
        )


def _explain(result: ProjectAnalysisResult) -> None:
    for row in result.ledger:
        if row.decision == "wall_time_ms":
            continue
        where = "; ".join(str(ev) for ev in row.evidence) or "-"
        echo(f"{row.service or '(project)'}: {row.decision} = {row.value}  [{where}]", err=True)
    for item in result.review:
        where = "; ".join(str(ev) for ev in item.evidence)
        suffix = f"  [{where}]" if where else ""
        echo(f"{item.severity}: {item.service or '(project)'}: {item.message}{suffix}", err=True)


def _previous_gateway(target: Path) -> str | None:
    """The gateway the file being overwritten named (a re-run keeps it)."""
    import tomllib

    try:
        url = tomllib.loads(target.read_text(encoding="utf-8"))["gateway"]["url"]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError):
        return None
    return url if isinstance(url, str) and url else None
