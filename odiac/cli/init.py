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


@click.command("init")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option("--name", help="Project name (default: the folder name as a DNS label).")
@click.option("--force", is_flag=True, help="Overwrite an existing opendeploy.toml.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the analysis (§9 payload); write nothing."
)
@click.option("--explain", is_flag=True, help="Print the evidence ledger and review items.")
@click.pass_context
def command(
    ctx: click.Context, path: Path, name: str | None, force: bool, as_json: bool, explain: bool
) -> None:
    """Detect services, ports, databases and env names, then write opendeploy.toml.

    Reads the source only (nothing is installed, built or run) and never copies a
    value from a real .env file: required secrets become { secret = "env:NAME" }
    references. Ambiguous facts are left as commented TODOs.
    """
    from odiac.analysis.pipeline import dns_label
    from odiac.analysis.scaffold import render
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
    text = render(result, project, gateway=options.gateway or "local")
    target.write_text(text, encoding="utf-8")
    services = ", ".join(
        f"{s.name} ({s.framework or s.language or 'unknown'})" for s in result.services
    )
    echo(f"Wrote {target}: {services}.")
    for ext in result.external:
        if ext.kind in ("external", "sidecar"):
            echo(f"  external: {ext.name} ({ext.image}) is not built; supply it yourself")
    todo = [item for item in result.review if item.severity == "blocking"]
    for item in todo:
        echo(f"  review: {item.service or 'project'}: {item.message}")
    if not explain:
        echo("Run `odiac init --explain` to see the evidence, then `odiac validate`.")


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
