"""Deployment progress and logs as a pure function of elapsed virtual time.

A deployment stores only its creation time and a *plan* fixed at creation
(normal build, no-source fast failure, rollback, and where it fails). Status,
progress and log lines at any instant follow from that (gateway-api 4.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TERMINAL = frozenset({"success", "failed", "cancelled", "rolled_back"})

WORKFLOW_START = 0.5
NOSOURCE_FAIL = 1.0
BUILD_START = 1.0
DEPLOY_START = 4.0
SUCCESS = 7.0
BUILD_FAIL = 2.5
DEPLOY_FAIL = 5.0
ROLLBACK_SUCCESS = 3.5


@dataclass(frozen=True)
class Line:
    """One log line, ``offset`` seconds after the deployment was created."""

    offset: float
    level: str
    source: str
    message: str


def end_offset(plan: dict[str, Any]) -> float:
    """Seconds after creation at which the plan reaches a terminal status."""
    mode = plan.get("mode")
    if mode == "nosource":
        return NOSOURCE_FAIL
    if mode == "rollback":
        return DEPLOY_FAIL if plan.get("fail") == "deploy" else ROLLBACK_SUCCESS
    if plan.get("fail") == "build":
        return BUILD_FAIL
    if plan.get("fail") == "deploy":
        return DEPLOY_FAIL
    return SUCCESS


def final_status(plan: dict[str, Any]) -> str:
    """The terminal status the plan ends in when nobody cancels it."""
    if plan.get("mode") == "nosource" or plan.get("fail"):
        return "failed"
    return "success"


def state_at(plan: dict[str, Any], elapsed: float) -> tuple[str, int]:
    """(status, progress) ``elapsed`` seconds after creation."""
    end = end_offset(plan)
    if elapsed >= end:
        status = final_status(plan)
        return status, 100 if status == "success" else _progress(plan, end)
    return _phase(plan, elapsed), _progress(plan, elapsed)


def frozen_progress(plan: dict[str, Any], elapsed: float) -> int:
    """Progress frozen at ``elapsed`` (used when a deployment is cancelled)."""
    return _progress(plan, min(elapsed, end_offset(plan)))


def _phase(plan: dict[str, Any], t: float) -> str:
    if t < WORKFLOW_START or plan.get("mode") == "nosource":
        return "pending"
    if plan.get("mode") == "rollback":
        return "deploying"
    if t < BUILD_START:
        return "pending"
    return "building" if t < DEPLOY_START else "deploying"


def _progress(plan: dict[str, Any], t: float) -> int:
    if t < WORKFLOW_START:
        return 0
    mode = plan.get("mode")
    if mode == "nosource":
        return 10
    if mode == "rollback":
        return 70 if t < 2.5 else 90
    if t < BUILD_START:
        return 10
    if t < DEPLOY_START:
        return int(15 + (t - BUILD_START) / (DEPLOY_START - BUILD_START) * 45)
    if t < 6.0:
        return int(70 + (t - DEPLOY_START) / 2.0 * 20)
    return 90


def lines(plan: dict[str, Any]) -> list[Line]:
    """Every line the plan will ever write, in order (visible ones are filtered by time)."""
    mode = plan.get("mode")
    if mode == "nosource":
        return []
    if mode == "rollback":
        return _rollback_lines(plan)
    out = [Line(WORKFLOW_START, "info", "system", "Deployment workflow started")]
    out += _build_lines(plan)
    if plan.get("fail") == "build":
        return out
    out += _deploy_lines(plan, start=DEPLOY_START)
    return out


def _build_lines(plan: dict[str, Any]) -> list[Line]:
    builder = plan.get("builder", "")
    b = "buildctl"
    if plan.get("fail") == "build" and plan.get("reason") == "no_manifest":
        return [
            Line(1.0, "info", b, "#1 [internal] load build definition"),
            Line(1.5, "warn", b, "no Dockerfile found in the source root"),
            Line(
                2.0,
                "error",
                b,
                "no recognisable app manifest (package.json, requirements.txt, "
                "pyproject.toml, go.mod, Gemfile, pom.xml, Cargo.toml, index.html, Procfile ...)",
            ),
            Line(BUILD_FAIL, "error", b, "ERROR: failed to solve: nothing to build"),
            Line(BUILD_FAIL, "error", "system", "Build failed"),
        ]
    steps = [
        Line(1.0, "info", b, f"#1 [internal] load build definition ({builder})"),
        Line(1.5, "info", b, "#2 [internal] load metadata for base image"),
        Line(2.0, "info", b, "#3 [1/4] FROM base image"),
    ]
    if plan.get("fail") == "build":
        return [
            *steps,
            Line(BUILD_FAIL, "error", b, plan.get("fail_text") or "build step failed"),
            Line(BUILD_FAIL, "error", "system", "Build failed"),
        ]
    return [
        *steps,
        Line(2.5, "info", b, "#4 [2/4] COPY . /app"),
        Line(3.0, "info", b, "#5 [3/4] RUN build"),
        Line(3.5, "info", b, "#6 exporting to image"),
        Line(3.9, "info", b, "#6 DONE"),
    ]


def _deploy_lines(plan: dict[str, Any], start: float) -> list[Line]:
    d = "deploy"
    out = [Line(start, "info", d, "Applying workload")]
    if plan.get("fail") == "deploy":
        text = plan.get("fail_text") or "rollout failed: container exited with code 1"
        return [
            *out,
            Line(DEPLOY_FAIL, "error", d, text),
            Line(DEPLOY_FAIL, "error", "system", "Deployment failed"),
        ]
    return [
        *out,
        Line(start + 1.0, "info", d, "Waiting for rollout to finish"),
        Line(start + 2.0, "info", d, "Readiness probe passed"),
        Line(start + 3.0, "info", "system", "Deployment succeeded"),
    ]


def _rollback_lines(plan: dict[str, Any]) -> list[Line]:
    target = plan.get("rollback_of", "")
    out = [
        Line(WORKFLOW_START, "info", "system", f"Rollback to deployment {target} started"),
        Line(WORKFLOW_START, "info", "deploy", "Reusing the image of the target deployment"),
    ]
    if plan.get("fail") == "deploy":
        return [
            *out,
            Line(DEPLOY_FAIL, "error", "deploy", plan.get("fail_text") or "rollout failed"),
            Line(DEPLOY_FAIL, "error", "system", "Deployment failed"),
        ]
    return [
        *out,
        Line(1.5, "info", "deploy", "Waiting for rollout to finish"),
        Line(2.5, "info", "deploy", "Readiness probe passed"),
        Line(ROLLBACK_SUCCESS, "info", "system", "Rollback succeeded"),
    ]


def error_texts(plan: dict[str, Any]) -> tuple[str, str]:
    """(error_msg, message) of a failed plan (gateway-api 4.1)."""
    if plan.get("mode") == "nosource":
        return "Service failed", "Service failed to deploy"
    if plan.get("fail") == "build":
        return "Build failed", "Build failed: see the build logs"
    return "Deployment failed", "Deployment failed: see the deploy logs"
