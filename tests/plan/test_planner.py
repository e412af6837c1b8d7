"""Data-driven planner tests: desired + live in, actions out (snapshots + exact checks)."""

from __future__ import annotations

import graphlib

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from odiac.errors import PlanError
from odiac.plan.inputs import DesiredState, FromDependency, LiveState
from odiac.plan.model import Plan
from odiac.plan.planner import make_plan
from odiac.plan.render_json import plan_document
from odiac.plan.render_text import render_text
from plan import scenarios as sc

VOLATILE = props("odiac_version")


def plan_of(name: str) -> Plan:
    desired, live = sc.SCENARIOS[name]()
    return make_plan(desired, live, hmac_key=sc.HMAC_KEY)


def kinds(plan: Plan) -> list[str]:
    return [a.kind for a in plan.actions]


@pytest.mark.parametrize("name", sorted(sc.SCENARIOS))
def test_plan_snapshot(name: str, json_snapshot: SnapshotAssertion) -> None:
    assert plan_of(name).model_dump(mode="json") == json_snapshot(exclude=VOLATILE)


@pytest.mark.parametrize("name", sorted(sc.SCENARIOS))
def test_text_rendering_snapshot(name: str, snapshot: SnapshotAssertion) -> None:
    assert render_text(plan_of(name)) == snapshot


@pytest.mark.parametrize("name", sorted(sc.SCENARIOS))
def test_json_rendering_snapshot(name: str, json_snapshot: SnapshotAssertion) -> None:
    assert plan_document(plan_of(name)) == json_snapshot(exclude=VOLATILE)


@pytest.mark.parametrize("name", sorted(sc.SCENARIOS))
def test_dag_is_complete_acyclic_and_in_contract_order(name: str) -> None:
    plan = plan_of(name)
    ids = [a.id for a in plan.actions]
    assert len(ids) == len(set(ids))
    graph = {a.id: set(a.depends_on) for a in plan.actions}
    for deps in graph.values():
        assert deps <= set(ids)
    order = list(graphlib.TopologicalSorter(graph).static_order())
    # The listed order is itself a valid execution order.
    position = {action_id: i for i, action_id in enumerate(ids)}
    for action in plan.actions:
        assert all(position[d] < position[action.id] for d in action.depends_on)
    assert sorted(order) == sorted(ids)


@pytest.mark.parametrize("name", ["no_changes", "quantity_normalisation"])
def test_matching_live_state_plans_nothing(name: str) -> None:
    plan = plan_of(name)
    assert not plan.has_changes
    assert render_text(plan).startswith("No changes. Live state matches opendeploy.toml.")


def test_fresh_create_follows_the_contract_chain() -> None:
    plan = plan_of("fresh_create")
    assert kinds(plan) == [
        "create_project",
        "create_dependency",
        "create_service",
        "upload_source",
        "bind_source",
        "deploy",
        "rename_subdomain",
    ]
    deploy = plan.action("service.web.deploy")
    assert set(deploy.depends_on) == {"service.web", "source.bind", "dependency.db"}
    assert deploy.reason == "created"  # type: ignore[union-attr]
    assert plan.action("service.web.subdomain").depends_on == ["service.web.deploy"]
    assert plan.action("source.bind").depends_on == ["source.upload", "project"]
    create = plan.action("service.web")
    database_url = next(c for c in create.changes if c.path == "env.DATABASE_URL")
    assert database_url.after_unknown
    assert database_url.unknown_source == "dependency.db.DATABASE_URL"
    assert plan.summary() == "Plan: 3 to create, 1 to update, 1 to deploy, 0 manual."


def test_resize_only_updates_in_place_without_deploy() -> None:
    plan = plan_of("resize_only")
    assert kinds(plan) == ["update_service"]
    update = plan.actions[0]
    assert update.impact == "rolling restart"
    assert {(c.path, c.before, c.after) for c in update.changes} == {
        ("cpu_limit", "1", "500m"),
        ("memory_limit", "1Gi", "512Mi"),
        # The default request (1Gi) would exceed the new limit: it follows the limit down.
        ("memory_request", "1Gi", "512Mi"),
    }


def test_env_rotation_sets_env_and_redeploys_without_upload() -> None:
    plan = plan_of("env_rotation")
    assert kinds(plan) == ["set_env", "deploy"]
    set_env = plan.actions[0]
    assert set_env.keys == ["API_KEY", "DATABASE_URL", "FEATURE_X", "LOG_LEVEL"]  # type: ignore[union-attr]
    assert plan.actions[1].reason == "env changed"  # type: ignore[union-attr]
    assert plan.actions[1].depends_on == ["service.web.env"]


def test_secret_rotation_is_decided_by_keyed_digest() -> None:
    plan = plan_of("secret_rotated")
    (change,) = plan.actions[0].changes
    assert change.path == "env.API_KEY"
    assert change.before is None
    assert change.after is None
    assert change.before_sensitive
    assert change.after_sensitive
    assert change.before_digest
    assert change.after_digest
    assert change.before_digest != change.after_digest
    assert "(sensitive value changed)" in render_text(plan)


