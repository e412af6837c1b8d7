"""``odiac plugins``: list the loaded analyzers, secret backends and policies."""

from __future__ import annotations

import json

import click

from odiac.cli.output import echo


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
def command(as_json: bool) -> None:
    """List every plugin record with its kind, version and distribution.

    Plugins named in ODIAC_DISABLE_PLUGINS (comma-separated) are not loaded.
    """
    from odiac.plugin.manager import get_plugin_manager

    rows = get_plugin_manager().listing()
    if as_json:
        echo(
            json.dumps(
                [
                    {
                        "name": r.name,
                        "kind": r.kind,
                        "plugin": r.plugin,
                        "version": r.version,
                        "distribution": r.distribution,
                        "priority": r.priority,
                        "description": r.description,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return
    headers = ("NAME", "KIND", "VERSION", "DISTRIBUTION", "DESCRIPTION")
    table = [(r.name, r.kind, r.version, r.distribution, r.description) for r in rows]
    widths = [
        max(len(h), *(len(row[i]) for row in table)) if table else len(h)
        for i, h in enumerate(headers[:-1])
    ]
    for row in [headers, *table]:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        echo("  ".join([*cells, row[-1]]).rstrip())
