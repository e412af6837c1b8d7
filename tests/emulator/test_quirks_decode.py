"""Quirks of Go-style decoding and validation (contract 1.6)."""

from __future__ import annotations

from emulator.driver import GOOD_CAPS, Gateway


def _deployments(gw: Gateway, token: str, pid: str) -> int:
    return int(gw.get(f"/api/v1/deployments/?project_id={pid}", token).json()["total"])


def test_q07_string_resources_rejected(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    body = {"project_id": pid, "service_id": sid, "source": "zip", "resources": {"cpu_limit": "2"}}
    r = gw.post("/api/v1/deployments/", token, json=body)
    assert r.status_code == 400
    assert r.json()["error"] == (
        "json: cannot unmarshal string into Go struct field "
        "ResourceLimits.resources.cpu_limit of type float64"
    )
    assert _deployments(gw, token, pid) == 0


def test_q08_first_string_in_resources_named_and_numbers_accepted(gw: Gateway) -> None:
    token = gw.agent()
    pid, sid = gw.stack(token)
    body = {
        "project_id": pid,
        "service_id": sid,
        "source": "zip",
        "resources": {"memory_request": "1Gi", "cpu_limit": "2"},
    }
    r = gw.post("/api/v1/deployments/", token, json=body)
    assert r.status_code == 400
    assert "ResourceLimits.resources.memory_request of type float64" in r.json()["error"]
    body["resources"] = {"cpu_limit": 2.0, "memory_limit": 4}
    assert gw.post("/api/v1/deployments/", token, json=body).status_code == 201


def test_q16_service_create_returns_only_message_and_id(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = gw.post(
        f"/api/v1/projects/{pid}/services/", token, json={"name": "web", "type": "web", **GOOD_CAPS}
    )
    assert r.status_code == 201
    assert set(r.json()) == {"message", "service_id"}
    assert r.json()["message"] == "Service created successfully"


def test_q17_alias_env_field_ignored(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    sid = gw.service(token, pid, runtime_env={"A": "1"})
    r = gw.get(f"/api/v1/projects/{pid}/services/{sid}/env", token)
    assert r.status_code == 200
    assert r.json()["count"] == 0
    assert r.json()["variables"] == []


def test_q18_missing_type_and_bad_enum(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = gw.post(f"/api/v1/projects/{pid}/services/", token, json={"name": "web", **GOOD_CAPS})
    assert r.status_code == 400
    assert r.json()["error"] == (
        "Key: 'CreateServiceRequest.Type' Error:Field validation for 'Type' failed on the 'required' tag"
    )
    r = gw.post(
        f"/api/v1/projects/{pid}/services/", token, json={"name": "web", "type": "api", **GOOD_CAPS}
    )
    assert r.status_code == 400
    assert "'oneof'" in r.json()["error"]


def test_q18_several_violations_joined_in_field_order(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = gw.post(f"/api/v1/projects/{pid}/services/", token, json=GOOD_CAPS)
    lines = r.json()["error"].split("\n")
    assert [line.split("'")[1] for line in lines] == [
        "CreateServiceRequest.Name",
        "CreateServiceRequest.Type",
    ]


def test_number_for_string_field_names_the_field(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    body = {"name": "web", "type": "web", **GOOD_CAPS, "cpu_limit": 1}
    r = gw.post(f"/api/v1/projects/{pid}/services/", token, json=body)
    assert r.status_code == 400
    assert r.json()["error"] == (
        "json: cannot unmarshal number into Go struct field CreateServiceRequest.cpu_limit of type string"
    )


def test_malformed_json_and_unparsable_quantity(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    r = gw.post(
        f"/api/v1/projects/{pid}/services/",
        token,
        content=b"{nope",
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400
    assert r.json()["error"].startswith("invalid character")
    body = {"name": "web", "type": "web", **GOOD_CAPS, "cpu_limit": "abc"}
    r = gw.post(f"/api/v1/projects/{pid}/services/", token, json=body)
    assert r.status_code == 400
    assert r.json()["error"] == 'invalid resource quantity for cpu_limit: "abc"'


def test_q53_analysis_object_stored_verbatim_and_non_objects_rejected(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    temp = gw.upload(token)
    analysis = {"anything": [1, {"x": None}]}
    r = gw.post(
        "/api/v1/upload/update-source",
        token,
        json={"project_id": pid, "temp_file_path": temp, "analysis": analysis},
    )
    assert r.status_code == 200
    assert gw.get(f"/api/v1/projects/{pid}", token).json()["analyze_config"] == analysis
    for bad, kind in (("text", "string"), ([1], "array")):
        r = gw.post(
            "/api/v1/upload/update-source",
            token,
            json={"project_id": pid, "temp_file_path": temp, "analysis": bad},
        )
        assert r.status_code == 400
        assert r.json()["error"] == (
            f"json: cannot unmarshal {kind} into Go struct field UpdateSourceRequest.analysis "
            "of type map[string]interface {}"
        )


def test_integer_overflow_is_a_go_type_error(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    body = {"name": "web", "type": "web", **GOOD_CAPS, "port": 2**64}
    r = gw.post(f"/api/v1/projects/{pid}/services/", token, json=body)
    assert r.status_code == 400
    assert r.json()["error"] == (
        f"json: cannot unmarshal number {2**64} into Go struct field CreateServiceRequest.port of type int"
    )


def test_absurdly_nested_json_is_a_400_not_a_crash(gw: Gateway) -> None:
    token = gw.agent()
    raw = b'{"name":' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    r = gw.post(
        "/api/v1/projects/", token, content=raw, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json() == {"error": "exceeded max depth"}


def test_deep_but_parsable_analysis_is_a_400_not_a_crash(gw: Gateway) -> None:
    token = gw.agent()
    pid = gw.project(token)["id"]
    temp = gw.upload(token)
    depth = 5000
    raw = (
        b'{"project_id":"'
        + pid.encode()
        + b'","temp_file_path":"'
        + temp.encode()
        + b'","analysis":'
        + b'{"a":' * depth
        + b"1"
        + b"}" * depth
        + b"}"
    )
    r = gw.post(
        "/api/v1/upload/update-source",
        token,
        content=raw,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400
