"""``odiac schema``: print the JSON Schema of opendeploy.toml for editors."""

from __future__ import annotations

from pathlib import Path

import click

from odiac.config.schema import render_schema


@click.command("schema")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema to this file instead of standard output.",
)
def command(output: Path | None) -> None:
    """Print the JSON Schema of opendeploy.toml (format version 1).

    Editors that understand JSON Schema for TOML (taplo, Even Better TOML) use
    it for completion and inline errors; point them at it with a first line
    such as ``#:schema ./opendeploy.schema.json``.
    """
    text = render_schema()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.")
