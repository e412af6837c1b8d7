"""``odiac plan``: show what ``odiac apply`` would change, or save it to a file.

Exit codes: 0 success (with ``--detailed-exitcode``: no changes), 1 error,
2 changes present (only with ``--detailed-exitcode``), 64 usage error.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import TYPE_CHECKING

import click

from odiac.cli.output import echo
from odiac.cli.session import open_session, print_findings

if TYPE_CHECKING:
    from odiac.cli.context import GlobalOptions
    from odiac.engine import PlanResult, Session
    from odiac.plan.model import Plan

EXIT_CHANGES = 2


@click.command("plan")
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when there are changes, 0 when there are none (drift alarm for CI).",
)
@click.option(
    "-o",
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    help="Save the plan to this file for `odiac apply FILE`.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Machine-readable plan (docs/plan-format.md)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "markdown"]),
    default="text",
    show_default=True,
    help="Output format: github prints workflow annotations for drifted keys (and writes "
    "the Markdown summary to $GITHUB_STEP_SUMMARY when set); markdown suits PR comments.",
)
@click.option(
    "--allow-detach-volumes",
    is_flag=True,
    help="Detach volumes no longer in opendeploy.toml (kept, restorable for 7 days) "
    "instead of listing them for you to handle.",
)
@click.option(
    "--all-envs",
    is_flag=True,
    help="Plan every environment the file declares, concurrently, with one summary.",
)
@click.option(
    "--destroy",
    is_flag=True,
    help="Preview what `odiac destroy` would delete in this environment.",
)
@click.option("--token", help="Gateway token (default: OPENDEPLOY_TOKEN or the auth file).")
@click.pass_obj
def command(
    options: GlobalOptions,
    detailed_exitcode: bool,
    out_path: str | None,
    as_json: bool,
    fmt: str,
    allow_detach_volumes: bool,
    all_envs: bool,
    destroy: bool,
    token: str | None,
) -> None:
    """Refresh the live state and show the changes apply would make.

    Example:

      odiac plan --env production --detailed-exitcode -o plan.json
    """
    fmt = "json" if as_json else fmt
    if all_envs or destroy:
        if out_path:
            raise click.UsageError("-o saves one environment's plan; it cannot be combined here")
        if all_envs and destroy:
            raise click.UsageError("--destroy previews one environment; drop --all-envs")
        if all_envs and options.environment:
            raise click.UsageError("--all-envs plans every environment; drop --env")
    if all_envs:
        from odiac.cli.plan_all import plan_all_envs

        has_changes = asyncio.run(plan_all_envs(options, fmt=fmt, token=token, warn=_warn))
    elif destroy:
        has_changes = asyncio.run(_plan_destroy(options, fmt=fmt, token=token))
    else:
        has_changes = asyncio.run(
            _plan(
                options,
                fmt=fmt,
                out_path=out_path,
                token=token,
                allow_detach_volumes=allow_detach_volumes,
            )
        )
    if detailed_exitcode and has_changes:
        # SystemExit, not click's Exit: the entry point runs click with
        # standalone_mode=False, where click returns Exit codes instead of exiting.
        sys.exit(EXIT_CHANGES)


async def _plan(
    options: GlobalOptions,
    *,
    fmt: str,
    out_path: str | None,
    token: str | None,
    allow_detach_volumes: bool = False,
) -> bool:
    async with open_session(
        options, flag_token=token, allow_register=False, warn=_warn, allow_no_credential=True
    ) as session:
        from odiac import engine

        result = await engine.plan(
            session, plan_file=out_path, allow_detach_volumes=allow_detach_volumes
        )
        if session.credential is None:
            echo(_first_run_note(session), err=True)
        print_findings(result, err=True, locate=session.locate)
        engine.refuse_on_errors(result)
        _render(session, result, fmt)
        if out_path:
            engine.save_plan(result, out_path)
            if fmt == "text":
                echo(f"Saved the plan to {out_path}. Apply it with: odiac apply {out_path}")
        return result.plan.has_changes


async def _plan_destroy(options: GlobalOptions, *, fmt: str, token: str | None) -> bool:
    """``--destroy``: what destroy would delete; "changes" when the project exists."""
    from odiac.cli.destroy import preview
    from odiac.ops.destroy import DestroyRefused, read_target, refuse_pending_agent

    async with open_session(
        options, flag_token=token, allow_register=False, warn=_warn, allow_no_credential=True
    ) as session:
        loaded = session.loaded
        if session.credential is None:
            echo(_first_run_note(session), err=True)
            from odiac.ops.destroy import DestroyTarget

            target = DestroyTarget(loaded.environment, loaded.config.project.name, None, None)
        else:
            target = await read_target(
                session.client, loaded.config.project.name, loaded.environment
            )
        refusal = None
        if target.exists and session.credential is not None:
            try:
                await refuse_pending_agent(session.client, session.credential, target)
            except DestroyRefused as exc:
                refusal = f"{exc.message}. {exc.hint}"
        echo(preview(target, refusal, as_json=fmt == "json"))
        return target.exists


def _first_run_note(session: Session) -> str:
    """What a plan made before any credential exists means (never registers: plan is read-only)."""
    note = "No credential yet: planned against an empty project; `odiac apply` will register a client agent"
    if session.is_local:
        return note + "."  # the local gateway never reads OPENDEPLOY_TOKEN
    return note + " (or set OPENDEPLOY_TOKEN)."


def _render(session: Session, result: PlanResult, fmt: str) -> None:
    plan = result.plan
    if fmt == "json":
        from odiac.plan.render_json import render_json

        echo(render_json(plan).rstrip("\n"))
    elif fmt == "github":
        from odiac.plan.render_github import render_github

        echo(render_github(plan, session.locate, config_file=str(session.loaded.path)).rstrip("\n"))
        _step_summary(plan)
    elif fmt == "markdown":
        from odiac.plan.render_markdown import render_markdown

        echo(render_markdown(plan).rstrip("\n"))
    else:
        from odiac.plan.render_text import render_text

        echo(render_text(plan).rstrip("\n"))


def _step_summary(plan: Plan) -> None:
    """Append the Markdown plan to the GitHub Actions job summary, when running there."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from odiac.plan.render_markdown import render_step_summary
    from odiac.redact import redact

    with open(target, "a", encoding="utf-8") as handle:
        handle.write(redact(render_step_summary(plan)))


def _warn(message: str) -> None:
    echo(f"Warning: {message}", err=True)
