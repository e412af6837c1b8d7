"""Walk the plan's dependency graph with bounded concurrency.

Actions start as soon as everything they depend on is done, at most
``parallelism`` working at a time (a deployment watch gives its slot back while
it only polls). A failed action's dependents are skipped (they name
the failure); independent branches carry on. A stop request (Ctrl-C) starts
nothing new, lets running actions end, and reports the rest as skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from graphlib import TopologicalSorter
from typing import TYPE_CHECKING, Any

from odiac.apply import deploy, resources, volumes
from odiac.apply.deploy import DeploymentFailed
from odiac.apply.events import ActionResult, Outcome
from odiac.apply.runtime import Slots
from odiac.errors import OdiacError

if TYPE_CHECKING:
    from odiac.apply.runtime import Runtime
    from odiac.plan.model import Action, Plan

Step = Callable[["Runtime", Any], Awaitable[str]]

STEPS: dict[str, Step] = {
    "create_project": resources.create_project,
    "create_dependency": resources.create_dependency,
    "create_service": resources.create_service,
    "update_service": resources.update_service,
    "set_env": resources.set_env,
    "upload_source": deploy.upload_source,
    "bind_source": deploy.bind_source,
    "deploy": deploy.deploy,
    "rename_subdomain": deploy.rename_subdomain,
    "create_volume": volumes.create_volume,
    "resize_volume": volumes.resize_volume,
    "restore_volume": volumes.restore_volume,
    "detach_volume": volumes.detach_volume,
}

DEFAULT_PARALLELISM = 4


async def run_actions(
    plan: Plan, rt: Runtime, *, parallelism: int = DEFAULT_PARALLELISM
) -> list[ActionResult]:
    """Execute every action of ``plan`` in dependency order; never raises for an action."""
    rt.slots = Slots(parallelism)
    ids = {a.id for a in plan.actions}
    graph = {a.id: {d for d in a.depends_on if d in ids} for a in plan.actions}
    sorter: TopologicalSorter[str] = TopologicalSorter(graph)
    sorter.prepare()
    results: dict[str, ActionResult] = {}
    running: dict[asyncio.Task[ActionResult | None], str] = {}
    stop = rt.timing.stop
    try:
        while True:
            if not stop.is_set():
                for action_id in sorter.get_ready():
                    task = asyncio.create_task(_run_slotted(rt, plan.action(action_id)))
                    running[task] = action_id
            if not running:
                break
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                action_id = running.pop(task)
                result = task.result()
                if result is None:  # stopped before it started
                    continue
                results[action_id] = result
                if result.outcome in ("done", "manual"):
                    sorter.done(action_id)
    finally:
        for task in running:
            task.cancel()
    for action in plan.actions:
        if action.id not in results:
            result = _skipped(action, graph, results, interrupted=stop.is_set())
            results[action.id] = result
            rt.reporter.finished(result)
    return [results[a.id] for a in plan.actions]


async def _run_slotted(rt: Runtime, action: Action) -> ActionResult | None:
    async with rt.slots.hold():
        if rt.timing.stop.is_set():
            return None
        rt.reporter.started(action)
        result = await _run_one(rt, action)
        rt.reporter.finished(result)  # inside the slot, so progress reads in order
        return result


async def _run_one(rt: Runtime, action: Action) -> ActionResult:
    if action.kind == "manual":
        return _result(action, "manual", action.reason)
    try:
        detail = await STEPS[action.kind](rt, action)
    except DeploymentFailed as exc:
        return _result(action, "failed", exc.message, exc.hint, tuple(exc.log_tail))
    except OdiacError as exc:
        outcome: Outcome = "interrupted" if rt.timing.stop.is_set() else "failed"
        return _result(action, outcome, exc.message, exc.hint)
    return _result(action, "done", detail)


def _result(
    action: Action,
    outcome: Outcome,
    detail: str,
    hint: str | None = None,
    log_tail: tuple[str, ...] = (),
) -> ActionResult:
    return ActionResult(
        action_id=action.id,
        address=action.address,
        kind=action.kind,
        outcome=outcome,
        detail=detail,
        hint=hint,
        log_tail=log_tail,
    )


def _skipped(
    action: Action,
    graph: dict[str, set[str]],
    results: dict[str, ActionResult],
    *,
    interrupted: bool,
) -> ActionResult:
    blockers = sorted(_failed_ancestors(action.id, graph, results))
    if blockers:
        detail = "skipped: depends on " + ", ".join(blockers) + ", which did not finish"
    else:
        detail = "skipped: apply was interrupted" if interrupted else "skipped"
    return _result(action, "skipped", detail)


def _failed_ancestors(
    action_id: str, graph: dict[str, set[str]], results: dict[str, ActionResult]
) -> set[str]:
    found: set[str] = set()
    stack = list(graph.get(action_id, ()))
    seen: set[str] = set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        result = results.get(current)
        if result is not None and result.outcome in ("failed", "interrupted"):
            found.add(current)
        elif result is None:
            stack.extend(graph.get(current, ()))
    return found
