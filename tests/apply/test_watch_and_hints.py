"""Adaptive polling delays, playbook hints and report lines (pure parts of the applier)."""

from __future__ import annotations

import itertools

from odiac.apply.events import ApplyResult, DependencyReport, ServiceReport
from odiac.apply.playbook import deployment_hint
from odiac.apply.report import claim_lines, report_lines
from odiac.apply.watch import MAX_DELAY_S, poll_delays
from odiac.gateway.auth import Credential
from odiac.gateway.models import Deployment, LogLine


def test_poll_delays_start_fast_and_back_off_to_five_seconds() -> None:
    delays = poll_delays()
    seen = [delays() for _ in range(12)]
    assert seen[0] == 0.25
    assert all(a <= b for a, b in itertools.pairwise(seen))
    assert seen[-1] == MAX_DELAY_S == 5.0
    # The Q9 fast failure (< 2 s) is seen within the first few polls.
    assert sum(seen[:4]) < 2.5


def _deployment(**fields: object) -> Deployment:
    return Deployment.model_validate({"id": "d1", **fields})


def test_hint_f13_for_the_no_source_signature_q9() -> None:
    dep = _deployment(status="failed", progress=10, error_msg="Service failed")
    assert deployment_hint(dep, ["pending", "failed"], None).row == "failure-13"


def test_hint_f26_for_a_build_failure() -> None:
    dep = _deployment(status="failed", progress=40, error_msg="Build failed")
    logs = [LogLine(source="buildctl", message="npm ERR!")]
    assert deployment_hint(dep, ["pending", "building", "failed"], logs).row == "failure-26"


def test_hint_f27_for_a_rollout_failure() -> None:
    dep = _deployment(status="failed", progress=80, error_msg="Deployment failed")
    assert deployment_hint(dep, ["building", "deploying", "failed"], []).row == "failure-27"


def test_hint_from_log_sources_when_phases_were_not_seen() -> None:
    dep = _deployment(status="failed", progress=90, error_msg="Deployment failed")
    logs = [LogLine(source="buildctl", message="ok"), LogLine(source="deploy", message="crash")]
    assert deployment_hint(dep, ["pending", "failed"], logs).row == "failure-27"


def _result() -> ApplyResult:
    return ApplyResult(
        project_id="p1",
        services=[
            ServiceReport(
                name="web",
                service_id="s1",
                url="https://abc.dev.opendeploy.run",
                deployment_id="d1",
                deployment_status="success",
            )
        ],
        dependencies=[
            DependencyReport(
                name="db", engine="postgres", dependency_id="x1", injected=("DATABASE_URL",)
            )
        ],
    )


def test_report_lines_follow_the_contract_format_7_1_8() -> None:
    lines = report_lines(_result(), local=False)
    assert lines == [
        "project_id:    p1",
        "services:      web  s1  https://abc.dev.opendeploy.run",
        "deployments:   web  d1  status=success",
        "db:            postgres  x1  injected=[DATABASE_URL]",
    ]


def _credential(fresh: bool) -> Credential:
    return Credential(
        kind="agent",
        token="od_a" + "x" * 43,
        gateway="http://gw/api",
        source="registered" if fresh else "file",
        claim_url="http://gw/claim/a1?h=0123456789abcdef",
        freshly_registered=fresh,
    )


def test_claim_url_with_app_url_only_for_a_fresh_agent_2_4() -> None:
    lines = claim_lines(_result(), _credential(fresh=True))
    assert lines[0] == (
        "claim:         http://gw/claim/a1?h=0123456789abcdef"
        "&url=https%3A%2F%2Fabc.dev.opendeploy.run"
    )
    assert lines[1] == "expires:       6h"
    assert claim_lines(_result(), _credential(fresh=False)) == []
