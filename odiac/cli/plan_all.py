"""``odiac plan --all-envs``: every declared environment's plan, grouped, with one summary."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from odiac.cli.all_envs import EnvResult, for_each_environment
from odiac.cli.output import echo
from odiac.errors import PlanError
from odiac.redact import redact

if TYPE_CHECKING:
    from collections.abc import Callable

    from odiac.cli.context import GlobalOptions
    from odiac.engine import Session
    from odiac.plan.model import Plan

Located = tuple[str, "Callable[[tuple[str, ...]], tuple[str, int] | None]"]


async def plan_all_envs(
    options: GlobalOptions, *, fmt: str, token: str | None, warn: Callable[[str], None]
) -> bool:
    """Plan every environment; print them grouped and summarised.

    Returns:
        Whether any environment has changes.

    Raises:
        PlanError: Some environment could not be planned (after printing all of them).
    """
    from odiac import engine
    from odiac.cli.session import print_findings

    async def work(session: Session) -> tuple[Plan, Located]:
        result = await engine.plan(session)
        print_findings(result, err=True)
        engine.refuse_on_errors(result)
        return result.plan, (str(session.loaded.path), session.locate)

    results = await for_each_environment(
        options, work, token=token, allow_no_credential=True, warn=_once(warn)
    )
    echo(render_all(results, fmt))
    if fmt == "github":
        _step_summary(results)
    failed = [r for r in results if r.error is not None]
    if failed:
        names = ", ".join(r.environment for r in failed)
        raise PlanError(
            f"{len(failed)} of {len(results)} environments could not be planned: {names}"
        )
    return any(r.value is not None and r.value[0].has_changes for r in results)


def _once(warn: Callable[[str], None]) -> Callable[[str], None]:
    seen: set[str] = set()

    def once(message: str) -> None:
        if message not in seen:
            seen.add(message)
            warn(message)

    return once


def _status(result: EnvResult[tuple[Plan, Located]]) -> str:
    if result.error is not None or result.value is None:
        return f"error: {result.error.message if result.error else 'not planned'}"
    plan = result.value[0]
    return plan.summary() if plan.has_changes else "no changes"


def summary_rows(results: list[EnvResult[tuple[Plan, Located]]]) -> list[tuple[str, str, str]]:
    return [(r.environment, r.project or "?", _status(r)) for r in results]


def _headline(results: list[EnvResult[tuple[Plan, Located]]]) -> str:
    drifted = sum(1 for r in results if r.value is not None and r.value[0].has_changes)
    failed = sum(1 for r in results if r.error is not None)
    text = f"{len(results)} environments: {drifted} with changes"
    return text + (f", {failed} failed" if failed else "")


def render_all(results: list[EnvResult[tuple[Plan, Located]]], fmt: str) -> str:
    """The grouped output of every environment in ``fmt`` plus the summary."""
    if fmt == "json":
        return json.dumps(_json(results), indent=2, sort_keys=True)
    if fmt == "markdown":
        return _markdown(results)
    if fmt == "github":
        return _github(results)
    from odiac.plan.render_text import render_text

    blocks = []
    for result in results:
        if result.value is not None:
            blocks.append(render_text(result.value[0]).rstrip("\n"))
        else:
            blocks.append(f"Environment {result.environment}: {_status(result)}")
    rows = summary_rows(results)
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"Summary, {_headline(results)}:"]
    lines += [f"  {e.ljust(width[0])}  {p.ljust(width[1])}  {s}" for e, p, s in rows]
    return "\n\n".join(blocks) + "\n\n" + "\n".join(lines)


def _json(results: list[EnvResult[tuple[Plan, Located]]]) -> dict[str, Any]:
    from odiac.plan.render_json import render_json

    environments = []
    for result in results:
        entry: dict[str, Any] = {
            "environment": result.environment,
            "project": result.project or None,
            "has_changes": None,
            "error": result.error.message if result.error is not None else None,
            "plan": None,
        }
        if result.value is not None:
            plan = result.value[0]
            entry["has_changes"] = plan.has_changes
            entry["plan"] = json.loads(render_json(plan))
        environments.append(entry)
    return {
        "environments": environments,
        "has_changes": any(e["has_changes"] for e in environments),
        "failed": [e["environment"] for e in environments if e["error"]],
    }


def _markdown_summary(results: list[EnvResult[tuple[Plan, Located]]]) -> str:
    lines = [
        f"## odiac plan: {_headline(results)}",
        "",
        "| environment | project | result |",
        "|---|---|---|",
    ]
    lines += [f"| `{e}` | `{p}` | {_cell(s)} |" for e, p, s in summary_rows(results)]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _data(text: str) -> str:
    """A workflow-command message: %, CR and LF are escaped as GitHub requires."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _markdown(results: list[EnvResult[tuple[Plan, Located]]]) -> str:
    from odiac.plan.render_markdown import render_markdown

    parts = [_markdown_summary(results)]
    for result in results:
        if result.value is not None:
            parts.append(render_markdown(result.value[0]).rstrip("\n") + "\n")
        else:
            parts.append(f"### `{result.environment}`\n\n{_status(result)}\n")
    return "\n".join(parts).rstrip("\n")


def _github(results: list[EnvResult[tuple[Plan, Located]]]) -> str:
    from odiac.plan.render_github import render_github

    lines: list[str] = []
    for result in results:
        title = f"Environment {result.environment} (project {result.project or '?'})"
        lines.append(f"::group::{_data(title)}")
        if result.value is not None:
            plan, (config_file, locate) = result.value
            lines.append(render_github(plan, locate, config_file=config_file).rstrip("\n"))
        else:
            lines.append(
                f"::error::{_data(f'environment {result.environment}: {_status(result)}')}"
            )
        lines.append("::endgroup::")
    lines.append(f"::notice::{_headline(results)}")
    return "\n".join(lines)


def _step_summary(results: list[EnvResult[tuple[Plan, Located]]]) -> None:
    """Append the grouped Markdown to the GitHub Actions job summary, when running there."""
    import os

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(redact(_markdown(results)) + "\n")
