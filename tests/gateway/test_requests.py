"""What the client sends: canonical paths, headers, and exact bodies per endpoint."""

from __future__ import annotations

import zipfile

import httpx
import pytest

from gateway.gwkit import TOKEN, ScriptedGateway, reply, run
from odiac import __version__
from odiac.gateway.core import canonical_path

PID = "p-1"
SID = "s-1"
DID = "d-1"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/v1/projects", "/v1/projects/"),  # Q1
        ("/v1/regions", "/v1/regions/"),  # Q2
        ("/v1/deployments", "/v1/deployments/"),  # Q2
        ("/v1/projects/abc/services", "/v1/projects/abc/services/"),  # Q2
        ("/v1/projects/abc/", "/v1/projects/abc"),  # Q3
        ("/v1/services/s1/", "/v1/services/s1"),
        ("/v1/projects/abc/deployments/", "/v1/projects/abc/deployments"),
        ("/v1/service-domains", "/v1/service-domains"),  # Q3: both forms valid
        ("/v1/service-domains/", "/v1/service-domains/"),
        ("/v1/projects/", "/v1/projects/"),
    ],
)
def test_q1_q3_canonical_paths(given: str, expected: str) -> None:
    assert canonical_path(given) == expected


def test_headers_bearer_and_stable_user_agent(gw: ScriptedGateway) -> None:
    gw.on("GET", "/v1/regions/", reply(200, []))
    run(gw.client().list_regions())
    request = gw.requests[0]
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["user-agent"] == f"odiac/{__version__}"
    assert str(request.url) == "https://gw.example.test/api/v1/regions/"


def test_register_is_anonymous_and_never_sends_a_token(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        "/v1/client-agents/register",
        reply(
            200,
            {"api_key": "od_a" + "b" * 43, "agent_id": "a1", "bind_sig": "ff00", "gateway": "x"},
        ),
    )
    result = run(gw.client().register_agent("laptop"))
    assert "authorization" not in gw.requests[0].headers
    body = gw.body()
    assert body["name"] == "laptop"
    assert body["source_hint"].startswith("odiac/")
    assert result.api_key is not None
    assert "od_a" not in repr(result)


def test_create_project_sends_skip_validation_exactly_for_file_urls(gw: ScriptedGateway) -> None:
    gw.on("POST", "/v1/projects/", reply(201, {"id": PID, "name": "demo"}))
    client = gw.client()
    run(client.create_project("demo", region_id="r1"))
    assert gw.body() == {
        "name": "demo",
        "repo_url": "file://upload",
        "description": "",
        "region_id": "r1",
        "skip_validation": True,
    }
    run(
        client.create_project(
            "demo", repo_url="https://git.example/x.git", branch="dev", git_token="ghp_secretvalue1"
        )
    )
    body = gw.body()
    assert "skip_validation" not in body
    assert body["branch"] == "dev"
    assert body["token"] == "ghp_secretvalue1"
    assert gw.paths() == ["POST /api/v1/projects/", "POST /api/v1/projects/"]


def test_q7_create_deployment_never_sends_resources(gw: ScriptedGateway) -> None:
    gw.on("POST", "/v1/deployments/", reply(201, {"id": DID, "status": "pending", "progress": 0}))
    deployment = run(
        gw.client().create_deployment(PID, SID, dependencies=("dep1",), description="v2")
    )
    assert deployment.status == "pending"
    assert gw.body() == {
        "project_id": PID,
        "service_id": SID,
        "source": "zip",
        "temp_file_path": "",
        "environment": "staging",
        "dependencies": ["dep1"],
        "description": "v2",
    }


def test_ids_are_quoted_into_one_path_segment(gw: ScriptedGateway) -> None:
    gw.on("GET", "/v1/projects/..%2Fbilling", reply(200, {"id": "x"}))
    run(gw.client().get_project("../billing"))
    assert gw.paths() == ["GET /api/v1/projects/..%2Fbilling"]


def test_env_put_sends_the_full_map(gw: ScriptedGateway) -> None:
    path = f"/v1/projects/{PID}/services/{SID}/env"
    gw.on(
        "PUT",
        path,
        reply(200, {"service_id": SID, "variables": [{"key": "B", "value": "2"}], "count": 1}),
    )
    assert run(gw.client().put_env(PID, SID, {"B": "2"})) == {"B": "2"}
    assert gw.body() == {"variables": {"B": "2"}}


def test_f33_dependency_create_resolves_catalog_uuid_and_retries_once(gw: ScriptedGateway) -> None:
    uuid = "00000000-0000-4000-8000-0000000000d3"
    gw.on(
        "POST",
        "/v1/dependencies/create",
        reply(400, {"error": "Invalid dependency_id format"}),
        reply(
            200,
            {
                "id": "dep1",
                "type": "mongodb",
                "status": "provisioning",
                "env_vars": {"MONGODB_URI": "m"},
            },
        ),
    )
    gw.on(
        "GET",
        "/v1/dependencies",
        reply(200, {"dependencies": [{"id": uuid, "name": "mongodb", "type": "mongodb"}]}),
    )
    dep = run(gw.client().create_dependency(PID, "mongo"))
    assert dep.status == "provisioning"
    assert gw.paths() == [
        "POST /api/v1/dependencies/create",
        "GET /api/v1/dependencies",
        "POST /api/v1/dependencies/create",
    ]
    assert gw.body(0)["dependency_id"] == "mongo"
    assert gw.body(2)["dependency_id"] == uuid
    assert gw.body(2)["environment"] == "staging"


