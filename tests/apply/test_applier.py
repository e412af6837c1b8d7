"""The applier against the real emulator (in-process), with virtual time."""

from __future__ import annotations

import asyncio
from pathlib import Path

from apply.harness import VirtualTime, apply_config, plan_for, running_emulator, write_app
from odiac.apply.events import SilentReporter

CONFIG = """
    version = 1
    [gateway]
    url = "local"
    [project]
    name = "shop"
    [dependencies.db]
    type = "postgres"
    [services.web]
    type = "web"
    port = 8000
    cpu = "1"
    memory = "1Gi"
    uses = ["db"]
    subdomain = "shop-web"
    [services.web.env]
    LOG_LEVEL = "info"
"""


def test_fresh_apply_creates_everything_then_replans_clean(tmp_path: Path) -> None:
    config = write_app(tmp_path / "app", CONFIG)

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            planned, result = await apply_config(client, config, tmp_path / "s1", VirtualTime(emu))
            kinds = [a.kind for a in planned.plan.actions]
            assert kinds == [
                "create_project",
                "create_dependency",
                "create_service",
                "upload_source",
                "bind_source",
                "deploy",
                "rename_subdomain",
            ]
            assert result.ok, [r.detail for r in result.results]
            assert [s.url for s in result.services] == ["https://shop-web.dev.opendeploy.run"]
            assert result.services[0].deployment_status == "success"
            assert result.dependencies[0].injected[0] == "DATABASE_URL"
            env = await client.get_env(result.project_id or "", result.services[0].service_id)
            assert env["LOG_LEVEL"] == "info"
            assert env["DATABASE_URL"].startswith("postgresql://")
            again = await plan_for(client, config, tmp_path / "s2")
            assert again.plan.actions == []

    asyncio.run(scenario())


def test_drop_after_commit_on_every_create_never_duplicates_f30(tmp_path: Path) -> None:
    """Every create answers 502 after committing; the applier re-reads and adopts."""
    config = write_app(tmp_path / "app", CONFIG)

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            # Project create, then service create (same prefix), dependency, deployment.
            await emu.fault("drop_after_commit", count=2, method="POST", path="/v1/projects/")
            await emu.fault("drop_after_commit", method="POST", path="/v1/dependencies/create")
            await emu.fault("drop_after_commit", method="POST", path="/v1/deployments/")
            _, result = await apply_config(client, config, tmp_path / "s", VirtualTime(emu))
            assert result.ok, [r.detail for r in result.results]
            projects = await client.list_projects()
            assert [p.name for p in projects] == ["shop"]
            pid = projects[0].id
            assert len(await client.list_services(pid)) == 1
            assert len(await client.list_dependencies_status(pid)) == 1
            assert len(await client.list_deployments(pid)) == 1
            dropped = [r for r in await emu.requests() if r["status"] == 502]
            assert len(dropped) == 4  # every injected fault was hit

    asyncio.run(scenario())


def test_parallelism_bounds_actions_in_flight(tmp_path: Path) -> None:
    services = "\n".join(
        f'[services.s{i}]\ntype = "worker"\nstart_command = "run"\n' for i in range(6)
    )
    config = write_app(
        tmp_path / "app",
        '[project]\nname = "many"\n[gateway]\nurl = "local"\n' + services,
    )

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            reporter = SilentReporter()
            _, result = await apply_config(
                client, config, tmp_path / "s", VirtualTime(emu), parallelism=2, reporter=reporter
            )
            assert result.ok
            in_flight = peak = 0
            for kind, _ in reporter.events:
                if kind == "started":
                    in_flight += 1
                elif kind in ("done", "failed"):
                    in_flight -= 1
                peak = max(peak, in_flight)
            assert peak == 2

    asyncio.run(scenario())
