"""The commands' door to the engine: global options to a session, findings to text."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from odiac.cli.output import echo

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from odiac.cli.context import GlobalOptions
    from odiac.engine import PlanResult, Session


@contextlib.asynccontextmanager
async def open_session(
    options: GlobalOptions,
    *,
    flag_token: str | None,
    allow_register: bool,
    warn: Callable[[str], None] | None = None,
    client_options: dict[str, Any] | None = None,
    allow_no_credential: bool = False,
) -> AsyncIterator[Session]:
    """:func:`odiac.engine.open_session` for the file, environment and gateway the
    global options name (``--gateway``, then ``OD_GATEWAY``, over the file's)."""
    from odiac.engine import open_session as engine_session

    async with engine_session(
        options.config_file,
        environment=options.env_name,
        gateway=options.gateway_override,
        token=flag_token,
        allow_register=allow_register,
        warn=warn,
        client_options=client_options,
        allow_no_credential=allow_no_credential,
    ) as session:
        yield session


def print_findings(
    result: PlanResult,
    *,
    err: bool = True,
    locate: Callable[[tuple[str, ...]], tuple[str, int] | None] | None = None,
) -> None:
    """Print check findings (each once, with file:line), source and plan warnings."""
    claim_url = next((f.claim_url for f in result.findings if f.claim_url), None)
    for finding in result.findings:
        label = "Error" if finding.severity == "error" else "Warning"
        where = ".".join(finding.key_path)
        prefix = f"{where}: " if where and not finding.message.startswith(where) else ""
        at = locate(finding.key_path) if locate is not None and finding.key_path else None
        position = f"{at[0]}:{at[1]}: " if at is not None else ""
        echo(f"{label}: {position}{prefix}{finding.message}", err=err)
        if finding.hint:
            echo(f"  Hint: {finding.hint}", err=err)
    if claim_url is not None:
        import click

        # Not redacted: the claim URL must carry the bind signature to be usable.
        click.echo(f"  Claim URL: {claim_url}", err=err)
    for warning in result.warnings:
        echo(f"Warning: {warning}", err=err)
