"""Every error family of the gateway maps to the right error class, fields and hint."""

from __future__ import annotations

import httpx
import pytest

from gateway.gwkit import ScriptedGateway, reply, run, text_reply
from odiac.errors import OdiacError
from odiac.gateway.bodies import ServiceCreate, ServiceUpdate
from odiac.gateway.errors import (
    AuthenticationError,
    Conflict,
    GatewayError,
    GatewayHTTPError,
    GatewayProtocolError,
    GatewayTransportError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
)

PID = "11111111-2222-4333-8444-555555555555"


def test_error_tree_roots_at_odiac_error() -> None:
    for cls in (
        AuthenticationError,
        PermissionDenied,
        NotFound,
        Conflict,
        RateLimited,
        ServerError,
    ):
        assert issubclass(cls, GatewayHTTPError)
    for cls in (GatewayHTTPError, GatewayTransportError, GatewayProtocolError):
        assert issubclass(cls, GatewayError)
    assert issubclass(GatewayError, OdiacError)


def test_q19_quota_403_carries_field_requested_limit_and_f4_hint(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        f"/v1/projects/{PID}/services/",
        reply(
            403,
            {
                "error": "agent_quota_exceeded",
                "error_code": "agent_quota_exceeded",
                "field": "cpu_limit",
                "requested": "2",
                "limit": "1",
                "message": "pending client agents are limited to 1 CPU",
                "retryable": False,
                "next_action": "bind_account",
            },
        ),
    )
    with pytest.raises(PermissionDenied) as info:
        run(gw.client().create_service(PID, ServiceCreate(name="web", type="web")))
    err = info.value
    assert str(err) == (
        f"POST /v1/projects/{PID}/services/ failed: 403 agent_quota_exceeded: "
        "cpu_limit requested 2, limit 1"
    )
    assert err.status == 403
    assert err.code == "agent_quota_exceeded"
    assert err.is_quota
    assert not err.is_bind_required
    assert not err.is_delete_forbidden
    assert err.fields["field"] == "cpu_limit"
    assert err.fields["requested"] == "2"
    assert err.fields["limit"] == "1"
    assert err.gateway_message == "pending client agents are limited to 1 CPU"
    assert err.playbook == "failure-4"
    assert err.hint is not None
    assert "bind" in err.hint
    assert err.method == "POST"
    assert err.path == f"/v1/projects/{PID}/services/"
    assert not err.ambiguous


def test_q21_services_quota_keeps_integer_fields(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        f"/v1/projects/{PID}/services/",
        reply(
            403, {"error": "agent_quota_exceeded", "field": "services", "requested": 2, "limit": 1}
        ),
    )
    with pytest.raises(PermissionDenied) as info:
        run(gw.client().create_service(PID, ServiceCreate(name="api", type="web")))
    assert info.value.fields["requested"] == 2
    assert "services requested 2, limit 1" in str(info.value)


def test_bind_required_403_points_at_claim_url_f3(gw: ScriptedGateway) -> None:
    gw.on(
        "GET",
        "/v1/profile",
        reply(
            403,
            {
                "error": "bind_required",
                "message": "Bind this client agent to an OpenDeploy account.",
            },
        ),
    )
    with pytest.raises(PermissionDenied) as info:
        run(gw.client().get_profile())
    assert info.value.is_bind_required
    assert info.value.playbook == "failure-3"
    assert "403 bind_required: Bind this client agent" in str(info.value)


def test_q31_delete_gate_403_is_delete_forbidden_f5(gw: ScriptedGateway) -> None:
    gw.on(
        "GET",
        f"/v1/projects/{PID}",
        reply(
            403,
            {
                "error": "agent_delete_forbidden",
                "message": "DELETE is not available to this credential; use the dashboard.",
                "method": "DELETE",
                "path": f"/api/v1/projects/{PID}",
            },
        ),
    )
    with pytest.raises(PermissionDenied) as info:
        run(gw.client().get_project(PID))
    assert info.value.is_delete_forbidden
    assert info.value.playbook == "failure-5"
    assert info.value.fields["method"] == "DELETE"


def test_foreign_resource_403_is_plain_permission_denied(gw: ScriptedGateway) -> None:
    gw.on("GET", f"/v1/projects/{PID}", reply(403, {"error": "access denied"}))
    with pytest.raises(PermissionDenied) as info:
        run(gw.client().get_project(PID))
    assert info.value.code is None
    assert not (info.value.is_quota)
    assert not (info.value.is_bind_required)
    assert not (info.value.is_delete_forbidden)
    assert str(info.value) == f"GET /v1/projects/{PID} failed: 403 access denied"


def test_401_is_authentication_error_with_f1_hint(gw: ScriptedGateway) -> None:
    gw.on("GET", "/v1/regions/", reply(401, {"error": "unauthorized", "message": "invalid token"}))
    with pytest.raises(AuthenticationError) as info:
        run(gw.client().list_regions())
    assert info.value.status == 401
    assert info.value.code == "unauthorized"
    assert info.value.playbook == "failure-1"
    assert info.value.hint is not None
    assert "auth.json" in info.value.hint


