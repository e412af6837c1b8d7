"""Refresh matches each service with its own deployments (latest, running, rollbacks)."""

from __future__ import annotations

import asyncio
import zipfile
from pathlib import Path

from apply.harness import running_emulator

from odiac.gateway.bodies import ServiceCreate
from odiac.plan.inputs import LiveState, format_deployment_description
from odiac.state.refresh import refresh

CONFIG = "sha256:" + "c" * 64


def _source(letter: str) -> str:
    return "sha256:" + letter * 64


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("requirements.txt", "flask\n")
    return path


def _history(tmp_path: Path) -> tuple[LiveState, dict[str, str]]:
    async def scenario() -> tuple[LiveState, dict[str, str]]:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            project = await client.create_project("shop")
            region = (await client.list_regions())[0].id
            upload = await client.upload_archive(
                project_name="shop", region_id=region, archive_path=_zip(tmp_path / "s.zip")
            )
            await client.update_source(project.id, upload.temp_file_path)
            ids: dict[str, str] = {}
            for name in ("a", "b"):
                created = await client.create_service(
                    project.id, ServiceCreate(name=name, type="web", settings={"port": 8000})
                )
                ids[name] = created

            async def deploy(service: str, source: str) -> str:
                desc = format_deployment_description(_source(source), CONFIG)
                dep = await client.create_deployment(project.id, ids[service], description=desc)
                await emu.advance(60)
                return dep.id

            found = {"a1": await deploy("a", "1"), "b1": await deploy("b", "2")}
            await emu.fault("build_fail", method="POST", path="/v1/deployments")
            found["a2"] = await deploy("a", "3")  # fails: a keeps running a1
            found["b2"] = await deploy("b", "4")
            found["rb"] = (await client.rollback_deployment(found["b1"])).id
            await emu.advance(60)
            return await refresh(client, "shop", "staging"), found

    return asyncio.run(scenario())


def test_each_service_sees_only_its_own_latest_and_running_deployment(tmp_path: Path) -> None:
    live, ids = _history(tmp_path)
    a, b = live.services["a"], live.services["b"]
    assert a.latest_deployment is not None
    assert a.running_deployment is not None
    assert (a.latest_deployment.id, a.latest_deployment.status) == (ids["a2"], "failed")
    assert a.running_deployment.id == ids["a1"]
    assert a.running_deployment.identity == (_source("1"), CONFIG)
    assert b.latest_deployment is not None
    assert b.running_deployment is not None
    assert b.latest_deployment.id == b.running_deployment.id == ids["rb"]
    assert b.latest_deployment.rollback_of == ids["b1"]


def test_a_rollback_carries_the_identity_of_its_target(tmp_path: Path) -> None:
    live, _ids = _history(tmp_path)
    rollback = live.services["b"].running_deployment
    assert rollback is not None
    assert rollback.is_rollback
    assert rollback.identity == (_source("2"), CONFIG)  # b1's, not b2's
    assert live.project is not None
    # The newest deployment that is not a rollback names the bound source.
    assert live.project.bound_source_digest == _source("4")
