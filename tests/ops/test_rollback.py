"""``odiac rollback`` end to end (contract §3.8.4, §3.8.9, Q48)."""

from __future__ import annotations

import json

from syrupy.assertion import SnapshotAssertion

from .kit import Live, mask


def _two_releases(live: Live) -> tuple[str, str]:
    live.apply()
    (live.app / "app.py").write_text("print('v2')\n")
    live.apply()
    newest, older = live.deployments(status="success")[:2]
    return older["id"], newest["id"]


def test_rollback_without_yes_and_without_a_terminal_refuses(live: Live) -> None:
    _two_releases(live)
    before = len(live.deployments())
    done = live.odiac("rollback", "web")
    assert done.returncode == 1
    assert "refusing to roll back web without confirmation" in done.stderr
    assert "--yes" in done.stderr
    assert len(live.deployments()) == before


def test_rollback_returns_to_the_previous_success_and_plan_shows_drift(
    live: Live, snapshot: SnapshotAssertion
) -> None:
    older, newer = _two_releases(live)
    done = live.odiac("rollback", "web", "--yes")
    assert done.returncode == 0, done.stderr
    assert f"from deployment {newer}" in done.stdout
    assert f"to deployment {older}" in done.stdout
    assert mask(done.stdout) == snapshot
    rollback = live.deployments()[0]
    assert rollback["is_rollback"] is True
    assert rollback["rollback_of"] == older
    assert rollback["status"] == "success"
    replaced = next(d for d in live.deployments() if d["id"] == newer)
    assert replaced["status"] == "rolled_back"  # Q48
    plan = live.odiac("plan", "--detailed-exitcode")
    assert plan.returncode == 2, plan.stderr
    assert "live runs older source (rolled back?)" in plan.stdout


def test_rollback_to_an_explicit_deployment_with_json(live: Live) -> None:
    older, newer = _two_releases(live)
    done = live.odiac("rollback", "web", "--to", older, "--yes", "--json")
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["from"] == newer
    assert outcome["to"] == older
    assert outcome["deployment"]["status"] == "success"
    assert outcome["source_digest"].startswith("sha256:")
    assert "odiac apply" in outcome["drift_note"]


def test_rollback_refuses_a_target_that_is_not_a_success(live: Live) -> None:
    _, newer = _two_releases(live)
    (live.app / "OPENDEPLOY_EMULATOR_FAIL_BUILD").write_text("broken\n")
    assert live.odiac("apply", "--auto-approve").returncode == 1
    failed = live.deployments()[0]
    assert failed["status"] == "failed"
    refused = live.odiac("rollback", "web", "--to", failed["id"], "--yes")
    assert refused.returncode == 1
    assert "is failed: only successful deployments can be rolled back to" in refused.stderr
    assert live.deployments(status="success")[0]["id"] == newer
    same = live.odiac("rollback", "web", "--to", newer, "--yes")
    assert same.returncode == 1
    assert "already runs the source of deployment" in same.stderr
    unknown = live.odiac("rollback", "web", "--to", "00000000-0000-4000-8000-00000000beef", "--yes")
    assert unknown.returncode == 1
    assert "is not a deployment of service web" in unknown.stderr


def test_rollback_with_a_single_release_has_nothing_to_return_to(live: Live) -> None:
    live.apply()
    done = live.odiac("rollback", "web", "--yes")
    assert done.returncode == 1
    assert "no earlier successful deployment to roll back to" in done.stderr
