"""Out-of-band changes made through the gateway API show as exactly that drift, and
apply restores them (in-process emulator, virtual time, snapshots of text and JSON)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from apply.harness import (
    Emulator,
    VirtualTime,
    apply_config,
    plan_for,
    running_emulator,
    write_app,
)
from helpers.e2e import poll_until_async, reference_config
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from odiac.gateway.bodies import ServiceUpdate
from odiac.gateway.client import GatewayClient
from odiac.plan.render_json import plan_document
from odiac.plan.render_text import render_text

CONFIG = reference_config("shop", local=True, secrets={"API_TOKEN": "env:SHOP_API_TOKEN"})
SECRET = "canary-secret-9f2c71"

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DIGEST = re.compile(r"(hmac-sha256|sha256):[0-9a-f]{12,64}")


def _mask(text: str) -> str:
    return _DIGEST.sub(r"\1:<digest>", _UUID.sub("<id>", text))


def mask_matcher(*, data: Any, path: Any) -> Any:
    """Syrupy matcher: ids and digests are volatile (random ids, generated passwords)."""
    return _mask(data) if isinstance(data, str) else data


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


def _run(tmp_path: Path, drift: Any) -> tuple[str, dict[str, Any], list[str], dict[str, Any]]:
    """Converge, apply ``drift`` through the API, plan, apply, and re-plan.

    Returns the drift plan's text and JSON, its action kinds, and facts for asserts.
    """
    config = write_app(tmp_path / "app", CONFIG)

    async def scenario() -> tuple[str, dict[str, Any], list[str], dict[str, Any]]:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            time = VirtualTime(emu)
            _, first = await apply_config(client, config, tmp_path / "s0", time)
            assert first.ok, [r.detail for r in first.results]
            pid, sid = first.project_id or "", first.services[0].service_id
            await drift(emu, client, pid, sid)
            drifted = await plan_for(client, config, tmp_path / "s1")
            deployments_before = len(await client.list_deployments(pid))
            await emu.clear_requests()
            _, fixed = await apply_config(client, config, tmp_path / "s2", time)
            assert fixed.ok, [r.detail for r in fixed.results]
            requests = await emu.requests()
            facts = {
                "new_deployments": len(await client.list_deployments(pid)) - deployments_before,
                "uploads": [r for r in requests if r["path"].startswith("/api/v1/upload/")],
                "clean": (await plan_for(client, config, tmp_path / "s3")).plan.actions == [],
                "env": await client.get_env(pid, sid),
                "service": await client.get_service(sid),
            }
            plan = drifted.plan
            return render_text(plan), plan_document(plan), [a.kind for a in plan.actions], facts

    return asyncio.run(scenario())


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_API_TOKEN", SECRET)


async def _resize(emu: Emulator, client: GatewayClient, pid: str, sid: str) -> None:
    await client.update_service(sid, ServiceUpdate(settings={"cpu_limit": "500m", "replicas": 1}))


async def _env_edit(emu: Emulator, client: GatewayClient, pid: str, sid: str) -> None:
    env = await client.get_env(pid, sid)
    await client.put_env(pid, sid, {**env, "LOG_LEVEL": "debug", "EXTRA": "1"})


async def _rename(emu: Emulator, client: GatewayClient, pid: str, sid: str) -> None:
    rows = await client.list_domains(sid, type="auto")
    await client.rename_subdomain(rows[0].id, "oob-label")


def test_resize_drift_is_an_update_without_redeploy(
    tmp_path: Path, snapshot: SnapshotAssertion, json_snapshot: SnapshotAssertion
) -> None:
    text, doc, kinds, facts = _run(tmp_path, _resize)
    assert kinds == ["update_service"]
    assert _mask(text) == snapshot
    assert doc == json_snapshot(matcher=mask_matcher)
    assert facts["new_deployments"] == 0  # resize does not redeploy
    assert facts["service"].cpu_limit in ("1", "1000m")
    assert facts["clean"]
    assert SECRET not in text
    assert SECRET not in str(doc)


def test_env_edit_drift_replaces_env_and_redeploys(
    tmp_path: Path, snapshot: SnapshotAssertion, json_snapshot: SnapshotAssertion
) -> None:
    text, doc, kinds, facts = _run(tmp_path, _env_edit)
    assert kinds == ["set_env", "deploy"]
    assert _mask(text) == snapshot
    assert doc == json_snapshot(matcher=mask_matcher)
    assert facts["new_deployments"] == 1
    assert facts["env"]["LOG_LEVEL"] == "info"
    assert "EXTRA" not in facts["env"]
    assert facts["uploads"] == []  # unchanged source uploads nothing
    assert facts["clean"]


def test_subdomain_rename_drift_is_renamed_back(
    tmp_path: Path, snapshot: SnapshotAssertion, json_snapshot: SnapshotAssertion
) -> None:
    text, doc, kinds, facts = _run(tmp_path, _rename)
    assert kinds == ["rename_subdomain"]
    assert _mask(text) == snapshot
    assert doc == json_snapshot(matcher=mask_matcher)
    assert facts["new_deployments"] == 0
    assert facts["clean"]


def test_rollback_drift_redeploys_the_desired_source(
    tmp_path: Path, snapshot: SnapshotAssertion, json_snapshot: SnapshotAssertion
) -> None:
    """Deploy v1, then v2 (file edit), then roll back to v1 through the API."""
    config = write_app(tmp_path / "app", CONFIG)

    async def scenario() -> tuple[str, dict[str, Any], list[str], bool]:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            time = VirtualTime(emu)
            _, first = await apply_config(client, config, tmp_path / "s0", time)
            pid, sid = first.project_id or "", first.services[0].service_id
            (tmp_path / "app" / "app.py").write_text("print('v2')\n")
            _, second = await apply_config(client, config, tmp_path / "s1", time)
            assert second.ok
            v1 = first.services[0].deployment_id or ""
            rollback = await client.rollback_deployment(v1)

            async def rolled_back() -> bool:
                return (await client.get_deployment(rollback.id)).status == "success"

            await poll_until_async(
                rolled_back, tick=lambda: time.sleep(1), attempts=20, what="the rollback succeeds"
            )
            drifted = await plan_for(client, config, tmp_path / "s2")
            _, fixed = await apply_config(client, config, tmp_path / "s3", time)
            assert fixed.ok, [r.detail for r in fixed.results]
            clean = (await plan_for(client, config, tmp_path / "s4")).plan.actions == []
            plan = drifted.plan
            del pid, sid
            return render_text(plan), plan_document(plan), [a.kind for a in plan.actions], clean

    text, doc, kinds, clean = asyncio.run(scenario())
    assert kinds == ["upload_source", "bind_source", "deploy"]
    assert "rolled back" in text
    assert _mask(text) == snapshot
    assert doc == json_snapshot(matcher=mask_matcher)
    assert clean
