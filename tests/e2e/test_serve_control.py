"""The public ``odiac.testing.EmulatorControl`` helpers against a served emulator (3.13)."""

from __future__ import annotations

import json

import pytest
from helpers.e2e import Api, register_agent

from odiac.testing import EmulatorControlError, EmulatorProcess, control, serve_emulator


def test_users_and_pat_rotation(emulator: EmulatorProcess):
    with emulator.control() as admin:
        user = admin.create_user("rotate@example.test", plan="pro")
        assert user["email"] == "rotate@example.test"
        with Api(emulator.base_url, user["api_key"]) as old:
            assert old.get("/v1/profile")["email"] == "rotate@example.test"
            rotated = admin.rotate_pat(user["user_id"])
            assert rotated["api_key"] != user["api_key"]
            old.call("GET", "/v1/regions/", expect=401)  # the previous PAT is revoked
        with Api(emulator.base_url, rotated["api_key"]) as new:
            new.call("GET", "/v1/regions/")


def test_bind_then_revoke_an_agent(emulator: EmulatorProcess):
    """Q32: the same token is bound after the bind; revoked it gets 401 everywhere (2.3)."""
    agent = register_agent(emulator.base_url)
    with emulator.control() as admin, Api(emulator.base_url, agent["api_key"]) as api:
        user = admin.create_user("binder@example.test")
        api.call("GET", "/v1/profile", expect=401)  # Q6: pending
        admin.bind_agent(agent["agent_id"], user["user_id"])
        assert api.call("GET", "/v1/profile").headers["X-Tenant-Type"] == "user"
        admin.revoke_agent(agent["agent_id"])
        api.call("GET", "/v1/regions/", expect=401)


def test_faults_configure_clock_and_request_log(emulator: EmulatorProcess):
    with emulator.control() as admin, Api(emulator.base_url) as anonymous:
        admin.clear_requests()
        admin.fault("http_503", count=1, match={"method": "POST", "path": "/api/v1/client-agents"})
        anonymous.call("POST", "/v1/client-agents/register", expect=503)
        anonymous.call("POST", "/v1/client-agents/register", expect=200)
        log = admin.requests()
        assert [(r["method"], r["path"], r["status"]) for r in log] == [
            ("POST", "/api/v1/client-agents/register", 503),
            ("POST", "/api/v1/client-agents/register", 200),
        ]
        admin.clear_requests()
        assert admin.requests() == []

        settings = admin.configure(auto_domain_delay_s=5)
        assert settings["auto_domain_delay_s"] == 5
        before = admin.advance(0)["epoch"]
        assert admin.advance(3600)["epoch"] >= before + 3600


def test_state_never_shows_plaintext_tokens(emulator: EmulatorProcess):
    agent = register_agent(emulator.base_url)
    with emulator.control() as admin:
        user = admin.create_user("state@example.test")
        dump = json.dumps(admin.state())
    assert "state@example.test" in dump
    assert agent["agent_id"] in dump
    for secret in (agent["api_key"], user["api_key"]):
        assert secret not in dump


def test_reset_wipes_users_and_agents(emulator: EmulatorProcess):
    agent = register_agent(emulator.base_url)
    with emulator.control() as admin:
        user = admin.create_user("gone@example.test")
        admin.reset()
    for token in (agent["api_key"], user["api_key"]):
        with Api(emulator.base_url, token) as api:
            api.call("GET", "/v1/regions/", expect=401)


def test_git_repo_fixture_drives_git_validation(emulator: EmulatorProcess):
    url = "https://git.example.test/acme/shop.git"
    with emulator.control() as admin:
        user = admin.create_user("git@example.test")
        admin.git_repo(url, ["main", "release"], "main")
    with Api(emulator.base_url, user["api_key"]) as api:
        refused = api.call(
            "POST",
            "/v1/projects/",
            json={"name": "shop", "repo_url": url, "branch": "dev"},
            expect=400,
        ).json()
        assert refused["error_code"] == "branch_not_found"
        assert refused["available_branches"] == ["main", "release"]
        api.call(
            "POST",
            "/v1/projects/",
            json={"name": "shop", "repo_url": url, "branch": "release"},
            expect=201,
        )


def test_a_refused_control_call_raises_with_its_status(emulator: EmulatorProcess):
    with control(emulator.origin) as admin, pytest.raises(EmulatorControlError) as info:
        admin.fault("no_such_fault")
    assert info.value.status == 400
    assert "kind must be one of" in str(info.value)


def test_control_key_is_sent_when_given(tmp_path):
    key = "e2e-admin-key-93b2"
    with serve_emulator(tmp_path, extra_args=["--key", key]) as emu:
        with control(emu.origin) as keyless, pytest.raises(EmulatorControlError) as info:
            keyless.state()
        assert info.value.status == 401
        with control(emu.origin, key=key) as admin:
            assert "settings" in admin.state()
