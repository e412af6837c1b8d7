"""Failures: dependents skipped, independent services finish, hints and log tails shown."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from apply.harness import (
    BASE_URL,
    VirtualTime,
    apply_config,
    plan_for,
    running_emulator,
    write_app,
)
from odiac.apply import apply_plan
from odiac.apply.events import SilentReporter
from odiac.gateway.client import GatewayClient

TWO_SERVICES = """
    version = 1
    [gateway]
    url = "local"
    [project]
    name = "duo"
    [services.api]
    type = "web"
    path = "api"
    port = 8000
    subdomain = "duo-api"
    [services.site]
    type = "web"
    path = "site"
    port = 8080
    subdomain = "duo-site"
"""
FILES = {
    "api/requirements.txt": "flask\n",
    "api/OPENDEPLOY_EMULATOR_FAIL_BUILD": "error: could not compile module api.core\n",
    "site/index.html": "<h1>hi</h1>\n",
}


def test_failed_build_skips_its_rename_and_lets_others_finish_f26_f35(tmp_path: Path) -> None:
    config = write_app(tmp_path / "app", TWO_SERVICES, FILES)

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            _, result = await apply_config(client, config, tmp_path / "s", VirtualTime(emu))
            outcomes = {r.action_id: r for r in result.results}
            assert outcomes["service.api.deploy"].outcome == "failed"
            failed = outcomes["service.api.deploy"]
            assert failed.hint is not None
            assert failed.hint.startswith("The application failed to build (a build failure)")
            assert "F26" not in failed.hint  # people read the advice, not a playbook row
            assert any("could not compile module api.core" in line for line in failed.log_tail)
            rename = outcomes["service.api.subdomain"]
            assert rename.outcome == "skipped"
            assert "service.api.deploy" in rename.detail
            assert outcomes["service.site.deploy"].outcome == "done"
            assert outcomes["service.site.subdomain"].outcome == "done"
            assert not result.ok
            assert "1 failed, 1 skipped" in result.summary()
            # No rename after a failure: the api service never got its label (F35).
            check = await client.check_subdomain("duo-api")
            assert check.available

    asyncio.run(scenario())


def test_rerun_after_fixing_the_build_converges(tmp_path: Path) -> None:
    config = write_app(tmp_path / "app", TWO_SERVICES, FILES)

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            time = VirtualTime(emu)
            await apply_config(client, config, tmp_path / "s0", time)
            (tmp_path / "app" / "api" / "OPENDEPLOY_EMULATOR_FAIL_BUILD").unlink()
            planned, result = await apply_config(client, config, tmp_path / "s1", time)
            assert [a.id for a in planned.plan.actions] == [
                "source.upload",
                "source.bind",
                "service.api.deploy",
                "service.site.deploy",
                "service.api.subdomain",
            ]
            assert result.ok, [r.detail for r in result.results]
            assert (await plan_for(client, config, tmp_path / "s2")).plan.actions == []

    asyncio.run(scenario())


def test_no_source_fast_failure_gets_the_f13_hint(tmp_path: Path) -> None:
    """Q9: a deployment of a project with no bound source fails at progress 10."""
    config = write_app(tmp_path / "app", TWO_SERVICES, {"api/requirements.txt": "x\n"})

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            planned = await plan_for(client, config, tmp_path / "s")
            # Drop the source steps: deploying without update-source is the F13 mistake.
            actions = [a for a in planned.plan.actions if not a.id.startswith("source.")]
            stripped = [
                a.model_copy(
                    update={"depends_on": [d for d in a.depends_on if not d.startswith("source.")]}
                )
                for a in actions
            ]
            plan = planned.plan.model_copy(update={"actions": stripped})
            result = await apply_plan(
                plan,
                client=client,
                desired=planned.desired,
                live=planned.live,
                timing=VirtualTime(emu),
            )
            failed = [r for r in result.results if r.outcome == "failed"]
            assert failed
            assert all(
                (r.hint or "").startswith("The deployment had no source bound") for r in failed
            )

    asyncio.run(scenario())


def test_stop_request_starts_nothing_new_and_reports_skipped(tmp_path: Path) -> None:
    """Ctrl-C sets the stop event: running actions end, the rest is reported skipped."""
    config = write_app(tmp_path / "app", TWO_SERVICES, {"api/requirements.txt": "x\n"})

    class StopAfterProject(SilentReporter):
        def __init__(self, time: VirtualTime) -> None:
            super().__init__()
            self.time = time

        def finished(self, result):  # type: ignore[no-untyped-def]
            super().finished(result)
            if result.action_id == "project":
                self.time.stop.set()

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            time = VirtualTime(emu)
            planned = await plan_for(client, config, tmp_path / "s")
            result = await apply_plan(
                planned.plan,
                client=client,
                desired=planned.desired,
                live=planned.live,
                archive_path=planned.archive_path,
                reporter=StopAfterProject(time),
                timing=time,
                parallelism=1,
            )
            assert result.interrupted
            assert result.results[0].outcome == "done"
            assert {r.outcome for r in result.results[1:]} == {"skipped"}
            assert "interrupted" in result.results[1].detail
            assert len(await client.list_projects()) == 1

    asyncio.run(scenario())


@pytest.mark.parametrize("rotate", [True, False])
def test_secret_rotation_redeploys_only_when_the_value_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rotate: bool
) -> None:
    config = write_app(
        tmp_path / "app",
        """
        [project]
        name = "rot"
        [gateway]
        url = "local"
        [services.web]
        type = "web"
        port = 8000
        env = { STRIPE_API_TOKEN = { secret = "env:ROT_STRIPE" } }
        """,
    )
    monkeypatch.setenv("ROT_STRIPE", "value-one-1234")

    async def scenario() -> list[str]:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            time = VirtualTime(emu)
            await apply_config(client, config, tmp_path / "s0", time)
            if rotate:
                monkeypatch.setenv("ROT_STRIPE", "value-two-5678")
            planned, result = await apply_config(client, config, tmp_path / "s1", time)
            assert result.ok
            kinds = [a.kind for a in planned.plan.actions]
            if rotate:
                env = await client.get_env(result.project_id or "", result.services[0].service_id)
                assert env["STRIPE_API_TOKEN"] == "value-two-5678"
            return kinds

    kinds = asyncio.run(scenario())
    assert kinds == (["set_env", "deploy"] if rotate else [])


class LyingTransport(httpx.AsyncBaseTransport):
    """A gateway that reports a different cpu_limit than it was sent (read-back check)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method != "GET" or "/services/" not in request.url.path:
            return response
        await response.aread()
        body = json.loads(response.content)
        rows = body["data"] if isinstance(body, dict) and "data" in body else [body]
        for row in rows:
            if isinstance(row, dict) and "cpu_limit" in row:
                row["cpu_limit"] = "250m"
        return httpx.Response(response.status_code, headers=response.headers, json=body)


def test_a_read_back_that_differs_from_the_plan_fails_the_action(tmp_path: Path) -> None:
    config = write_app(
        tmp_path / "app",
        '[project]\nname = "liar"\n[services.web]\ntype = "web"\nport = 8000\ncpu = "1"\n',
    )

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            token = await emu.user_token()
            client = GatewayClient(BASE_URL, token, transport=LyingTransport(emu.transport))
            emu.clients.append(client)
            _, result = await apply_config(client, config, tmp_path / "s", VirtualTime(emu))
            created = next(r for r in result.results if r.action_id == "service.web")
            assert created.outcome == "failed"
            assert "read-back differs from the plan" in created.detail
            assert "cpu_limit: planned '1', read back '250m'" in created.detail
            assert (
                next(r for r in result.results if r.action_id == "service.web.deploy").outcome
                == "skipped"
            )

    asyncio.run(scenario())
