"""The applier: make the live project match a plan.

Example:
    result = await apply_plan(plan, client=client, desired=desired, live=live,
                              archive_path=archive.path, reporter=SilentReporter())
    print(result.summary())

Actions run in the plan's dependency order with bounded concurrency; every
mutation is read back and compared with the plan; creates never duplicate
(lookup by stable name first, re-read after an ambiguous failure). See
:mod:`odiac.apply.executor`, :mod:`odiac.apply.resources` and
:mod:`odiac.apply.deploy`.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from odiac.apply.deploy import DOMAIN_TYPES
from odiac.apply.events import (
    ActionResult,
    ApplyResult,
    DependencyReport,
    Reporter,
    ServiceReport,
    SilentReporter,
)
from odiac.apply.executor import DEFAULT_PARALLELISM, run_actions
from odiac.apply.runtime import Runtime
from odiac.apply.watch import Timing
from odiac.state.refresh import gateway_environment

if TYPE_CHECKING:
    from pathlib import Path

    from odiac.gateway.client import GatewayClient
    from odiac.plan.inputs import DesiredState, LiveState
    from odiac.plan.model import Plan

__all__ = [
    "DEFAULT_PARALLELISM",
    "ActionResult",
    "ApplyResult",
    "Reporter",
    "SilentReporter",
    "Timing",
    "apply_plan",
]


async def apply_plan(
    plan: Plan,
    *,
    client: GatewayClient,
    desired: DesiredState,
    live: LiveState,
    archive_path: Path | None = None,
    git_token: str | None = None,
    reporter: Reporter | None = None,
    parallelism: int = DEFAULT_PARALLELISM,
    follow_logs: bool = False,
    timing: Timing | None = None,
) -> ApplyResult:
    """Execute ``plan`` against the gateway and report what happened.

    Args:
        plan: The plan (fresh, or loaded and checked for staleness).
        client: An open gateway client.
        desired: The desired state the plan was made from (holds the values).
        live: The live state the plan was made against (holds the known ids).
        archive_path: The built source archive, when the plan uploads source.
        git_token: Resolved Git token, for Git sources.
        reporter: Receives progress (default: silent).
        parallelism: Maximum actions in flight.
        follow_logs: Stream deployment logs to the reporter.
        timing: Sleep/clock/stop; set ``timing.stop`` to stop scheduling (Ctrl-C).

    Returns:
        Per-action outcomes plus the project / service / dependency report.
    """
    rt = Runtime(
        client=client,
        desired=desired,
        live=live,
        environment=gateway_environment(desired.environment),
        timing=timing or Timing(),
        reporter=reporter or SilentReporter(),
        archive_path=archive_path,
        git_token=git_token,
        follow_logs=follow_logs,
    )
    results = await run_actions(plan, rt, parallelism=parallelism)
    outcome = ApplyResult(results=results, interrupted=rt.timing.stop.is_set())
    await _fill_report(rt, outcome)
    return outcome


async def _fill_report(rt: Runtime, outcome: ApplyResult) -> None:
    """The §7.1.8 report: one line per service, deployment and dependency."""
    outcome.project_id = rt.project_id
    if not rt.project_id:
        return
    names = [n for n in sorted(rt.desired.services) if n in rt.service_ids]
    # Workers, cron jobs and internal-only services have no public URL, whatever
    # domain rows the gateway keeps.
    public = {
        n
        for n in names
        if rt.desired.services[n].type in DOMAIN_TYPES
        and not rt.desired.services[n].get("internal_only")
    }
    missing = [n for n in names if n not in rt.domains and n in public]
    rows = await asyncio.gather(
        *(
            rt.client.list_domains(rt.service_ids[n], environment=rt.environment, type="auto")
            for n in missing
        )
    )
    urls = {n: d.url for n, d in rt.domains.items()}
    urls.update({n: found[0].url for n, found in zip(missing, rows, strict=True) if found})
    for name in names:
        deployment = rt.deployments.get(name)
        live_svc = rt.live.services.get(name)
        known = live_svc.running_deployment or live_svc.latest_deployment if live_svc else None
        outcome.services.append(
            ServiceReport(
                name=name,
                service_id=rt.service_ids[name],
                url=urls.get(name) if name in public else None,
                public=name in public,
                deployment_id=deployment.id if deployment else (known.id if known else None),
                deployment_status=deployment.status
                if deployment
                else (known.status if known else None),
            )
        )
    for name, dep in sorted(rt.desired.dependencies.items()):
        if name not in rt.dependency_ids:
            continue
        injected = sorted(
            key
            for svc in rt.desired.services.values()
            if name in svc.uses
            for key in rt.dependency_env.get(name, {})
            if key in svc.env
        )
        outcome.dependencies.append(
            DependencyReport(
                name=name,
                engine=dep.engine,
                dependency_id=rt.dependency_ids[name],
                injected=tuple(sorted(set(injected))),
            )
        )