def test_secret_rotation_digest_depends_on_the_plan_key() -> None:
    desired, live = sc.secret_rotated()
    one = make_plan(desired, live, hmac_key=b"key-one").actions[0].changes[0]
    two = make_plan(desired, live, hmac_key=b"key-two").actions[0].changes[0]
    assert one.after_digest != two.after_digest


def test_new_dependency_value_is_known_after_apply() -> None:
    """Q42: connection env exists only once the dependency is created."""
    plan = plan_of("new_dependency")
    assert kinds(plan) == ["create_dependency", "set_env", "deploy"]
    set_env = plan.action("service.web.env")
    assert set_env.depends_on == ["dependency.cache"]
    (change,) = set_env.changes
    assert change.path == "env.REDIS_URL"
    assert change.after_unknown
    assert "(known after apply)" in render_text(plan)
    assert "dependency.cache" in plan.action("service.web.deploy").depends_on


def test_removed_service_is_manual_never_deleted() -> None:
    plan = plan_of("service_removed")
    (action,) = plan.actions
    assert action.kind == "manual"
    assert action.address == "service.worker"
    assert plan.has_changes
    assert plan.counts() == {"create": 0, "update": 0, "deploy": 0, "manual": 1}


def test_type_change_is_manual() -> None:
    plan = plan_of("type_change")
    assert kinds(plan) == ["manual"]
    assert plan.actions[0].changes[0].before == "worker"


def test_subdomain_rename_targets_the_auto_row_without_deploy() -> None:
    """Q40: rename in place on the existing auto row."""
    plan = plan_of("subdomain_rename")
    (rename,) = plan.actions
    assert rename.kind == "rename_subdomain"
    assert rename.domain_id == "dom-web"
    assert rename.label == "shop-demo"
    assert rename.depends_on == []


def test_live_rollback_is_drift_that_rebinds_and_redeploys() -> None:
    """Q48: a rollback to older source shows as drift; apply re-binds and redeploys."""
    plan = plan_of("live_rollback")
    assert kinds(plan) == ["upload_source", "bind_source", "deploy"]
    assert plan.actions[2].reason == "live runs older source (rolled back?)"  # type: ignore[union-attr]
    assert "source.bind" in plan.actions[2].depends_on


def test_unchanged_source_bound_but_failed_deploys_without_upload() -> None:
    plan = plan_of("previous_deploy_failed")
    assert kinds(plan) == ["deploy"]
    assert plan.actions[0].reason == "previous deployment failed"  # type: ignore[union-attr]


def test_changed_source_uploads_once_and_deploys() -> None:
    plan = plan_of("source_changed")
    assert kinds(plan) == ["upload_source", "bind_source", "deploy"]
    assert plan.actions[0].digest == sc.SOURCE_B  # type: ignore[union-attr]


def test_out_of_band_env_edit_hides_removed_values() -> None:
    plan = plan_of("env_drift_out_of_band")
    changes = {c.path: c for c in plan.actions[0].changes}
    assert changes["env.DEBUG"].after_absent
    assert changes["env.DEBUG"].before is None
    assert (changes["env.LOG_LEVEL"].before, changes["env.LOG_LEVEL"].after) == ("trace", "info")


def test_plan_is_deterministic_whatever_the_input_order() -> None:
    desired, live = sc.env_rotation()
    shuffled = desired.model_copy(
        update={
            "services": {
                "web": desired.services["web"].model_copy(
                    update={"env": dict(reversed(list(desired.services["web"].env.items())))}
                )
            }
        }
    )
    first = make_plan(desired, live, hmac_key=sc.HMAC_KEY).model_dump_json()
    assert make_plan(shuffled, live, hmac_key=sc.HMAC_KEY).model_dump_json() == first


def test_reference_to_undeclared_dependency_is_a_plan_error() -> None:
    desired = sc.with_service(
        sc.desired_state(), "web", env={"X": FromDependency(dependency="nope", key="X")}
    )
    with pytest.raises(PlanError, match="nope"):
        make_plan(desired, LiveState(), hmac_key=sc.HMAC_KEY)


def test_missing_connection_key_names_the_available_ones() -> None:
    desired = sc.with_service(
        sc.desired_state(), "web", env={"X": FromDependency(dependency="db", key="MISSING")}
    )
    with pytest.raises(PlanError) as info:
        make_plan(desired, sc.live_matching(sc.desired_state()), hmac_key=sc.HMAC_KEY)
    assert "DATABASE_URL" in (info.value.hint or "")


def test_in_progress_deployment_of_the_planned_state_is_not_repeated() -> None:
    desired, live = sc.source_changed()
    from odiac.plan.inputs import LiveDeployment
    from odiac.plan.normalise import deployment_description

    running = LiveDeployment(
        id="dpl-web-9", status="building", description=deployment_description(desired, "web")
    )
    project = live.project.model_copy(update={"bound_source_digest": sc.SOURCE_B})  # type: ignore[union-attr]
    live = sc.live_service(
        live.model_copy(update={"project": project}), "web", latest_deployment=running
    )
    plan = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    assert kinds(plan) == []
    assert plan.warnings
    assert "dpl-web-9" in plan.warnings[0]


def test_desired_state_type_is_the_input_model() -> None:
    desired, _ = sc.fresh_create()
    assert isinstance(desired, DesiredState)
