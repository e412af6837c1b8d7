"""The contract's client-tolerance rules: the shapes a real gateway may send instead."""

from __future__ import annotations

import json

import pytest

from gateway.gwkit import ScriptedGateway, reply, run
from odiac.gateway.bodies import ServiceCreate

PID = "p-1"
SID = "s-1"
DID = "d-1"
PROJECT = {"id": PID, "name": "demo", "source_path": "", "source_status": None, "agent_id": None}
SERVICE = {"id": SID, "name": "web", "type": "web", "runtime_variables": None, "dependencies": None}


@pytest.mark.parametrize("body", [[PROJECT], {"data": [PROJECT], "total": 1}])
def test_project_list_accepts_bare_array_or_data_envelope(
    gw: ScriptedGateway, body: object
) -> None:
    gw.on("GET", "/v1/projects/", reply(200, body))
    projects = run(gw.client().list_projects())
    assert [p.id for p in projects] == [PID]
    assert projects[0].source_status is None
    assert not projects[0].source_bound


@pytest.mark.parametrize(
    "body", [[SERVICE], {"data": [SERVICE], "total": 1}, {"data": None, "total": 0}]
)
def test_service_list_accepts_both_shapes_and_null_data(gw: ScriptedGateway, body: object) -> None:
    gw.on("GET", f"/v1/projects/{PID}/services/", reply(200, body))
    services = run(gw.client().list_services(PID))
    expected = [] if body == {"data": None, "total": 0} else [SID]
    assert [s.id for s in services] == expected


def test_go_null_maps_and_slices_become_empty(gw: ScriptedGateway) -> None:
    gw.on("GET", f"/v1/services/{SID}", reply(200, SERVICE))
    service = run(gw.client().get_service(SID))
    assert service.runtime_variables == {}
    assert service.dependencies == []


def test_unknown_keys_are_ignored(gw: ScriptedGateway) -> None:
    gw.on("GET", f"/v1/projects/{PID}", reply(200, {**PROJECT, "brand_new_field": {"x": 1}}))
    assert run(gw.client().get_project(PID)).name == "demo"


@pytest.mark.parametrize(
    "variables",
    [
        [
            {"key": "A", "value": "1", "is_encrypted": True, "source": "user"},
            {"key": "B", "value": "", "is_encrypted": True, "source": "user"},
        ],
        {"A": "1", "B": ""},
    ],
)
def test_env_accepts_rows_or_object(gw: ScriptedGateway, variables: object) -> None:
    gw.on(
        "GET",
        f"/v1/projects/{PID}/services/{SID}/env",
        reply(200, {"service_id": SID, "variables": variables, "count": 2}),
    )
    assert run(gw.client().get_env(PID, SID)) == {"A": "1", "B": ""}


def test_q16_service_create_reads_service_id(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        f"/v1/projects/{PID}/services/",
        reply(201, {"message": "Service created successfully", "service_id": SID}),
    )
    assert run(gw.client().create_service(PID, ServiceCreate(name="web", type="web"))) == SID


def test_service_create_falls_back_to_id(gw: ScriptedGateway) -> None:
    gw.on("POST", f"/v1/projects/{PID}/services/", reply(201, {"id": SID, "name": "web"}))
    assert run(gw.client().create_service(PID, ServiceCreate(name="web", type="web"))) == SID


def test_q36_deployment_env_snapshot_arrives_as_json_text(gw: ScriptedGateway) -> None:
    snapshot = json.dumps({"DATABASE_URL": "postgresql://u:p@h/db", "PORT": "8080"})
    gw.on(
        "GET",
        f"/v1/deployments/{DID}",
        reply(
            200,
            {"id": DID, "status": "building", "runtime_variables": snapshot, "build_variables": ""},
        ),
    )
    deployment = run(gw.client().get_deployment(DID))
    assert deployment.runtime_variables == {"DATABASE_URL": "postgresql://u:p@h/db", "PORT": "8080"}
    assert deployment.build_variables == {}
    assert not deployment.terminal
    assert "postgresql" not in repr(deployment)


def test_q48_rollback_reads_deployment_id(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        f"/v1/deployments/{DID}/rollback",
        reply(
            201,
            {"deployment_id": "d-2", "status": "pending", "is_rollback": True, "rollback_of": DID},
        ),
    )
    new = run(gw.client().rollback_deployment(DID))
    assert new.id == "d-2"
    assert new.rollback_of == DID


def test_domain_falls_back_to_url_and_gets_https(gw: ScriptedGateway) -> None:
    gw.on(
        "GET",
        "/v1/service-domains",
        reply(
            200,
            [
                {
                    "id": "dom1",
                    "url": "abc12345.dev.opendeploy.run",
                    "type": "auto",
                    "status": "active",
                }
            ],
        ),
    )
    [domain] = run(gw.client().list_domains(SID, type="auto"))
    assert domain.domain == "abc12345.dev.opendeploy.run"
    assert domain.url == "https://abc12345.dev.opendeploy.run"
    assert domain.label == "abc12345"


def test_domain_keeps_an_explicit_scheme(gw: ScriptedGateway) -> None:
    gw.on(
        "GET",
        "/v1/service-domains/dom1",
        reply(200, {"id": "dom1", "domain": "https://x.dev.opendeploy.run"}),
    )
    assert run(gw.client().get_domain("dom1")).url == "https://x.dev.opendeploy.run"


def test_q9_logs_null_is_kept_distinct_from_empty(gw: ScriptedGateway) -> None:
    gw.on(
        "GET",
        f"/v1/deployments/{DID}/logs",
        reply(200, {"deployment_id": DID, "logs": None, "total": 0}),
    )
    page = run(gw.client().get_logs(DID, tail=300))
    assert page.logs is None
    assert page.lines == []


def test_q13_source_already_up_to_date_is_flagged(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        "/v1/upload/update-source",
        reply(
            200,
            {
                "project_id": PID,
                "source_path": "/old",
                "source_status": "ready",
                "services": None,
                "message": "Project source already up to date",
            },
        ),
    )
    result = run(gw.client().update_source(PID, "/tmp/gone.zip"))
    assert result.already_up_to_date
    assert result.services == []


def test_dependency_status_rows(gw: ScriptedGateway) -> None:
    row = {
        "id": "dep1",
        "type": "postgres",
        "status": "running",
        "env_vars": {"DATABASE_URL": "postgresql://u:secretpw@h/db"},
        "connection_info": {"host": "h", "port": 5432, "username": "u", "database": "db"},
    }
    gw.on("GET", f"/v1/dependencies/status/{PID}", reply(200, {"dependencies": [row]}))
    [status] = run(gw.client().list_dependencies_status(PID))
    assert status.status == "running"
    assert status.connection_info is not None
    assert status.connection_info.port == 5432
    assert "secretpw" not in repr(status)
