"""``gateway = "local"``: the embedded emulator, its separate credentials, and ``odiac auth status``."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from gateway.gwkit import run
from odiac.cli import main
from odiac.errors import CredentialError
from odiac.gateway.local import LOCAL_BASE_URL, open_gateway

PLANTED_PAT = "od_k" + "Zq8" * 14 + "m"


async def _open_and_list(
    workdir: Path, *, allow_register: bool = True
) -> tuple[str, str | None, bool, int]:
    async with open_gateway(
        gateway="local", workdir=workdir, flag_token=None, allow_register=allow_register
    ) as (client, credential):
        regions = await client.list_regions()
        return credential.source, credential.agent_id, credential.freshly_registered, len(regions)


def test_local_gateway_registers_into_its_own_auth_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Real credentials in the environment must never be sent to the local gateway.
    monkeypatch.setenv("OPENDEPLOY_TOKEN", PLANTED_PAT)
    monkeypatch.setenv("CI", "true")
    source, agent_id, fresh, regions = run(_open_and_list(tmp_path))
    assert (source, fresh, regions) == ("registered", True, 2)
    local_auth = tmp_path / ".opendeploy" / "local-auth.json"
    saved = json.loads(local_auth.read_text())
    assert saved["gateway"] == LOCAL_BASE_URL
    assert saved["agent_id"] == agent_id
    assert stat.S_IMODE(local_auth.stat().st_mode) == 0o600
    assert not (tmp_path / ".opendeploy" / "auth.json").exists()
    assert (tmp_path / ".opendeploy" / "local-gateway.sqlite").exists()

    # State persists: the second run loads the same agent, and the gateway still knows it.
    source2, agent_id2, fresh2, _ = run(_open_and_list(tmp_path))
    assert (source2, agent_id2, fresh2) == ("file", agent_id, False)


def test_local_gateway_without_credential_and_read_only_refuses(tmp_path: Path) -> None:
    with pytest.raises(CredentialError):
        run(_open_and_list(tmp_path, allow_register=False))


def _odiac(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def test_auth_status_reports_pending_then_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _, agent_id, _, _ = run(_open_and_list(tmp_path))
    key = json.loads((tmp_path / ".opendeploy" / "local-auth.json").read_text())["api_key"]

    code, out, err = _odiac(capsys, "--gateway", "local", "auth", "status")
    assert code == 0, err
    assert "client agent (pending)" in out
    assert f"agent id: {agent_id}" in out
    assert key not in out + err

    code, out, _ = _odiac(capsys, "--gateway", "local", "auth", "status", "--json")
    assert code == 0
    report = json.loads(out)
    assert report == {
        "kind": "agent",
        "state": "pending",
        "gateway": "local",
        "agent_id": agent_id,
        "email": None,
        "source": str(tmp_path / ".opendeploy" / "local-auth.json"),
    }

    async def bind() -> None:
        import httpx

        from odiac.emulator import create_app
        from odiac.gateway.local import lifespan

        app = create_app(str(tmp_path / ".opendeploy" / "local-gateway.sqlite"))
        async with (
            lifespan(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://x"
            ) as control,
        ):
            user = (
                await control.post("/_emulator/users", json={"email": "me@example.test"})
            ).json()
            bound = await control.post(
                f"/_emulator/agents/{agent_id}/bind", json={"user_id": user["user_id"]}
            )
            assert bound.status_code == 200

    run(bind())
    code, out, _ = _odiac(capsys, "--gateway", "local", "auth", "status", "--json")
    assert code == 0
    assert json.loads(out)["state"] == "bound"
    assert json.loads(out)["email"] == "me@example.test"


def test_auth_status_without_credential_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = _odiac(capsys, "--gateway", "local", "auth", "status")
    assert code == 1
    assert "No OpenDeploy credential: none of --token or" in err
    assert "OPENDEPLOY_TOKEN" not in err
    assert not (tmp_path / ".opendeploy" / "local-auth.json").exists()


def test_cli_canary_rejected_token_never_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _odiac(
        capsys, "-vv", "--gateway", "local", "auth", "status", "--token", PLANTED_PAT
    )
    assert code == 1
    assert "401" in err
    assert "Hint:" in err
    assert PLANTED_PAT not in out + err
    assert PLANTED_PAT[4:20] not in out + err
