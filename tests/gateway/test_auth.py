"""Credential resolution and the auth file, on real temporary files (contract 2.5)."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest

from gateway.gwkit import BASE, TOKEN, ScriptedGateway, reply, run
from odiac.errors import CredentialError
from odiac.gateway.auth import Credential, claim_url_with_app, resolve_credential

AGENT_KEY = "od_a" + "R2d" * 14 + "z"
PAT = "od_k" + "P4t" * 14 + "q"
AGENT_ID = "8f3e2b14-ad7c-4f0c-9b1d-aaaaaaaaaaaa"
BIND_SIG = "0123456789abcdef"
CLAIM = f"https://gw.example.test/claim/{AGENT_ID}?h={BIND_SIG}"
REGISTERED = {
    "api_key": AGENT_KEY,
    "agent_id": AGENT_ID,
    "bind_sig": BIND_SIG,
    "claim_url": CLAIM,
    "gateway": BASE,
    "expires_in_seconds": 21600,
    "name": "",
}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _auth_file(workdir: Path, data: Any, mode: int = 0o600) -> Path:
    path = workdir / ".opendeploy" / "auth.json"
    path.parent.mkdir(mode=0o700)
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    os.chmod(path, mode)
    return path


def resolve(
    gw: ScriptedGateway,
    workdir: Path,
    *,
    env: dict[str, str] | None = None,
    flag_token: str | None = None,
    allow_register: bool = True,
    gateway: str = BASE,
    warnings: list[str] | None = None,
) -> Credential:
    return run(
        resolve_credential(
            flag_token=flag_token,
            gateway=gateway,
            workdir=workdir,
            allow_register=allow_register,
            client_factory=lambda url: gw.client(token=None),
            env=env or {},
            warn=(warnings.append if warnings is not None else None),
        )
    )


def test_missing_file_registers_and_writes_it_exactly_as_2_5_says(
    gw: ScriptedGateway, tmp_path: Path
) -> None:
    gw.on("POST", "/v1/client-agents/register", reply(200, REGISTERED))
    cred = resolve(gw, tmp_path)
    path = tmp_path / ".opendeploy" / "auth.json"
    assert json.loads(path.read_text()) == {
        "version": 1,
        "api_key": AGENT_KEY,
        "gateway": BASE,
        "agent_id": AGENT_ID,
        "bind_sig": BIND_SIG,
        "claim_url": CLAIM,
    }
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert cred.kind == "agent"
    assert cred.source == "registered"
    assert cred.freshly_registered
    assert cred.claim_url == CLAIM
    assert gw.paths() == ["POST /api/v1/client-agents/register"]
    # No temp file left; the folder odiac created keeps itself out of git.
    assert sorted(p.name for p in path.parent.iterdir()) == [".gitignore", "auth.json"]


def test_second_run_loads_the_file_and_does_not_register(
    gw: ScriptedGateway, tmp_path: Path
) -> None:
    gw.on("POST", "/v1/client-agents/register", reply(200, REGISTERED))
    resolve(gw, tmp_path)
    cred = resolve(gw, tmp_path)
    assert cred.source == "file"
    assert not cred.freshly_registered
    assert cred.token == AGENT_KEY
    assert len(gw.requests) == 1


def test_missing_claim_url_in_response_is_rebuilt_on_the_dashboard(
    gw: ScriptedGateway, tmp_path: Path
) -> None:
    gw.on("POST", "/v1/client-agents/register", reply(200, {**REGISTERED, "claim_url": None}))
    cred = resolve(gw, tmp_path)
    assert cred.claim_url == f"https://gw.example.test/claim/{AGENT_ID}?h={BIND_SIG}"


def test_loose_permissions_warn_and_chmod_600_never_delete(
    gw: ScriptedGateway, tmp_path: Path
) -> None:
    path = _auth_file(tmp_path, {"version": 1, "api_key": AGENT_KEY, "gateway": BASE}, mode=0o644)
    before = path.read_bytes()
    warnings: list[str] = []
    cred = resolve(gw, tmp_path, warnings=warnings)
    assert cred.token == AGENT_KEY
    assert _mode(path) == 0o600
    assert path.read_bytes() == before
    assert len(warnings) == 1
    assert "0644" in warnings[0]
    assert "0600" in warnings[0]
    assert gw.requests == []


def test_default_warning_goes_through_the_warnings_module(
    gw: ScriptedGateway, tmp_path: Path
) -> None:
    from odiac.gateway.auth import CredentialWarning

    _auth_file(tmp_path, {"version": 1, "api_key": AGENT_KEY}, mode=0o664)
    with pytest.warns(CredentialWarning, match="0664"):
        resolve(gw, tmp_path)


def test_0400_is_tolerated_silently(gw: ScriptedGateway, tmp_path: Path) -> None:
    path = _auth_file(tmp_path, {"version": 1, "api_key": PAT}, mode=0o400)
    warnings: list[str] = []
    cred = resolve(gw, tmp_path, warnings=warnings)
    assert cred.kind == "pat"
    assert warnings == []
    assert _mode(path) == 0o400


@pytest.mark.parametrize("version", [2, "1", None, 0])
def test_unknown_version_aborts_and_leaves_the_file_byte_identical(
    gw: ScriptedGateway, tmp_path: Path, version: object
) -> None:
    data: dict[str, Any] = {"api_key": AGENT_KEY, "future": True}
    if version is not None:
        data["version"] = version
    path = _auth_file(tmp_path, data, mode=0o644)
    before = path.read_bytes()
    with pytest.raises(CredentialError) as info:
        resolve(gw, tmp_path)
    assert "version 1" in str(info.value)
    assert "untouched" in str(info.value)
    assert path.read_bytes() == before
    assert _mode(path) == 0o644
    assert gw.requests == []


def test_invalid_json_aborts_untouched(gw: ScriptedGateway, tmp_path: Path) -> None:
    path = _auth_file(tmp_path, '{"version": 1, "api_key": ')
    with pytest.raises(CredentialError, match="not valid JSON"):
        resolve(gw, tmp_path)
    assert path.read_text() == '{"version": 1, "api_key": '


@pytest.mark.parametrize("content", ["", "  \n", json.dumps({"version": 1, "api_key": ""})])
def test_empty_file_or_key_means_no_credential_and_registers(
    gw: ScriptedGateway, tmp_path: Path, content: str
) -> None:
    gw.on("POST", "/v1/client-agents/register", reply(200, REGISTERED))
    path = _auth_file(tmp_path, content)
    cred = resolve(gw, tmp_path)
    assert cred.freshly_registered
    assert json.loads(path.read_text())["api_key"] == AGENT_KEY


def test_f9_replay_without_api_key_is_a_friendly_error_and_writes_nothing(
    gw: ScriptedGateway, tmp_path: Path
) -> None:
    replay = {k: v for k, v in REGISTERED.items() if k != "api_key"}
    gw.on("POST", "/v1/client-agents/register", reply(200, replay))
    with pytest.raises(CredentialError) as info:
        resolve(gw, tmp_path)
    message = str(info.value)
    assert "shown only once" in message
    assert AGENT_ID in message
    assert info.value.hint is not None
    assert "restore the previous .opendeploy/auth.json" in info.value.hint.lower()
    assert not (tmp_path / ".opendeploy" / "auth.json").exists()


@pytest.mark.parametrize("missing", ["agent_id", "bind_sig"])
def test_register_without_agent_id_or_bind_sig_writes_nothing(
    gw: ScriptedGateway, tmp_path: Path, missing: str
) -> None:
    gw.on(
        "POST",
        "/v1/client-agents/register",
        reply(200, {k: v for k, v in REGISTERED.items() if k != missing}),
    )
    with pytest.raises(CredentialError, match=missing):
        resolve(gw, tmp_path)
    assert not (tmp_path / ".opendeploy" / "auth.json").exists()


def test_ci_set_refuses_to_register_and_names_opendeploy_token(
    gw: ScriptedGateway, tmp_path: Path
) -> None:
    gw.on("POST", "/v1/client-agents/register", reply(200, REGISTERED))
    with pytest.raises(CredentialError) as info:
        resolve(gw, tmp_path, env={"CI": "1"})
    assert "OPENDEPLOY_TOKEN" in str(info.value)
    assert gw.requests == []
    assert not (tmp_path / ".opendeploy").exists()


def test_read_only_command_without_credential_does_not_register(
    gw: ScriptedGateway, tmp_path: Path
) -> None:
    with pytest.raises(CredentialError, match="OPENDEPLOY_TOKEN"):
        resolve(gw, tmp_path, allow_register=False)
    assert gw.requests == []


def test_f8_register_429_reports_the_wait_and_does_not_retry(
    gw: ScriptedGateway, tmp_path: Path
) -> None:
    gw.on(
        "POST",
        "/v1/client-agents/register",
        reply(
            429,
            {"error": "rate_limited", "retry_after_seconds": 1800},
            headers={"Retry-After": "1800"},
        ),
    )
    with pytest.raises(CredentialError) as info:
        resolve(gw, tmp_path)
    assert "1800 seconds (about 30 minutes)" in str(info.value)
    assert len(gw.requests) == 1
    assert not (tmp_path / ".opendeploy" / "auth.json").exists()


def test_gateway_mismatch_names_both_and_stops(gw: ScriptedGateway, tmp_path: Path) -> None:
    other = "https://dashboard.dev.opendeploy.dev/api"
    _auth_file(tmp_path, {"version": 1, "api_key": AGENT_KEY, "gateway": other})
    with pytest.raises(CredentialError) as info:
        resolve(gw, tmp_path)
    assert other in str(info.value)
    assert BASE in str(info.value)


def test_gateway_comparison_ignores_trailing_slash_and_host_case(
    gw: ScriptedGateway, tmp_path: Path
) -> None:
    _auth_file(
        tmp_path, {"version": 1, "api_key": AGENT_KEY, "gateway": "https://GW.example.test/api/"}
    )
    assert resolve(gw, tmp_path).token == AGENT_KEY


def test_register_adopting_another_gateway_saves_the_key_then_stops(
    gw: ScriptedGateway, tmp_path: Path
) -> None:
    gw.on(
        "POST",
        "/v1/client-agents/register",
        reply(200, {**REGISTERED, "gateway": "https://other.test/api"}),
    )
    with pytest.raises(CredentialError, match=re.escape("https://other.test/api")):
        resolve(gw, tmp_path)
    saved = json.loads((tmp_path / ".opendeploy" / "auth.json").read_text())
    assert saved["gateway"] == "https://other.test/api"


def test_order_flag_over_env_over_file(gw: ScriptedGateway, tmp_path: Path) -> None:
    _auth_file(tmp_path, {"version": 1, "api_key": AGENT_KEY})
    env = {"OPENDEPLOY_TOKEN": PAT}
    flag = "od_k" + "F1g" * 14 + "x"
    assert resolve(gw, tmp_path, env=env, flag_token=flag).source == "flag"
    cred = resolve(gw, tmp_path, env=env)
    assert (cred.source, cred.token, cred.kind) == ("env", PAT, "pat")
    assert resolve(gw, tmp_path).source == "file"


def test_opdeploy_auth_file_overrides_the_default_location(
    gw: ScriptedGateway, tmp_path: Path
) -> None:
    _auth_file(tmp_path, {"version": 1, "api_key": AGENT_KEY})
    elsewhere = tmp_path / "creds" / "mine.json"
    elsewhere.parent.mkdir()
    elsewhere.write_text(json.dumps({"version": 1, "api_key": PAT}))
    os.chmod(elsewhere, 0o600)
    cred = resolve(gw, tmp_path, env={"OPDEPLOY_AUTH_FILE": "creds/mine.json"})
    assert cred.token == PAT
    assert cred.auth_file == elsewhere


def test_malformed_token_is_refused_without_echoing_it(gw: ScriptedGateway, tmp_path: Path) -> None:
    bad = "od_x" + "s3cr3tvalue" * 4
    with pytest.raises(CredentialError) as info:
        resolve(gw, tmp_path, env={"OPENDEPLOY_TOKEN": bad})
    assert "OPENDEPLOY_TOKEN" in str(info.value)
    assert "s3cr3t" not in str(info.value)


def test_credential_repr_hides_token_and_bind_sig(gw: ScriptedGateway, tmp_path: Path) -> None:
    gw.on("POST", "/v1/client-agents/register", reply(200, REGISTERED))
    cred = resolve(gw, tmp_path)
    for text in (repr(cred), str(cred), f"{cred}"):
        assert AGENT_KEY not in text
        assert BIND_SIG not in text
        assert AGENT_ID in text


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        (CLAIM, CLAIM + "&url=https%3A%2F%2Fmyapp.dev.opendeploy.run"),
        (
            "https://d.test/claim/a1",
            "https://d.test/claim/a1?url=https%3A%2F%2Fmyapp.dev.opendeploy.run",
        ),
    ],
)
def test_claim_url_with_app_appends_encoded_url(claim: str, expected: str) -> None:
    assert claim_url_with_app(claim, "https://myapp.dev.opendeploy.run") == expected


def test_token_from_file_is_registered_for_redaction(gw: ScriptedGateway, tmp_path: Path) -> None:
    from odiac.redact import redact

    _auth_file(tmp_path, {"version": 1, "api_key": AGENT_KEY, "bind_sig": "feedfacecafe0001"})
    resolve(gw, tmp_path)
    assert redact("sig=feedfacecafe0001") == "sig=[redacted]"
    assert TOKEN not in redact(TOKEN)
