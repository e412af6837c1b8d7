"""Arbitrary JSON bodies never crash a handler: every answer is a deliberate 4xx/2xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.driver import Gateway

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_keys = st.sampled_from(
    [
        "name", "type", "repo_url", "skip_validation", "cpu_limit", "replicas", "port", "variables",
        "runtime_variables", "resources", "project_id", "service_id", "source", "dependencies",
        "analysis", "temp_file_path", "subdomain", "dependency_id", "env_vars", "volumes",
    ]
)  # fmt: skip
_bodies = st.dictionaries(_keys, _json, max_size=6) | _json


@pytest.fixture
def seeded(gw: Gateway) -> tuple[str, str, str]:
    pat = str(gw.user("fuzz@example.test")["api_key"])
    pid, sid = gw.stack(pat)
    gw.deploy(pat, pid, sid)
    return pat, pid, sid


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=_bodies)
def test_no_body_crashes_a_handler(gw: Gateway, seeded: tuple[str, str, str], body: Any) -> None:
    pat, pid, sid = seeded
    raw = json.dumps(body).encode()
    for method, path in (
        ("POST", "/api/v1/projects/"),
        ("POST", f"/api/v1/projects/{pid}/services/"),
        ("PUT", f"/api/v1/services/{sid}"),
        ("PUT", f"/api/v1/projects/{pid}/services/{sid}/env"),
        ("POST", "/api/v1/deployments/"),
        ("POST", "/api/v1/upload/update-source"),
        ("POST", "/api/v1/dependencies/create"),
        ("POST", f"/api/v1/services/{sid}/volumes"),
        ("POST", "/api/v1/client-agents/register"),
    ):
        r = gw.request(method, path, pat, content=raw, headers={"Content-Type": "application/json"})
        assert r.status_code < 500, (method, path, raw, r.text)
        assert r.headers["content-type"].startswith("application/json")
