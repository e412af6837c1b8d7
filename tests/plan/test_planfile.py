"""Saved plans: round trip, version and corruption errors, stale detection naming causes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from odiac.errors import PlanError
from odiac.plan import planfile
from odiac.plan.inputs import LiteralValue
from odiac.plan.model import FORMAT_VERSION
from odiac.plan.planner import make_plan
from plan import scenarios as sc


def _saved(tmp_path: Path) -> tuple[Path, object, object]:
    desired, live = sc.env_rotation()
    path = tmp_path / "plan.json"
    planfile.save(make_plan(desired, live, hmac_key=sc.HMAC_KEY), path)
    return path, desired, live


def test_round_trip_is_lossless(tmp_path: Path) -> None:
    desired, live = sc.fresh_create()
    plan = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    planfile.save(plan, tmp_path / "sub" / "plan.json")
    assert planfile.load(tmp_path / "sub" / "plan.json") == plan
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["plan.json"]  # no temp left


def test_other_format_version_is_refused(tmp_path: Path) -> None:
    path, _, _ = _saved(tmp_path)
    data = json.loads(path.read_text())
    data["format_version"] = FORMAT_VERSION + 1
    path.write_text(json.dumps(data))
    with pytest.raises(PlanError, match="format_version 2"):
        planfile.load(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a plan file"),
        ("[]", "no format_version"),
        ('{"format_version": 1, "actions": "x"}', "corrupt"),
    ],
)
def test_corrupt_files_are_clear_plan_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content)
    with pytest.raises(PlanError, match=message):
        planfile.load(path)


def test_missing_file_is_a_plan_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read"):
        planfile.load(tmp_path / "absent.json")


def test_fresh_plan_is_not_stale(tmp_path: Path) -> None:
    path, desired, live = _saved(tmp_path)
    assert planfile.check_stale(planfile.load(path), desired, live, sc.HMAC_KEY) == []  # type: ignore[arg-type]


def test_stale_when_live_resource_changed(tmp_path: Path) -> None:
    path, desired, live = _saved(tmp_path)
    live = sc.live_service(live, "web", replicas=3)  # type: ignore[arg-type]
    reasons = planfile.check_stale(planfile.load(path), desired, live, sc.HMAC_KEY)  # type: ignore[arg-type]
    assert reasons == ["service.web changed on the gateway"]


def test_stale_when_secret_rotated(tmp_path: Path) -> None:
    path, desired, live = _saved(tmp_path)
    env = {**desired.services["web"].env, "API_KEY": LiteralValue.of("rotated", sensitive=True)}  # type: ignore[attr-defined]
    desired = sc.with_service(desired, "web", env=env)  # type: ignore[arg-type]
    reasons = planfile.check_stale(planfile.load(path), desired, live, sc.HMAC_KEY)  # type: ignore[arg-type]
    assert reasons == ["the value of services.web.env.API_KEY changed (secret rotated?)"]
    assert "rotated" not in repr(reasons).replace("(secret rotated?)", "")


def test_stale_when_config_or_source_changed(tmp_path: Path) -> None:
    path, desired, live = _saved(tmp_path)
    changed = desired.model_copy(  # type: ignore[attr-defined]
        update={
            "config_digest": "sha256:" + "e" * 64,
            "source": desired.source.model_copy(update={"digest": sc.SOURCE_B}),  # type: ignore[attr-defined]
        }
    )
    reasons = planfile.check_stale(planfile.load(path), changed, live, sc.HMAC_KEY)  # type: ignore[arg-type]
    assert reasons[0] == "opendeploy.toml (effective configuration) changed"
    assert reasons[1].startswith("source changed: sha256:aaaa")


def test_stale_with_another_plan_key(tmp_path: Path) -> None:
    path, desired, live = _saved(tmp_path)
    reasons = planfile.check_stale(planfile.load(path), desired, live, b"another key")  # type: ignore[arg-type]
    assert any("API_KEY" in r for r in reasons)


def test_live_status_moving_on_does_not_make_the_plan_stale(tmp_path: Path) -> None:
    """A dependency reaching ``running`` changes the fingerprint but not the plan."""
    desired, live = sc.env_rotation()
    provisioning = {"db": live.dependencies["db"].model_copy(update={"status": "provisioning"})}
    live_then = live.model_copy(update={"dependencies": provisioning})
    plan = make_plan(desired, live_then, hmac_key=sc.HMAC_KEY)
    assert live.fingerprint(sc.HMAC_KEY) != plan.live_fingerprint
    assert planfile.check_stale(plan, desired, live, sc.HMAC_KEY) == []


def test_live_change_that_alters_the_plan_is_named(tmp_path: Path) -> None:
    desired, live = sc.no_changes()
    plan = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    drifted = sc.live_service(live, "web", cpu_limit="2")
    assert planfile.check_stale(plan, desired, drifted, sc.HMAC_KEY) == [
        "service.web changed on the gateway"
    ]
