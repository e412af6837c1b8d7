"""The applier against the real emulator (in-process), with virtual time."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpers.e2e import reference_config

from apply.harness import VirtualTime, apply_config, plan_for, running_emulator, write_app
from odiac.apply.events import SilentReporter

CONFIG = reference_config("shop", local=True)


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


def test_parallelism_bounds_work_but_deployments_build_together(tmp_path: Path) -> None:
    """At most 2 actions work at once; a deployment watch gives its slot back."""
    services = "\n".join(
        f'[services.s{i}]\ntype = "worker"\nstart_command = "run"\n' for i in range(6)
    )
    config = write_app(
        tmp_path / "app",
        '[project]\nname = "many"\n[gateway]\nurl = "local"\n' + services,
    )

    class Watching(SilentReporter):
        """Counts actions working (started, not finished, not waiting on a deployment)."""

        def __init__(self) -> None:
            super().__init__()
            self.working: set[str] = set()
            self.building: set[str] = set()
            self.peak_working = self.peak_building = 0

        def started(self, action):  # type: ignore[no-untyped-def]
            super().started(action)
            self.working.add(action.id)
            self.peak_working = max(self.peak_working, len(self.working))

        def deployment(self, service, deployment):  # type: ignore[no-untyped-def]
            action_id = f"service.{service}.deploy"
            self.working.discard(action_id)
            if deployment.terminal:
                self.building.discard(service)
            else:
                self.building.add(service)
            self.peak_building = max(self.peak_building, len(self.building))

        def finished(self, result):  # type: ignore[no-untyped-def]
            super().finished(result)
            self.working.discard(result.action_id)

    async def scenario() -> Watching:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            await emu.configure(latency_ms=20)  # requests overlap only when they take time
            reporter = Watching()
            _, result = await apply_config(
                client, config, tmp_path / "s", VirtualTime(emu), parallelism=2, reporter=reporter
            )
            assert result.ok, [r.detail for r in result.results]
            return reporter

    reporter = asyncio.run(scenario())
    assert reporter.peak_working == 2
    assert reporter.peak_building == 6


def test_git_source_is_parked_bound_and_deployed(tmp_path: Path) -> None:
    config = write_app(
        tmp_path / "app",
        """
        [project]
        name = "from-git"
        [gateway]
        url = "local"
        [source]
        git = "https://github.com/example/app.git"
        branch = "main"
        [services.web]
        type = "web"
        port = 8000
        """,
        files={},
    )

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            time = VirtualTime(emu)
            planned, result = await apply_config(client, config, tmp_path / "s", time)
            assert planned.plan.source.kind == "git"
            assert result.ok, [r.detail for r in result.results]
            project = (await client.list_projects())[0]
            assert project.repo_url == "https://github.com/example/app.git"
            assert project.source_path
            assert (await plan_for(client, config, tmp_path / "s2")).plan.actions == []

    asyncio.run(scenario())