def test_q6_profile_401_is_the_f2_pending_signal(gw: ScriptedGateway) -> None:
    gw.on(
        "GET",
        "/v1/profile",
        reply(401, {"error": "unauthorized", "message": "guest tenants have no user profile"}),
    )
    with pytest.raises(AuthenticationError) as info:
        run(gw.client().get_profile())
    assert info.value.playbook == "failure-2"


def test_json_404_is_not_found_for_an_unknown_id(gw: ScriptedGateway) -> None:
    gw.on("GET", f"/v1/projects/{PID}", reply(404, {"error": "project not found"}))
    with pytest.raises(NotFound) as info:
        run(gw.client().get_project(PID))
    assert not info.value.route_missing
    assert info.value.code is None
    assert str(info.value) == f"GET /v1/projects/{PID} failed: 404 project not found"


def test_q4_plain_text_404_means_the_route_does_not_exist(gw: ScriptedGateway) -> None:
    # Nothing scripted: the kit answers like the router, "404 page not found" as text/plain.
    with pytest.raises(NotFound) as info:
        run(gw.client().get_deployment("d1"))
    err = info.value
    assert err.code is None
    assert err.route_missing
    assert "route does not exist on this gateway" in str(err)


def test_409_agent_project_limit_exposes_project_id_f6(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        "/v1/projects/",
        reply(
            409,
            {
                "error": "agent_project_limit",
                "message": "a pending agent may own one live project",
                "project_id": PID,
            },
        ),
    )
    with pytest.raises(Conflict) as info:
        run(gw.client().create_project("demo"))
    assert info.value.project_id == PID
    assert info.value.code == "agent_project_limit"
    assert info.value.playbook == "failure-6"
    assert PID in str(info.value)


def test_409_duplicate_name_hint_is_adopt_f7(gw: ScriptedGateway) -> None:
    gw.on("POST", "/v1/projects/", reply(409, {"error": "project name already exists"}))
    with pytest.raises(Conflict) as info:
        run(gw.client().create_project("demo"))
    assert info.value.project_id is None
    assert info.value.playbook == "failure-7"


def test_q26_429_carries_retry_after_and_is_not_retried_for_post(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        "/v1/client-agents/register",
        reply(
            429,
            {"error": "rate_limited", "reason": "ip_over_quota_retry", "retry_after_seconds": 1234},
            headers={"Retry-After": "1234"},
        ),
    )
    with pytest.raises(RateLimited) as info:
        run(gw.client(token=None).register_agent())
    assert info.value.retry_after == 1234
    assert info.value.playbook == "failure-8"
    assert "retry after 1234 s" in str(info.value)
    assert len(gw.requests) == 1
    assert gw.sleeps == []


def test_429_falls_back_to_body_retry_after_seconds(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        "/v1/client-agents/register",
        reply(429, {"error": "rate_limited", "retry_after_seconds": 60}),
    )
    with pytest.raises(RateLimited) as info:
        run(gw.client(token=None).register_agent())
    assert info.value.retry_after == 60


def test_5xx_after_a_mutation_is_ambiguous_f30(gw: ScriptedGateway) -> None:
    gw.on("POST", "/v1/deployments/", reply(500, {"error": "internal error"}))
    with pytest.raises(ServerError) as info:
        run(gw.client().create_deployment(PID, "s1"))
    assert info.value.ambiguous
    assert info.value.playbook == "failure-30"
    assert len(gw.requests) == 1


def test_502_html_page_after_upload_is_summarised_not_dumped_f17(
    gw: ScriptedGateway, tmp_path
) -> None:
    page = "<html><body>" + "x" * 5000 + "</body></html>"
    gw.on("POST", "/v1/upload/upload-only", text_reply(502, page, "text/html"))
    archive = tmp_path / "s.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    with pytest.raises(ServerError) as info:
        run(gw.client().upload_archive(project_name="p", region_id="r", archive_path=archive))
    assert "an HTML page" in str(info.value)
    assert "xxxx" not in str(info.value)
    assert info.value.ambiguous
    assert info.value.playbook == "failure-17"


def test_f10_git_validation_400_names_code_and_branches(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        "/v1/projects/",
        reply(
            400,
            {
                "error": "Git validation failed",
                "error_code": "branch_not_found",
                "error_message": "branch 'dev' not found",
                "available_branches": ["main", "release"],
                "default_branch": "main",
            },
        ),
    )
    with pytest.raises(GatewayHTTPError) as info:
        run(gw.client().create_project("demo", repo_url="https://git.example/x.git", branch="dev"))
    err = info.value
    assert type(err) is GatewayHTTPError
    assert err.code == "branch_not_found"
    assert err.fields["available_branches"] == ["main", "release"]
    assert str(err) == (
        "POST /v1/projects/ failed: 400 branch_not_found: Git validation failed: "
        "branch 'dev' not found (available branches: main, release)"
    )
    assert err.playbook == "failure-10"


