"""Renderers: no secret ever appears; GitHub annotations point at opendeploy.toml lines."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from rich.console import Console

from odiac import redact
from odiac.errors import PlanError
from odiac.plan import planfile
from odiac.plan.inputs import LiteralValue
from odiac.plan.planner import make_plan
from odiac.plan.render_github import key_path, render_github
from odiac.plan.render_json import render_json
from odiac.plan.render_markdown import render_markdown, render_step_summary
from odiac.plan.render_text import human_size, render_text
from plan import scenarios as sc

DESIRED_CANARY = sc.DESIRED_CANARY
LIVE_CANARY = sc.LIVE_CANARY
DEP_CANARY = sc.DEP_CANARY


def _canary_plan(tmp_path: Path) -> tuple[list[str], Path]:
    desired, live = sc.canary_secrets()
    plan = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    path = tmp_path / "plan.json"
    planfile.save(plan, path)
    outputs = [
        render_text(plan),
        render_text(plan, markup=True),
        render_json(plan),
        render_github(plan, lambda _key: ("opendeploy.toml", 3)),
        render_markdown(plan),
        render_step_summary(plan),
        path.read_text(),
        repr(plan),
        repr(planfile.load(path)),
    ]
    return outputs, path


def test_canary_secret_appears_in_no_rendering_nor_plan_file(tmp_path: Path) -> None:
    outputs, _ = _canary_plan(tmp_path)
    assert "(sensitive value changed)" in outputs[0]
    plain_digests = [
        hashlib.sha256(c.encode()).hexdigest() for c in (DESIRED_CANARY, LIVE_CANARY, DEP_CANARY)
    ]
    for text in outputs:
        for needle in (DESIRED_CANARY, LIVE_CANARY, DEP_CANARY, "canary-", *plain_digests):
            assert needle not in text


def test_plan_file_refuses_a_registered_secret() -> None:
    desired, live = sc.no_changes()
    plan = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    leaked = plan.model_copy(update={"warnings": [f"oops {DESIRED_CANARY}"]})
    redact.register(DESIRED_CANARY)
    with pytest.raises(PlanError, match="secret"):
        planfile.dumps(leaked)
    assert planfile.dumps(plan)  # the clean plan is still writable


def test_markup_rendering_is_valid_rich_markup_with_same_text() -> None:
    desired, live = sc.fresh_create()
    plan = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    console = Console(width=200, record=True, color_system=None)
    console.print(render_text(plan, markup=True), end="")
    assert console.export_text() == render_text(plan)


def test_github_annotations_point_at_the_declaring_line() -> None:
    desired, live = sc.resize_only()
    plan = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    lines = {("services", "web", "cpu"): 12, ("services", "web", "memory"): 13}

    def locate(path: tuple[str, ...]) -> tuple[str, int] | None:
        return ("opendeploy.toml", lines[path]) if path in lines else None

    out = render_github(plan, locate).splitlines()
    assert out == [
        '::warning file=opendeploy.toml,line=12::service.web cpu_limit: "1" -> "500m" (rolling restart)',
        '::warning file=opendeploy.toml,line=13::service.web memory_limit: "1Gi" -> "512Mi" (rolling restart)',
        # Not in the file: the default request follows the lowered limit.
        '::warning file=opendeploy.toml::service.web memory_request: "1Gi" -> "512Mi" (rolling restart)',
        "::notice::Plan: 0 to create, 1 to update, 0 to deploy, 0 manual."
        ' (environment staging, project "shop")',
    ]


def test_github_annotation_without_location_names_the_file_only() -> None:
    desired, live = sc.service_removed()
    plan = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    first = render_github(plan, lambda _path: None, config_file="deploy/od.toml").splitlines()[0]
    assert first.startswith("::warning file=deploy/od.toml::service worker: live but not")


def test_github_escapes_workflow_command_syntax() -> None:
    desired, live = sc.env_rotation()
    env = {**desired.services["web"].env, "LOG_LEVEL": LiteralValue.of("50%\nnext")}
    desired = sc.with_service(desired, "web", env=env)
    plan = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    text = render_github(plan, lambda _p: ("a,b:c.toml", 1))
    assert "50%25\\nnext" in text or "50%25%0Anext" in text
    assert "file=a%2Cb%3Ac.toml,line=1" in text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("cpu_limit", ("services", "web", "cpu")),
        ("memory_limit", ("services", "web", "memory")),
        ("replicas", ("services", "web", "replicas")),
        ("env.API_KEY", ("services", "web", "env", "API_KEY")),
        ("build_env.NODE_ENV", ("services", "web", "build_env", "NODE_ENV")),
    ],
)
def test_key_paths_use_opendeploy_toml_names(path: str, expected: tuple[str, ...]) -> None:
    from odiac.plan.model import FieldChange, UpdateService

    action = UpdateService(id="service.web", address="service.web", name="web", service_id="s")
    assert key_path(action, FieldChange(path=path)) == expected


def test_json_rendering_is_terraform_shaped() -> None:
    desired, live = sc.new_dependency()
    doc = json.loads(render_json(make_plan(desired, live, hmac_key=sc.HMAC_KEY)))
    env = next(r for r in doc["resource_changes"] if r["kind"] == "set_env")
    assert env["change"]["actions"] == ["update"]
    assert env["change"]["after_unknown"] == {"env.REDIS_URL": True}
    assert env["impact"] == "redeploy"
    assert doc["summary"] == {"create": 1, "update": 1, "deploy": 1, "manual": 0}


@pytest.mark.parametrize(
    ("size", "text"), [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (200 * 2**20, "200.0 MiB")]
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text
