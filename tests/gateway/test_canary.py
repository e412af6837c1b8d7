"""Canary: planted secrets never appear in exceptions, reprs or ``odiac.http`` log lines."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from gateway.gwkit import TOKEN, ScriptedGateway, reply, run
from odiac.errors import OdiacError
from odiac.gateway.auth import resolve_credential

FRESH_KEY = "od_a" + "Kc9" * 14 + "w"
BIND_SIG = "c0ffee00deadbeef"
ENV_SECRET = "hunter2-env-value"  # never registered: only structural scrubbing hides it
GIT_TOKEN = "ghp_plantedGitToken123"
PID = "p-1"
SID = "s-1"
PLANTED = (TOKEN, FRESH_KEY, BIND_SIG, ENV_SECRET, GIT_TOKEN)


def _assert_clean(texts: list[str]) -> None:
    assert texts, "nothing was captured; the canary would prove nothing"
    for text in texts:
        for secret in PLANTED:
            assert secret not in text, f"planted secret leaked into: {text[:200]}"


def _script_leaky_gateway(gw: ScriptedGateway) -> None:
    """A gateway that echoes secrets back wherever it can."""
    gw.on(
        "POST",
        "/v1/client-agents/register",
        reply(
            200,
            {
                "api_key": FRESH_KEY,
                "agent_id": "a-1",
                "bind_sig": BIND_SIG,
                "claim_url": f"https://gw.example.test/claim/a-1?h={BIND_SIG}",
                "gateway": "https://gw.example.test/api",
            },
        ),
    )
    gw.on(
        "GET",
        "/v1/regions/",
        reply(401, {"error": "unauthorized", "message": f"token {TOKEN} revoked"}),
    )
    env_path = f"/v1/projects/{PID}/services/{SID}/env"
    gw.on("PUT", env_path, reply(200, {"service_id": SID, "variables": {"API_SECRET": ENV_SECRET}}))
    gw.on("GET", env_path, reply(200, {"variables": [{"key": "API_SECRET", "value": ENV_SECRET}]}))
    gw.on(
        "POST",
        "/v1/projects/",
        reply(
            400, {"error": "Git validation failed", "error_code": "auth_failed", "token": GIT_TOKEN}
        ),
    )
    gw.on(
        "GET",
        f"/v1/services/{SID}",
        reply(200, {"id": SID, "runtime_variables": {"API_SECRET": ENV_SECRET}}),
    )
    gw.on("GET", f"/v1/deployments/{PID}", httpx.ReadError(f"peer said {TOKEN}"))
    gw.on(
        "POST",
        "/v1/deployments/",
        reply(502, {"error": "bad gateway", "message": f"upstream rejected Bearer {TOKEN}"}),
    )


def test_planted_secrets_never_reach_errors_reprs_or_logs(
    gw: ScriptedGateway, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    _script_leaky_gateway(gw)
    caplog.set_level(logging.DEBUG, logger="odiac.http")
    captured: list[str] = []

    async def scenario() -> None:
        async with gw.client(max_read_retries=1) as client:
            credential = await resolve_credential(
                flag_token=None,
                gateway="https://gw.example.test/api",
                workdir=tmp_path,
                allow_register=True,
                client_factory=lambda url: gw.client(token=None),
                env={},
            )
            captured.extend([repr(credential), str(credential)])
            env = await client.put_env(PID, SID, {"API_SECRET": ENV_SECRET})
            assert env == {"API_SECRET": ENV_SECRET}  # the value itself is returned to the caller
            await client.get_env(PID, SID)
            service = await client.get_service(SID)
            captured.extend([repr(service), str(service), repr(client)])
            for call in (
                client.list_regions(),
                client.create_project(
                    "demo", repo_url="https://git.example/x.git", git_token=GIT_TOKEN
                ),
                client.get_deployment(PID),
                client.create_deployment(PID, SID),
            ):
                with pytest.raises(OdiacError) as info:
                    await call
                err = info.value
                captured.extend([str(err), repr(err), err.message, err.hint or "", repr(err.args)])
                captured.append(repr(getattr(err, "fields", {})))
                captured.append(getattr(err, "gateway_message", ""))

    run(scenario())
    records = [r.getMessage() for r in caplog.records]
    assert any("PUT /v1/projects/p-1/services/s-1/env" in line for line in records)
    assert any("API_SECRET" in line for line in records)  # key names are logged...
    _assert_clean(captured + records)  # ...values and credentials never
    assert not any("authorization" in line.lower() for line in records)


def test_vv_http_logging_prints_redacted_traffic(gw: ScriptedGateway) -> None:
    import io

    from odiac.gateway.traffic import enable_http_logging

    gw.on(
        "PUT",
        f"/v1/projects/{PID}/services/{SID}/env",
        reply(200, {"variables": {"API_SECRET": ENV_SECRET}}),
    )
    stream = io.StringIO()
    handler = enable_http_logging(stream)
    try:
        run(gw.client().put_env(PID, SID, {"API_SECRET": ENV_SECRET}))
    finally:
        logging.getLogger("odiac.http").removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith(f"http: -> PUT /v1/projects/{PID}/services/{SID}/env")
    assert any(line.startswith("http: <- 200 PUT") for line in lines)
    assert "API_SECRET" in lines[0]
    _assert_clean(lines)
