"""The engine as a library: plan, apply and saved plans from Python, no CLI.

The real engine runs against the real emulator app over ``httpx.ASGITransport``
(virtual time), on real files in a temporary folder. Nothing here imports click,
and the engine must write nothing to the terminal.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from apply.harness import BASE_URL, Emulator, VirtualTime, running_emulator
from helpers.e2e import reference_config, write_app

from odiac import engine
from odiac.errors import CredentialError, PlanError
from odiac.redact import register

SECRET_VAR = "ENGINE_API_TOKEN"
CANARY = "CANARY-engine-5e1d"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (config and source) whose web service reads one secret."""
    for variable in ("OPENDEPLOY_TOKEN", "CI", "OD_GATEWAY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv(SECRET_VAR, CANARY)
    register(CANARY)
    config = reference_config("engine-lib", secrets={"API_TOKEN": f"env:{SECRET_VAR}"})
    return write_app(tmp_path / "app", config).parent


def run(app: Path, tmp_path: Path, scenario: Callable[[Emulator, Any], Awaitable[None]]) -> None:
    """Run ``scenario(emulator, connect)``; ``connect()`` opens an engine session."""

    async def main() -> None:
        async with running_emulator(tmp_path) as emu:
            token = await emu.user_token()

            @asynccontextmanager
            async def connect(**options: Any) -> AsyncIterator[engine.Session]:
                async with engine.open_session(
                    app / "opendeploy.toml",
                    gateway=BASE_URL,
                    token=options.pop("token", token),
                    client_options={"transport": emu.transport},
                    workdir=app,
                    **options,
                ) as session:
                    yield session

            await scenario(emu, connect)

    asyncio.run(main())


def test_plan_apply_and_replan_converge(
    app: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def scenario(emu: Emulator, connect: Any) -> None:
        async with connect() as session:
            result = await engine.plan(session)
            assert result.errors == []
            kinds = [a.kind for a in result.plan.actions]
            assert kinds[0] == "create_project"
            assert {"create_dependency", "create_service", "upload_source", "deploy"} <= set(kinds)
            outcome = await engine.apply(session, result, timing=VirtualTime(emu))
            assert outcome.ok, outcome.result.summary()
            assert outcome.plan is result.plan
            assert outcome.claim_url is None  # a user token: no agent registered here
            assert [s.deployment_status for s in outcome.result.services] == ["success"]
        state = await emu.state()
        assert [p["name"] for p in state["project"]] == ["engine-lib"]
        async with connect() as session:
            again = await engine.plan(session)
            assert not again.plan.has_changes, [a.id for a in again.plan.actions]

    run(app, tmp_path, scenario)
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")  # the engine never prints


def test_a_saved_plan_applies_when_nothing_changed(app: Path, tmp_path: Path) -> None:
    plan_file = str(tmp_path / "plan.json")

    async def scenario(emu: Emulator, connect: Any) -> None:
        async with connect() as session:
            engine.save_plan(await engine.plan(session, plan_file=plan_file), plan_file)
        assert CANARY not in Path(plan_file).read_text()  # only an HMAC digest of it
        assert not (await emu.state()).get("project")  # saving changed nothing
        async with connect() as session:
            result = await engine.plan(session, plan_file=plan_file)
            saved = engine.saved_plan(session, result, plan_file)
            assert saved is not result.plan  # read from the file...
            assert [a.id for a in saved.actions] == [a.id for a in result.plan.actions]
            assert json.loads(Path(plan_file).read_text())["live_fingerprint"] == (
                saved.live_fingerprint
            )
            outcome = await engine.apply(
                session, result, saved, plan_file=plan_file, timing=VirtualTime(emu)
            )
            assert outcome.ok, outcome.result.summary()
            assert outcome.plan is saved

    run(app, tmp_path, scenario)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("source", "app.py"),
        ("secret", "the value of services.web.env.API_TOKEN changed (secret rotated?)"),
        ("config", "opendeploy.toml (effective configuration) changed"),
    ],
)
def test_a_stale_saved_plan_is_refused_and_changes_nothing(
    app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, reason: str
) -> None:
    plan_file = str(tmp_path / "plan.json")

    async def scenario(emu: Emulator, connect: Any) -> None:
        async with connect() as session:
            engine.save_plan(await engine.plan(session, plan_file=plan_file), plan_file)
        if change == "source":
            (app / "app.py").write_text("print('edited after planning')\n")
        elif change == "secret":
            monkeypatch.setenv(SECRET_VAR, CANARY + "-rotated")
            register(CANARY + "-rotated")
        else:
            config = app / "opendeploy.toml"
            config.write_text(config.read_text().replace('memory = "1Gi"', 'memory = "2Gi"'))
        async with connect() as session:
            result = await engine.plan(session, plan_file=plan_file)
            with pytest.raises(PlanError) as refused:
                engine.saved_plan(session, result, plan_file)
        assert f"the saved plan {plan_file} is stale" in refused.value.message
        assert reason in refused.value.message
        assert CANARY not in str(refused.value) + (refused.value.hint or "")
        assert not (await emu.state()).get("project")

    run(app, tmp_path, scenario)


def test_a_plan_with_errors_is_neither_saved_nor_applied(app: Path, tmp_path: Path) -> None:
    """A service asking for more than a new anonymous agent may use is a plan-time error."""
    config = app / "opendeploy.toml"
    config.write_text(config.read_text().replace('cpu = "1"', 'cpu = "64"'))
    plan_file = tmp_path / "plan.json"

    async def scenario(emu: Emulator, connect: Any) -> None:
        async with connect(token=None, allow_no_credential=True) as session:
            result = await engine.plan(session)
            assert [f.key_path for f in result.errors] == [("services", "web", "cpu")]
            with pytest.raises(PlanError, match="nothing was changed"):
                engine.save_plan(result, plan_file)
            with pytest.raises(PlanError, match="nothing was changed"):
                await engine.apply(session, result, timing=VirtualTime(emu))
        assert not plan_file.exists()
        assert not (await emu.state()).get("project")

    run(app, tmp_path, scenario)


def test_a_first_plan_needs_no_credential_and_sends_nothing(app: Path, tmp_path: Path) -> None:
    async def scenario(emu: Emulator, connect: Any) -> None:
        await emu.clear_requests()
        async with connect(token=None, allow_no_credential=True) as session:
            assert session.credential is None
            result = await engine.plan(session)
            assert result.plan.actions[0].kind == "create_project"
            with pytest.raises(CredentialError):
                await engine.apply(session, result)
        assert await emu.requests() == []
        assert (app / ".opendeploy" / "plan-key").stat().st_mode & 0o777 == 0o600

    run(app, tmp_path, scenario)
