"""Plan-time checks: subdomain availability, pending-agent caps and the one-project rule."""

from __future__ import annotations

import asyncio
from pathlib import Path

from apply.harness import Emulator, VirtualTime, apply_config, running_emulator, write_app

from odiac.gateway.auth import Credential
from odiac.gateway.client import GatewayClient
from odiac.plan.inputs import DesiredProject, DesiredService, DesiredState
from odiac.redact import register
from odiac.state.checks import Finding, run_checks
from odiac.state.refresh import read_snapshot

THEIRS = """
    [project]
    name = "theirs"
    [services.web]
    type = "web"
    port = 8000
    subdomain = "taken-label"
"""


def _desired(project: str = "shop", **service: object) -> DesiredState:
    return DesiredState(
        project=DesiredProject(name=project),
        services={"web": DesiredService(**service)},  # type: ignore[arg-type]
        config_digest="sha256:" + "0" * 64,
    )


def _credential(token: str) -> Credential:
    kind = "agent" if token.startswith("od_a") else "pat"
    return Credential(kind=kind, token=token, gateway="http://emulator.test/api", source="env")


async def _agent(emu: Emulator) -> tuple[GatewayClient, str]:
    registered = await emu.client(None).register_agent()
    token = registered.api_key or ""
    register(token)
    return emu.client(token), token


async def _check(client: GatewayClient, token: str, desired: DesiredState) -> list[Finding]:
    snapshot = await read_snapshot(client, desired.project.name, "staging")
    return await run_checks(client, _credential(token), desired, snapshot)


def test_taken_subdomain_is_an_error_at_plan_time_f23(tmp_path: Path) -> None:
    async def scenario() -> list[Finding]:
        async with running_emulator(tmp_path) as emu:
            other = emu.client(await emu.user_token("other@example.test"))
            theirs = write_app(tmp_path / "theirs", THEIRS)
            _, applied = await apply_config(other, theirs, tmp_path / "s", VirtualTime(emu))
            assert applied.ok
            token = await emu.user_token("me@example.test")
            return await _check(emu.client(token), token, _desired(subdomain="taken-label"))

    findings = asyncio.run(scenario())
    assert [(f.severity, f.key_path) for f in findings] == [
        ("error", ("services", "web", "subdomain"))
    ]
    assert "taken" in findings[0].message
    assert findings[0].hint == "Choose another label."


def test_reserved_or_invalid_labels_are_errors_f24(tmp_path: Path) -> None:
    async def scenario() -> list[Finding]:
        async with running_emulator(tmp_path) as emu:
            token = await emu.user_token()
            return await _check(emu.client(token), token, _desired(subdomain="admin"))

    findings = asyncio.run(scenario())
    assert len(findings) == 1
    assert findings[0].severity == "error"
    assert "F24" not in (findings[0].hint or "")


def test_pending_agent_caps_are_errors_naming_each_key_and_pat_has_none_5_1(
    tmp_path: Path,
) -> None:
    async def scenario() -> tuple[list[Finding], list[Finding]]:
        async with running_emulator(tmp_path) as emu:
            agent, agent_token = await _agent(emu)
            desired = _desired(cpu_limit="2", replicas=2)  # memory unset: default 4Gi
            pending = await _check(agent, agent_token, desired)
            pat = await emu.user_token()
            return pending, await _check(emu.client(pat), pat, desired)

    pending, pat = asyncio.run(scenario())
    assert {f.severity for f in pending} == {"error"}
    assert [f.key_path for f in pending] == [
        ("services", "web", "cpu"),
        ("services", "web"),  # memory unset: the table that lacks it
        ("services", "web", "replicas"),
    ]
    memory = pending[1]
    assert "memory is not set, so the gateway default '4Gi' applies" in memory.message
    assert "set memory = '1Gi'" in memory.message
    for finding in pending:
        hint = finding.hint or ""
        assert "Lower the values" in hint
        assert "claim the agent" in hint
        assert "OPENDEPLOY_TOKEN" in hint
        assert "F4" not in finding.message + hint
    assert pat == []


def test_a_bound_agent_has_no_caps(tmp_path: Path) -> None:
    async def scenario() -> list[Finding]:
        async with running_emulator(tmp_path) as emu:
            registered = await emu.client(None).register_agent()
            token = registered.api_key or ""
            register(token)
            user = await emu.call("POST", "/_emulator/users", {"email": "me@example.test"})
            register(user["api_key"])
            bound = {"user_id": user["user_id"]}
            await emu.call("POST", f"/_emulator/agents/{registered.agent_id}/bind", bound)
            return await _check(emu.client(token), token, _desired(cpu_limit="2", replicas=3))

    assert asyncio.run(scenario()) == []


def test_pending_agent_one_project_rule_names_the_existing_project_f6(tmp_path: Path) -> None:
    async def scenario() -> list[Finding]:
        async with running_emulator(tmp_path) as emu:
            agent, token = await _agent(emu)
            await agent.create_project("first-app")
            desired = _desired(
                "second-app",
                cpu_limit="1",
                cpu_request="500m",
                memory_limit="1Gi",
                memory_request="512Mi",
                replicas=1,
            )
            return await _check(agent, token, desired)

    findings = asyncio.run(scenario())
    assert [f.severity for f in findings] == ["error"]
    assert "'first-app'" in findings[0].message
    assert "'second-app'" in findings[0].message
    assert findings[0].key_path == ("project", "name")
    assert "claim the agent" in (findings[0].hint or "")


def test_pending_agent_new_volume_warns_of_quota_exceeded_and_pat_not(tmp_path: Path) -> None:
    """The volume allowance of a pending agent is not published: a warning, no number."""
    from odiac.plan.inputs import DesiredVolume

    volume = {"data": DesiredVolume(name="data", mount_path="/data", size="20Gi")}

    async def scenario() -> tuple[list[Finding], list[Finding]]:
        async with running_emulator(tmp_path) as emu:
            agent, agent_token = await _agent(emu)
            desired = _desired(cpu_limit="1", memory_limit="1Gi", volumes=volume)
            pending = await _check(agent, agent_token, desired)
            pat = await emu.user_token()
            return pending, await _check(emu.client(pat), pat, desired)

    pending, pat = asyncio.run(scenario())
    quota = [f for f in pending if "volumes" in f.key_path]
    assert [(f.severity, f.key_path) for f in quota] == [
        ("warning", ("services", "web", "volumes", "data"))
    ]
    assert "403 quota_exceeded" in quota[0].message
    assert "data 20Gi" in quota[0].message
    assert pat == []
