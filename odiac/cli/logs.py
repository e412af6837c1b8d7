"""``odiac logs``: show or follow the logs of a service's deployment."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import click
import click.shell_completion

from odiac.cli.output import echo
from odiac.cli.prompt import note, run_interruptible, warn
from odiac.ops.logs import MAX_TAIL, parse_duration

if TYPE_CHECKING:
    from odiac.cli.context import GlobalOptions
    from odiac.engine import Session
    from odiac.gateway.models import Deployment, Service
    from odiac.ops.logs import LogFilter, StreamItem


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> timedelta | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def _complete_services(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """Service names of ``opendeploy.toml`` (read offline, leniently) for shell completion."""
    import tomllib
    from pathlib import Path

    root = ctx.find_root().params
    folder = Path(root.get("chdir") or ".")
    config = Path(root.get("config_path") or ctx.params.get("config_path") or "opendeploy.toml")
    try:
        document = tomllib.loads((folder / config).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    services = document.get("services")
    names = sorted(services) if isinstance(services, dict) else []
    return [click.shell_completion.CompletionItem(n) for n in names if n.startswith(incomplete)]


@click.command(
    "logs",
    epilog="Examples:\n\n\b\n  odiac logs web --tail 50\n  odiac logs web --build --since 10m\n"
    "  odiac logs web --follow",
)
@click.argument("service", shell_complete=_complete_services)
@click.option("--deployment", "deployment_id", help="Deployment id (default: the newest).")
@click.option(
    "--tail",
    type=click.IntRange(0, MAX_TAIL),
    default=None,
    help="Show only the last N lines (default: the gateway's 100).",
)
@click.option("--since", callback=_duration, help="Only lines newer than this: 30s, 10m, 2h, 1d.")
@click.option("-f", "--follow", is_flag=True, help="Keep streaming until the deployment ends.")
@click.option("--build", "build_only", is_flag=True, help="Only build-phase lines (buildctl).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line (JSON Lines).")
@click.option("--token", help="Gateway token (default: OPENDEPLOY_TOKEN or the auth file).")
@click.pass_obj
def command(
    options: GlobalOptions,
    service: str,
    deployment_id: str | None,
    tail: int | None,
    since: timedelta | None,
    follow: bool,
    build_only: bool,
    as_json: bool,
    token: str | None,
) -> None:
    """Show the logs of SERVICE's newest deployment (or --deployment ID).

    Lines show their timestamp and phase (system, build, deploy); secret values
    are masked. With --follow, streams until the deployment ends; Ctrl-C stops.
    """
    from odiac.ops.logs import LogFilter

    since_at = datetime.now(UTC) - since if since is not None else None
    filters = LogFilter(since=since_at, build_only=build_only)
    run_interruptible(
        _logs(
            options,
            service=service,
            deployment_id=deployment_id,
            tail=tail,
            filters=filters,
            follow=follow,
            as_json=as_json,
            token=token,
        )
    )


async def _logs(
    options: GlobalOptions,
    *,
    service: str,
    deployment_id: str | None,
    tail: int | None,
    filters: LogFilter,
    follow: bool,
    as_json: bool,
    token: str | None,
) -> None:
    from odiac.cli.session import open_session
    from odiac.ops.logs import (
        fetch_lines,
        format_line,
        line_json,
        pick_deployment,
        register_service_secrets,
    )
    from odiac.ops.logs import follow as follow_stream
    from odiac.ops.lookup import find_project, find_service

    async with open_session(options, flag_token=token, allow_register=False, warn=warn) as session:
        client = session.client
        project = await find_project(client, session.loaded.config.project.name)
        svc = await find_service(client, project, service)
        await register_service_secrets(client, project, svc)
        await _register_referenced(session, svc)
        deployment = await pick_deployment(client, project, svc, deployment_id)
        loud = options.verbosity >= 0 and not as_json
        if loud:
            note(f"Logs of {svc.name}, deployment {deployment.id} ({deployment.status}).")
        page = await fetch_lines(client, deployment.id, tail=tail, filters=filters, whole=follow)
        for line in page.lines:
            echo(json.dumps(line_json(line)) if as_json else format_line(line))
        if page.never_logged and deployment.status == "failed":
            _no_lines(deployment, as_json)
        if not follow or deployment.terminal:
            if follow and loud:
                note(f"Deployment {deployment.id} already ended ({deployment.status}).")
            return
        if loud:
            note("Following (Ctrl-C to stop)...")
        async for item in follow_stream(client, deployment.id, filters=filters, skip=page.total):
            _show(item, as_json=as_json, loud=loud)


async def _register_referenced(session: Session, svc: Service) -> None:
    """Mask the live values of keys the file fills from secret references.

    ``register_service_secrets`` knows sensitive key names only; ``API_KEY = { secret =
    "cmd:..." }`` is a secret too, whatever its name, and an app may print it.
    """
    from odiac.config.model import SecretRef
    from odiac.redact import register

    section = session.loaded.config.services.get(svc.name)
    if section is None:
        return
    runtime = [k for k, v in section.env.items() if isinstance(v, SecretRef)]
    build = [k for k, v in section.build_env.items() if isinstance(v, SecretRef)]
    if not runtime and not build:
        return
    detail = await session.client.get_service(svc.id)
    for key in runtime:
        register(detail.runtime_variables.get(key))
    for key in build:
        register(detail.build_variables.get(key))


def _show(item: StreamItem, *, as_json: bool, loud: bool) -> None:
    from odiac.ops.logs import format_line, line_json

    if item.line is not None:
        echo(json.dumps(line_json(item.line)) if as_json else format_line(item.line))
    elif as_json:
        echo(json.dumps({"type": "status", "status": item.status, "progress": item.progress}))
    elif loud:
        note(f"-- status: {item.status} ({item.progress}%)")


def _no_lines(deployment: Deployment, as_json: bool) -> None:
    text = (
        f"Deployment {deployment.id} failed before writing any log line: the project had "
        "no bound source. Run `odiac apply` to upload and bind it, then deploy again."
    )
    if as_json:
        body: dict[str, Any] = {"type": "notice", "message": text}
        echo(json.dumps(body))
    else:
        note(text)
