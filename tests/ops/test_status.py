"""``odiac status`` end to end against ``odiac emulator serve``."""

from __future__ import annotations

import json

from syrupy.assertion import SnapshotAssertion

from .kit import Live, mask


def test_status_reports_services_deployment_url_and_in_sync(
    live: Live, snapshot: SnapshotAssertion
) -> None:
    live.apply()
    done = live.odiac("status")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    newest = live.deployments()[0]
    assert newest["id"] in out
    assert f"https://{live.name}.dev.opendeploy.run" in out
    assert "In sync: live state matches opendeploy.toml (no changes)." in out
    assert live.secret not in out + done.stderr
    assert mask(out) == snapshot


def test_status_json_has_source_digest_and_dependency_status(live: Live) -> None:
    live.apply()
    done = live.odiac("status", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    (web,) = report["services"]
    newest = live.deployments()[0]
    expected_source = newest["description"].split("source=")[1].split()[0]
    assert web["latest"]["id"] == newest["id"]
    assert web["latest"]["status"] == "success"
    assert web["latest"]["progress"] == 100
    assert web["latest"]["source_digest"] == expected_source
    assert web["replicas"] == 1
    assert web["cpu"] == "1"
    assert web["url"] == f"https://{live.name}.dev.opendeploy.run"
    assert [(d["name"], d["status"]) for d in web["dependencies"]] == [("db", "running")]
    assert report["plan"] == {
        "available": True,
        "has_changes": False,
        "summary": "Plan: 0 to create, 0 to update, 0 to deploy, 0 manual.",
        "counts": {"create": 0, "update": 0, "deploy": 0, "manual": 0},
        "error": None,
    }


def test_status_shows_drift_after_a_manual_resize(live: Live) -> None:
    live.apply()
    sid = live.service()["id"]
    assert live.http.put(f"/v1/services/{sid}", json={"cpu_limit": "250m"}).status_code == 200
    done = live.odiac("status")
    assert done.returncode == 0, done.stderr
    assert "cpu 250m" in done.stdout
    assert "Drift: Plan: 0 to create, 1 to update, 0 to deploy, 0 manual." in done.stdout


def test_status_says_plan_summary_unavailable_honestly(live: Live) -> None:
    live.apply()
    env_without_secret = live.env()
    del env_without_secret["OPS_API_TOKEN"]
    done = live.odiac("status", env=env_without_secret)
    assert done.returncode == 0, done.stderr
    assert "Plan summary unavailable:" in done.stdout
    assert "OPS_API_TOKEN" in done.stdout


def test_status_of_a_project_that_does_not_exist_yet(live: Live) -> None:
    done = live.odiac("status", "--no-plan")
    assert done.returncode == 0, done.stderr
    assert f'Project "{live.name}" does not exist on this gateway yet.' in done.stdout
    as_json = json.loads(live.odiac("status", "--json", "--no-plan").stdout)
    assert as_json["project_id"] is None
    assert as_json["services"] == []
