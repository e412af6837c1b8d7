"""``odiac apply``: make the live project match ``opendeploy.toml`` (or a saved plan).

Exit codes: 0 success or nothing to do, 1 error or failed actions, 130 interrupted,
64 usage error.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from odiac.cli.output import echo, is_interactive
from odiac.cli.session import open_session, print_findings
from odiac.errors import ApplyError

if TYPE_CHECKING:
    from odiac.apply.events import ApplyResult, Reporter
    from odiac.apply.jsonl import JsonLinesReporter
    from odiac.cli.context import GlobalOptions
    from odiac.engine import ApplyOutcome, PlanResult, Session
    from odiac.gateway.auth import Credential
    from odiac.plan.model import Plan

EXIT_INTERRUPTED = 130


@click.command("apply")
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False))
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation (CI).")
@click.option(
    "--parallelism",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Maximum actions in flight.",
)
@click.option("--follow-logs", is_flag=True, help="Stream deployment logs while waiting.")
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Seconds to wait for another apply of this folder to finish.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Write JSON Lines events to stdout (docs/events.md); needs --auto-approve or PLAN_FILE.",
)
@click.option(
    "--allow-detach-volumes",
    is_flag=True,
    help="Detach volumes no longer in opendeploy.toml (kept, restorable for 7 days) "
    "instead of listing them for you to handle.",
)
@click.option("--token", help="Gateway token (default: OPENDEPLOY_TOKEN or the auth file).")
@click.pass_obj
def command(
    options: GlobalOptions,
    plan_file: str | None,
    auto_approve: bool,
    parallelism: int,
    follow_logs: bool,
    lock_timeout: float,
    as_json: bool,
    allow_detach_volumes: bool,
    token: str | None,
) -> None:
    """Apply the changes of a fresh plan (after confirmation) or of a saved PLAN_FILE.

    A saved plan is re-checked first and refused when anything it was made from
    changed (live state, configuration, source or a secret).

    Example:

      odiac apply --auto-approve --env production
    """
    if as_json and plan_file is None and not auto_approve:
        raise click.UsageError(
            "--json cannot ask for confirmation: add --auto-approve or PLAN_FILE"
        )
    _read_file_first(options)
    if plan_file is None and not auto_approve and not is_interactive():
        raise ApplyError(
            "refusing to apply without confirmation: there is no terminal to ask on",
            hint="Pass --auto-approve (CI), or apply a reviewed plan file: "
            "odiac plan -o plan.json && odiac apply plan.json",
        )
    from odiac.apply.lock import ApplyLock

    # One apply per folder at a time; the lock dies with its holder (even SIGKILL).
    with ApplyLock.acquire(Path.cwd(), wait=lock_timeout, command="odiac apply") as lock:
        if lock.previous is not None:
            echo(f"Warning: {lock.previous_note()}", err=True)
        try:
            result = asyncio.run(
                _apply(
                    options,
                    plan_file=plan_file,
                    auto_approve=auto_approve,
                    parallelism=parallelism,
                    follow_logs=follow_logs,
                    token=token,
                    as_json=as_json,
                    allow_detach_volumes=allow_detach_volumes,
                )
            )
        except asyncio.CancelledError:
            # A second Ctrl-C cancelled the run; the entry point reports it (exit 130).
            raise KeyboardInterrupt from None
    if result is None:
        return
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)  # SystemExit: see odiac.cli.plan
    if not result.ok:
        raise ApplyError(
            "apply did not finish: " + result.summary(),
            hint="Fix the failures above and run apply again; it converges.",
        )


def _read_file_first(options: GlobalOptions) -> None:
    """Load the configuration before asking for a terminal or taking the folder's lock.

    A missing or invalid file is the first thing to say, and a folder that cannot be
    planned is left as it was (no ``.opendeploy/apply.lock``).

    Raises:
        ConfigError: The file is missing or invalid (every problem listed).
    """
    from odiac.config.loader import load_config

    gateway = options.gateway_override
    load_config(
        options.config_file,
        options.env_name,
        overrides={"gateway.url": gateway} if gateway else None,
    )


async def _apply(
    options: GlobalOptions,
    *,
    plan_file: str | None,
    auto_approve: bool,
    parallelism: int,
    follow_logs: bool,
    token: str | None,
    as_json: bool = False,
    allow_detach_volumes: bool = False,
) -> ApplyResult | None:
    from odiac import engine

    async with open_session(options, flag_token=token, allow_register=True, warn=_warn) as session:
        planned = await engine.plan(
            session, plan_file=plan_file, allow_detach_volumes=allow_detach_volumes
        )
        print_findings(planned, err=True, locate=session.locate)
        engine.refuse_on_errors(planned)
        plan = engine.saved_plan(session, planned, plan_file) if plan_file else planned.plan
        events = _json_reporter() if as_json else None
        if events is not None:
            events.plan(plan)
        elif plan_file is None:
            from odiac.plan.render_text import render_text

            echo(render_text(plan).rstrip("\n"))
            if plan.has_changes and not auto_approve and not _confirm():
                raise ApplyError("apply cancelled; nothing was changed")
        outcome = await _run(
            session, planned, plan, plan_file, parallelism, follow_logs, options.verbosity, events
        )
        result = outcome.result
        if events is not None:
            url = outcome.claim_url
            events.summary(result, claim={"url": url, "expires": "6h"} if url else None)
        else:
            print_outcome(result, session.require_credential(), local=session.is_local)
        return result


def _json_reporter() -> JsonLinesReporter:
    from odiac.apply.jsonl import JsonLinesReporter

    return JsonLinesReporter(lambda line: click.echo(line))


def _confirm() -> bool:
    return click.confirm("Apply these changes?", default=False)


async def _run(
    session: Session,
    planned: PlanResult,
    plan: Plan,
    plan_file: str | None,
    parallelism: int,
    follow_logs: bool,
    verbosity: int,
    events: JsonLinesReporter | None = None,
) -> ApplyOutcome:
    """Apply with the reporter this terminal suits; Ctrl-C stops, a second one aborts."""
    from odiac import engine
    from odiac.apply import Timing
    from odiac.apply.progress import PlainReporter, RichReporter

    timing = Timing()
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    reporter: Reporter
    rich_reporter: RichReporter | None = None
    if events is not None:
        reporter = events
    elif is_interactive() and verbosity >= 0:
        from rich.console import Console

        rich_reporter = RichReporter(Console())
        reporter = rich_reporter
    else:
        reporter = PlainReporter(echo, quiet=verbosity < 0)

    def on_interrupt() -> None:
        if timing.stop.is_set() and task is not None:
            task.cancel()  # second Ctrl-C: abort now
            return
        timing.stop.set()
        reporter.note("Stopping: no new action starts; Ctrl-C again to abort at once.")

    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, on_interrupt)
    try:
        with rich_reporter or contextlib.nullcontext():
            return await engine.apply(
                session,
                planned,
                plan,
                plan_file=plan_file,
                reporter=reporter,
                parallelism=parallelism,
                follow_logs=follow_logs,
                timing=timing,
            )
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)


def print_outcome(result: ApplyResult, credential: Credential, *, local: bool) -> None:
    """Failures (with hints and log tails), outcomes, the report and the claim block."""
    from odiac.apply.report import claim_lines, failure_lines, outcome_lines, report_lines

    for line in failure_lines(result):
        echo(line, err=True)
    for line in [*outcome_lines(result), *report_lines(result, local=local)]:
        echo(line)
    for line in claim_lines(result, credential, local=local):
        # Not redacted: the claim URL must carry the bind signature to be usable.
        click.echo(line)


def _warn(message: str) -> None:
    echo(f"Warning: {message}", err=True)
