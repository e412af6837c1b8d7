"""Refresh reads everything a plan needs in a pinned number of round trips."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from apply.harness import Emulator, running_emulator

from odiac.gateway.bodies import ServiceCreate
from odiac.gateway.client import GatewayClient
from odiac.plan.inputs import DesiredDependency, LiveState, format_deployment_description
from odiac.state.refresh import Snapshot, read_snapshot, refresh

SOURCE = "sha256:" + "a" * 64
CONFIG = "sha256:" + "b" * 64


async def _seed(emu: Emulator, client: GatewayClient, services: int) -> str:
    project = await client.create_project("shop")
    await client.create_dependency(project.id, "postgres", display_name="db")
    for index in range(services):
        await client.create_service(
            project.id,
            ServiceCreate(
                name=f"svc{index}",
                type="web",
                settings={"port": 8000},
                runtime_variables={"A": "1", "API_TOKEN": "s3cret-value"},
                build_variables={"B": "2"},
            ),
        )
    listed = await client.list_services(project.id)
    await client.create_deployment(
        project.id,
        listed[0].id,
        description=format_deployment_description(SOURCE, CONFIG),
    )
    return project.id


def _count(services: int, tmp_path: Path) -> tuple[int, Counter[str], LiveState]:
    async def scenario() -> tuple[int, Counter[str], LiveState]:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            pid = await _seed(emu, client, services)
            await emu.clear_requests()
            live = await refresh(
                client, "shop", "staging", dependencies={"db": DesiredDependency(engine="postgres")}
            )
            rows = await emu.requests()
            kinds = Counter(_kind(r["path"], pid) for r in rows)
            return len(rows), kinds, live

    return asyncio.run(scenario())


def _kind(path: str, pid: str) -> str:
    path = path.removeprefix("/api").replace(pid, "{pid}")
    return "/v1/services/{sid}" if path.startswith("/v1/services/") else path


def test_refresh_of_one_service_takes_five_round_trips(tmp_path: Path) -> None:
    total, kinds, live = _count(1, tmp_path)
    assert total == 5
    assert kinds == Counter(
        {
            "/v1/projects/": 1,
            "/v1/projects/{pid}/services/": 1,
            "/v1/dependencies/status/{pid}": 1,
            "/v1/projects/{pid}/deployments": 1,
            "/v1/service-domains": 1,
        }
    )
    svc = live.services["svc0"]
    assert svc.latest_deployment is not None
    assert svc.env["API_TOKEN"].get_secret_value() == "s3cret-value"
    assert svc.build_env["B"].get_secret_value() == "2"
    assert svc.latest_deployment.identity == (SOURCE, CONFIG)
    assert live.dependencies["db"].engine == "postgres"
    assert "DATABASE_URL" in live.dependencies["db"].env_vars


def test_refresh_of_ten_services_takes_fourteen_round_trips(tmp_path: Path) -> None:
    total, kinds, live = _count(10, tmp_path)
    assert total == 4 + 10
    assert kinds["/v1/services/{sid}"] == 0  # the service list carries env and build env
    assert kinds["/v1/service-domains"] == 10
    assert kinds["/v1/projects/{pid}/deployments"] == 1
    assert sorted(live.services) == [f"svc{i}" for i in range(10)]


def test_refresh_of_a_missing_project_takes_one_round_trip(tmp_path: Path) -> None:
    async def scenario() -> tuple[int, Snapshot]:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            await client.create_project("other")
            await emu.clear_requests()
            snapshot = await read_snapshot(client, "shop", "staging")
            return len(await emu.requests()), snapshot

    total, snapshot = asyncio.run(scenario())
    assert total == 1
    assert snapshot.live.project is None
    assert [p.name for p in snapshot.visible_projects] == ["other"]


def test_refresh_reads_concurrently(tmp_path: Path) -> None:
    """With 200 ms per request the three-deep critical path bounds the wall time."""

    async def scenario() -> float:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            await _seed(emu, client, 5)
            await emu.configure(latency_ms=200)
            loop = asyncio.get_running_loop()
            started = loop.time()
            await refresh(client, "shop", "staging")
            return loop.time() - started

    elapsed = asyncio.run(scenario())
    # 9 requests sequentially would take 1.8 s; the critical path is 3 x 0.2 s.
    assert elapsed < 1.5