def test_q7_resources_unmarshal_400_hints_f12(gw: ScriptedGateway) -> None:
    text = (
        "json: cannot unmarshal string into Go struct field "
        "ResourceLimits.resources.cpu_limit of type float64"
    )
    gw.on("POST", "/v1/deployments/", reply(400, {"error": text}))
    with pytest.raises(GatewayHTTPError) as info:
        run(gw.client().create_deployment(PID, "s1"))
    assert info.value.code is None
    assert info.value.gateway_message == text
    assert info.value.playbook == "failure-12"


def test_redirect_on_get_is_a_protocol_error_naming_the_target_f22(gw: ScriptedGateway) -> None:
    gw.on("GET", "/v1/regions/", reply(301, headers={"Location": "/api/v1/elsewhere/"}))
    with pytest.raises(GatewayProtocolError) as info:
        run(gw.client().list_regions())
    assert "301 redirect to /api/v1/elsewhere/" in str(info.value)
    assert info.value.playbook == "failure-22"
    assert len(gw.requests) == 1  # never followed


def test_q1_redirect_on_post_is_never_followed(gw: ScriptedGateway) -> None:
    gw.on("POST", "/v1/projects/", reply(301, headers={"Location": "/api/v1/projects/"}))
    gw.on("GET", "/v1/projects/", reply(200, {"data": []}))
    with pytest.raises(GatewayProtocolError):
        run(gw.client().create_project("demo"))
    assert gw.paths() == ["POST /api/v1/projects/"]


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (text_reply(200, "<!doctype html><html>login</html>", "text/html"), "an HTML page"),
        (text_reply(200, '{"id": "abc", "na', "application/json"), "instead of JSON"),
        (reply(200, ["not", "an", "object"]), "expected a JSON object, got an array"),
        (reply(200, {"id": 5, "name": []}), "name: Input should be a valid string"),
        (reply(200, {"name": "no id"}), "id: Field required"),
    ],
)
def test_unusable_2xx_bodies_become_protocol_errors(
    gw: ScriptedGateway, response: httpx.Response, expected: str
) -> None:
    gw.on("GET", f"/v1/projects/{PID}", response)
    with pytest.raises(GatewayProtocolError) as info:
        run(gw.client().get_project(PID))
    assert expected in str(info.value)
    assert str(info.value).startswith(f"GET /v1/projects/{PID} ")


def test_list_of_wrong_items_is_a_protocol_error(gw: ScriptedGateway) -> None:
    gw.on("GET", "/v1/regions/", reply(200, [{"id": "r1"}, "junk"]))
    with pytest.raises(GatewayProtocolError, match="item 1 is a string"):
        run(gw.client().list_regions())


def test_transport_errors_on_mutations_say_whether_they_may_have_committed(
    gw: ScriptedGateway,
) -> None:
    gw.on("POST", "/v1/projects/", httpx.ConnectError("connection refused"))
    with pytest.raises(GatewayTransportError) as info:
        run(gw.client().create_project("demo"))
    assert not info.value.ambiguous
    assert "could not connect" in str(info.value)

    gw.on("POST", "/v1/deployments/", httpx.ReadTimeout("timed out"))
    with pytest.raises(GatewayTransportError) as info:
        run(gw.client().create_deployment(PID, "s1"))
    assert info.value.ambiguous
    assert info.value.playbook == "failure-30"
    assert "timed out" in str(info.value)

    gw.on("PUT", "/v1/services/s1", httpx.RemoteProtocolError("peer closed connection"))
    with pytest.raises(GatewayTransportError) as info:
        run(gw.client().update_service("s1", ServiceUpdate(settings={"cpu_limit": "1"})))
    assert info.value.ambiguous
    assert "lost the connection" in str(info.value)


def test_f31_newer_gateway_409_while_extracting_carries_retry_after(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        "/v1/deployments/",
        reply(409, {"error": "source extraction in progress"}, headers={"Retry-After": "5"}),
    )
    with pytest.raises(Conflict) as info:
        run(gw.client().create_deployment(PID, "s1"))
    assert info.value.fields["retry_after"] == 5
    assert info.value.playbook == "failure-31"


def test_f32_newer_gateway_422_extraction_failed(gw: ScriptedGateway) -> None:
    gw.on(
        "POST",
        "/v1/deployments/",
        reply(422, {"error": "source extraction failed", "extraction_error": "bad zip"}),
    )
    with pytest.raises(GatewayHTTPError) as info:
        run(gw.client().create_deployment(PID, "s1"))
    assert info.value.status == 422
    assert info.value.fields["extraction_error"] == "bad zip"
    assert info.value.playbook == "failure-32"
