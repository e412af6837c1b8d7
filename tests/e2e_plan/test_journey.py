"""The first-hour journey over every analyzer fixture and every example.

init -> validate -> plan with no credential -> apply as a fresh anonymous agent ->
either converged (a second plan shows no change) or refused before anything was
created (the gateway holds no project). Fixtures run in-process (the real
``Session`` over the emulator's ASGI app, virtual time); the examples run as real
``odiac`` subprocesses against the embedded local gateway.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import httpx
import pytest
from apply.harness import VirtualTime, create_emulator_app, running_emulator
from click.testing import CliRunner
from helpers.e2e import fast_local_gateway, run_odiac

from odiac.apply import SilentReporter, apply_plan
from odiac.cli import cli
from odiac.config.loader import load_config
from odiac.engine import Session
from odiac.gateway.auth import Credential
from odiac.gateway.local import lifespan
from odiac.plugin.manager import get_plugin_manager
from odiac.redact import register

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted(p.name for p in (ROOT / "tests/fixtures/apps").iterdir() if p.is_dir())
EXAMPLES = sorted(p.parent.name for p in (ROOT / "examples").glob("*/opendeploy.toml"))
#: Fixtures that are no deployable app: init refuses them and writes nothing.
NOT_AN_APP = {"library-only", "miner-refused"}
CANARY = "CANARY-journey-7f3a"


def _secret_names(node: Any) -> set[str]:
    if isinstance(node, dict):
        ref = node.get("secret")
        found = (
            {ref.removeprefix("env:")} if isinstance(ref, str) and ref.startswith("env:") else set()
        )
        for value in node.values():
            found |= _secret_names(value)
        return found
    return set()


def _session(config: Path, client: Any, credential: Credential | None, scratch: Path) -> Session:
    return Session(
        loaded=load_config(config),
        client=client,
        credential=credential,
        plugins=get_plugin_manager(),
        workdir=config.parent,
        scratch=scratch,
        hmac_key=b"j" * 32,
    )


async def _journey(app: Path, tmp: Path) -> str:
    config = app / "opendeploy.toml"
    tmp.mkdir(parents=True, exist_ok=True)
    first = await _session(config, None, None, tmp).prepare()  # plan, no credential yet
    async with running_emulator(tmp) as emu:
        registered = await emu.client(None).register_agent()
        token = registered.api_key or ""
        register(token)
        agent = Credential(
            kind="agent", token=token, gateway="http://emulator.test/api", source="registered",
            agent_id=registered.agent_id, freshly_registered=True,
        )  # fmt: skip
        client = emu.client(token)
        session = _session(config, client, agent, tmp / "apply")
        (tmp / "apply").mkdir()
        prepared = await session.prepare()
        assert bool(prepared.errors) == bool(first.errors)  # the first plan told the truth
        if prepared.errors:
            state = await emu.state()
            assert not state.get("project")  # refused before anything was created
            assert not state.get("service")
            assert not state.get("dependency")
            return "refused"
        archive = session.build_archive(prepared.plan)
        result = await apply_plan(
            prepared.plan,
            client=client,
            desired=prepared.desired,
            live=prepared.live,
            archive_path=archive.path if archive else None,
            reporter=SilentReporter(),
            timing=VirtualTime(emu),
        )
        assert result.ok, [(r.action_id, r.detail) for r in result.by_outcome("failed")]
        again = await _session(config, client, agent, tmp / "apply").prepare()
        assert not again.plan.has_changes, [a.id for a in again.plan.actions]
        return "converged"


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_journey(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = tmp_path / name
    shutil.copytree(ROOT / "tests/fixtures/apps" / name, app)
    (app / "opendeploy.toml").unlink(missing_ok=True)
    monkeypatch.chdir(app)
    for variable in ("OPENDEPLOY_TOKEN", "CI", "OD_GATEWAY"):
        monkeypatch.delenv(variable, raising=False)
    init = CliRunner().invoke(cli, ["init", "--gateway", "local"])
    if name in NOT_AN_APP:
        assert init.exit_code != 0
        assert not (app / "opendeploy.toml").exists()
        return
    assert init.exit_code == 0, init.output
    config = load_config(app / "opendeploy.toml")  # validate: raises on any error
    for secret in _secret_names(tomllib.loads((app / "opendeploy.toml").read_text())):
        monkeypatch.setenv(secret, CANARY)
    outcome = asyncio.run(_journey(app, tmp_path / "gw"))
    print(f"journey {name}: {outcome}")
    assert outcome in ("converged", "refused")
    if len(config.config.services) == 1 and outcome == "refused":
        # A one-service app is refused only by a named problem, never by sizes it left unset.
        first = asyncio.run(_session(app / "opendeploy.toml", None, None, tmp_path).prepare())
        assert all("not set" not in f.message for f in first.errors)


def _odiac(app: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_odiac(app, *args, extra_env=dict(env), timeout=180)


async def _local_state(app: Path) -> dict[str, Any]:
    db = app / ".opendeploy/local-gateway.sqlite"
    gateway = create_emulator_app(db)
    transport = httpx.ASGITransport(app=gateway)
    async with lifespan(gateway), httpx.AsyncClient(transport=transport, base_url="http://x") as c:
        return dict((await c.get("/_emulator/state")).json())


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_journey_with_the_real_cli(name: str, tmp_path: Path) -> None:
    app = tmp_path / name
    shutil.copytree(ROOT / "examples" / name, app, ignore=shutil.ignore_patterns(".opendeploy"))
    (app / "opendeploy.toml").unlink()
    fast_local_gateway(app)
    init = _odiac(app, "init", "--gateway", "local")
    assert init.returncode == 0, init.stderr
    validated = _odiac(app, "validate")
    assert validated.returncode == 0, validated.stdout
    secrets = dict.fromkeys(
        _secret_names(tomllib.loads((app / "opendeploy.toml").read_text())), CANARY
    )
    planned = _odiac(app, "plan", **secrets)
    assert "No credential yet" in planned.stderr
    applied = _odiac(app, "apply", "--auto-approve", **secrets)
    again = (
        _odiac(app, "plan", "--detailed-exitcode", **secrets) if applied.returncode == 0 else None
    )
    for output in (planned, applied):
        assert "Traceback" not in output.stderr
        assert CANARY not in output.stdout + output.stderr
    assert (planned.returncode == 0) == (applied.returncode == 0), applied.stderr
    if again is not None:
        assert "claim:" in applied.stdout  # a fresh anonymous agent
        assert again.returncode == 0, again.stdout + again.stderr
    else:
        assert "nothing was changed" in applied.stderr
        state = asyncio.run(_local_state(app))
        assert not state.get("project")
        assert not state.get("service")