def test_f33_without_a_catalog_the_original_error_surfaces(gw: ScriptedGateway) -> None:
    from odiac.gateway.errors import GatewayHTTPError

    gw.on("POST", "/v1/dependencies/create", reply(400, {"error": "Invalid dependency_id format"}))
    with pytest.raises(GatewayHTTPError) as info:
        run(gw.client().create_dependency(PID, "oracle"))
    assert info.value.playbook == "failure-33"
    assert len([p for p in gw.paths() if p.startswith("POST")]) == 1


def test_upload_archive_streams_a_multipart_zip(gw: ScriptedGateway, tmp_path) -> None:
    archive = tmp_path / "src.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("app.py", "print('hi')\n")

    def check(request: httpx.Request) -> httpx.Response:
        content_type = request.headers["content-type"]
        assert content_type.startswith("multipart/form-data; boundary=")
        raw = request.content
        assert b'name="project_file"; filename="source.zip"' in raw
        assert b'name="project_name"\r\n\r\ndemo' in raw
        assert archive.read_bytes() in raw
        return reply(
            200,
            {"temp_file_path": "/var/lib/minions/uploads/u/source.zip", "filename": "source.zip"},
        )

    gw.on("POST", "/v1/upload/upload-only", check)
    result = run(
        gw.client().upload_archive(project_name="demo", region_id="r1", archive_path=archive)
    )
    assert result.temp_file_path.endswith("source.zip")


def test_upload_git_is_multipart_without_a_file_part(gw: ScriptedGateway) -> None:
    def check(request: httpx.Request) -> httpx.Response:
        assert request.headers["content-type"].startswith("multipart/form-data")
        assert b'name="git_url"\r\n\r\nhttps://git.example/x.git' in request.content
        assert b"filename=" not in request.content
        return reply(
            200, {"temp_file_path": "/t/x", "is_git": True, "git_url": "https://git.example/x.git"}
        )

    gw.on("POST", "/v1/upload/upload-only", check)
    result = run(
        gw.client().upload_git(
            project_name="demo", region_id="r1", git_url="https://git.example/x.git"
        )
    )
    assert result.is_git


def test_update_source_sends_analysis_only_when_given(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        "/v1/upload/update-source",
        reply(200, {"project_id": PID, "source_path": "/p", "source_status": "ready"}),
    )
    client = gw.client()
    run(client.update_source(PID, "/t/x.zip"))
    assert gw.body() == {"project_id": PID, "temp_file_path": "/t/x.zip"}
    run(client.update_source(PID, "/t/x.zip", analysis={"anything": [1, {"x": None}]}))
    assert gw.body()["analysis"] == {"anything": [1, {"x": None}]}


def test_list_deployments_uses_project_route_and_filters(gw: ScriptedGateway) -> None:
    gw.on(
        "GET",
        f"/v1/projects/{PID}/deployments",
        reply(200, {"data": [{"id": DID, "status": "success"}]}),
    )
    [dep] = run(gw.client().list_deployments(PID, status="success"))
    assert dep.terminal
    assert gw.requests[0].url.params["status"] == "success"
    assert "service_id" not in gw.requests[0].url.params


def test_domain_routes(gw: ScriptedGateway) -> None:
    gw.on(
        "GET",
        "/v1/service-domains/check-subdomain/myapp",
        reply(200, {"available": False, "reason": "taken"}),
    )
    gw.on(
        "PUT",
        "/v1/service-domains/dom1/subdomain",
        reply(200, {"id": "dom1", "domain": "myapp.dev.opendeploy.run"}),
    )
    gw.on("GET", "/v1/service-domains", reply(200, []))
    client = gw.client()
    check = run(client.check_subdomain("myapp"))
    assert (check.available, check.reason) == (False, "taken")
    assert run(client.rename_subdomain("dom1", "myapp")).label == "myapp"
    assert gw.body() == {"subdomain": "myapp"}
    assert run(client.list_domains(SID, environment="staging", type="auto")) == []
    params = gw.requests[-1].url.params
    assert (params["service_id"], params["environment"], params["type"]) == (SID, "staging", "auto")


def test_cancel_sends_no_body(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        f"/v1/deployments/{DID}/cancel",
        reply(200, {"id": DID, "status": "cancelled", "progress": 40}),
    )
    assert run(gw.client().cancel_deployment(DID)).status == "cancelled"
    assert gw.requests[0].content == b""


def test_sse_log_stream_yields_events_until_the_server_closes(gw: ScriptedGateway) -> None:
    stream = (
        ": keep-alive\n\n"
        'event: log\ndata: {"message": "step 1", "source": "buildctl"}\n\n'
        'event: status\ndata: {"status": "deploying", "progress": 70}\n\n'
        "event: end\ndata: {}\n\n"
    )
    gw.on(
        "GET",
        f"/v1/deployments/{DID}/logs/stream",
        httpx.Response(200, content=stream.encode(), headers={"content-type": "text/event-stream"}),
    )

    async def collect() -> list[tuple[str, dict[str, object]]]:
        async with gw.client() as client:
            return [(e.event, e.data) async for e in client.stream_logs(DID)]

    assert run(collect()) == [
        ("log", {"message": "step 1", "source": "buildctl"}),
        ("status", {"status": "deploying", "progress": 70}),
        ("end", {}),
    ]


def test_sse_stream_error_status_maps_to_gateway_error(gw: ScriptedGateway) -> None:
    from odiac.gateway.errors import NotFound

    gw.on(
        "GET", f"/v1/deployments/{DID}/logs/stream", reply(404, {"error": "deployment not found"})
    )

    async def collect() -> None:
        async with gw.client() as client:
            async for _ in client.stream_logs(DID):
                pass

    with pytest.raises(NotFound):
        run(collect())
