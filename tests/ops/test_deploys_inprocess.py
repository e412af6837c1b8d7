"""Rollback, cancel and redeploy logic against the in-process emulator, virtual time."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from apply.harness import VirtualTime, apply_config, running_emulator, write_app

from odiac.gateway.bodies import ServiceCreate
from odiac.ops.deploys import (
    cancel,
    cancel_target,
    choose_rollback,
    plan_redeploy,
    start_redeploy,
    start_rollback,
    watch,
)
from odiac.ops.lookup import OperationError, find_project, find_service

CONFIG = """
    version = 1
    [gateway]
    url = "local"
    [project]
    name = "deploys"
    [services.web]
    type = "web"
    port = 8000
    cpu = "1"
    memory = "1Gi"
"""


def test_rollback_watch_uses_the_injected_sleep(tmp_path: Path) -> None:
    """Q48: the rollback succeeds and the replaced deployment becomes rolled_back."""

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emulator:
            client = emulator.client(await emulator.user_token())
            timing = VirtualTime(emulator)
            config = write_app(tmp_path / "app", CONFIG)
            await apply_config(client, config, tmp_path / "s1", timing)
            (tmp_path / "app" / "app.py").write_text("print('v2')\n")
            await apply_config(client, config, tmp_path / "s2", timing)
            project = await find_project(client, "deploys")
            web = await find_service(client, project, "web")
            choice = await choose_rollback(client, project, web, None)
            assert choice.current is not None
            newer, older = choice.current.id, choice.target.id
            slept = len(timing.sleeps)
            created = await start_rollback(client, choice)
            result = await watch(client, created, timing=timing)
            assert result.deployment.status == "success"
            assert result.deployment.rollback_of == older
            assert len(timing.sleeps) > slept  # polled with the virtual clock, never waited
            assert (await client.get_deployment(newer)).status == "rolled_back"
            # The only other success runs the same source as the rollback: nothing to pick.
            with pytest.raises(OperationError, match="no earlier successful deployment"):
                await choose_rollback(client, project, web, None)

    asyncio.run(scenario())


def test_cancel_verifies_and_refuses_an_ended_deployment(tmp_path: Path) -> None:
    """Q44: cancel a deployment in progress; a success cannot be cancelled."""

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emulator:
            client = emulator.client(await emulator.user_token())
            timing = VirtualTime(emulator)
            await apply_config(client, write_app(tmp_path / "app", CONFIG), tmp_path / "s", timing)
            project = await find_project(client, "deploys")
            web = await find_service(client, project, "web")
            plan = await plan_redeploy(client, project, web, "staging")
            running = await start_redeploy(client, project, plan)
            target = await cancel_target(client, project, "web")
            assert target.id == running.id
            back = await cancel(client, target)
            assert back.status == "cancelled"
            with pytest.raises(OperationError, match="already ended"):
                await cancel_target(client, project, running.id)
            done = (await client.list_deployments(project.id, status="success"))[0]
            with pytest.raises(OperationError, match="could not be cancelled: it is already"):
                await cancel(client, done)

    asyncio.run(scenario())


def test_redeploy_refuses_a_project_without_bound_source(tmp_path: Path) -> None:
    """F13/Q9: a deployment without bound source would fail fast; refuse up front."""

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emulator:
            client = emulator.client(await emulator.user_token())
            project = await client.create_project("nosource")
            await client.create_service(project.id, ServiceCreate(name="web", type="web"))
            web = await find_service(client, project, "web")
            with pytest.raises(OperationError, match="no bound source"):
                await plan_redeploy(client, project, web, "staging")
            assert await client.list_deployments(project.id) == []

    asyncio.run(scenario())
