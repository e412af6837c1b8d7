"""``odiac status``: services, their latest deployment and URL, and whether the live
project still matches ``opendeploy.toml``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from odiac.cli.output import echo
from odiac.cli.prompt import run_interruptible, warn
from odiac.errors import OdiacError

if TYPE_CHECKING:
    from odiac.cli.context import GlobalOptions
    from odiac.engine import Session


@click.command(
    "status",
    epilog="Example:\n\n\b\n  odiac --env production status\n  odiac status --json | jq '.services[].url'",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.option("--no-plan", is_flag=True, help="Skip the drift check (no source archive is built).")
@click.option(
    "--all-envs",
    is_flag=True,
    help="Every environment the file declares, concurrently, with one summary.",
)
@click.option("--token", help="Gateway token (default: OPENDEPLOY_TOKEN or the auth file).")
@click.pass_obj
def command(
    options: GlobalOptions, as_json: bool, no_plan: bool, all_envs: bool, token: str | None
) -> None:
    """Show each service's size, latest deployment, URL and dependencies, and a
    short plan summary telling whether the live project matches the file."""
    if all_envs:
        if options.environment:
            raise click.UsageError("--all-envs shows every environment; drop --env")
        document, text = run_interruptible(_all(options, token=token, with_plan=not no_plan))
    else:
        from odiac.cli.session import open_session

        async def one() -> tuple[dict[str, Any], str]:
            async with open_session(
                options, flag_token=token, allow_register=False, warn=warn
            ) as session:
                return await _status(session, with_plan=not no_plan)

        document, text = run_interruptible(one())
    echo(json.dumps(document, indent=2, sort_keys=True) if as_json else text.rstrip("\n"))


async def _all(
    options: GlobalOptions, *, token: str | None, with_plan: bool
) -> tuple[dict[str, Any], str]:
    """Every declared environment's status, then one summary line per environment."""
    from odiac.cli.all_envs import for_each_environment

    async def work(session: Session) -> tuple[dict[str, Any], str]:
        return await _status(session, with_plan=with_plan)

    results = await for_each_environment(options, work, token=token, warn=warn)
    blocks: list[str] = []
    rows: list[tuple[str, str, str]] = []
    documents: list[dict[str, Any]] = []
    for result in results:
        if result.value is None:
            error = result.error.message if result.error else "unavailable"
            blocks.append(f"Environment {result.environment}: error: {error}")
            rows.append((result.environment, result.project or "?", f"error: {error}"))
            documents.append({"environment": result.environment, "error": error})
            continue
        document, text = result.value
        blocks.append(text.rstrip("\n"))
        rows.append((result.environment, result.project, _short(document["plan"])))
        documents.append({**document, "error": None})
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    summary = [f"Summary, {len(rows)} environments:"]
    summary += [f"  {e.ljust(width[0])}  {p.ljust(width[1])}  {s}" for e, p, s in rows]
    text = "\n\n".join(blocks) + "\n\n" + "\n".join(summary)
    return {"environments": documents}, text


def _short(plan: dict[str, Any]) -> str:
    if not plan["available"]:
        return f"plan unavailable: {plan['error']}"
    return str(plan["summary"]) if plan["has_changes"] else "in sync"


async def _status(session: Session, *, with_plan: bool) -> tuple[dict[str, Any], str]:
    from odiac.ops.status import gather_status, render_status

    config = session.loaded.config
    report = await gather_status(
        session.client,
        config.project.name,
        session.loaded.environment,
        now=datetime.now(UTC),
    )
    plan = await _plan_summary(session) if with_plan else _skipped()
    return {**report.to_json(), "plan": plan}, render_status(report, _plan_line(plan))


async def _plan_summary(session: Session) -> dict[str, Any]:
    """The plan against the file, summarised; honest about why it may be unavailable."""
    try:
        prepared = await session.prepare(with_checks=False)
    except OdiacError as exc:
        return {"available": False, "has_changes": None, "summary": None, "error": exc.message}
    plan = prepared.plan
    return {
        "available": True,
        "has_changes": plan.has_changes,
        "summary": plan.summary(),
        "counts": plan.counts(),
        "error": None,
    }


def _skipped() -> dict[str, Any]:
    return {
        "available": False,
        "has_changes": None,
        "summary": None,
        "error": "skipped (--no-plan)",
    }


def _plan_line(plan: dict[str, Any]) -> str:
    if not plan["available"]:
        return f"Plan summary unavailable: {plan['error']}"
    if not plan["has_changes"]:
        return "In sync: live state matches opendeploy.toml (no changes)."
    return f"Drift: {plan['summary']} Run `odiac plan` for details."
