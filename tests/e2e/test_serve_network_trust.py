"""Who the served emulator trusts: forwarded addresses and browser requests.

Run against a real ``odiac emulator serve`` process over loopback HTTP.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from odiac.testing import EmulatorProcess, serve_emulator

KEY = "CANARY-emulator-key-0123456789"


def _register(emu: EmulatorProcess, forwarded: str, agent: str) -> httpx.Response:
    return httpx.post(
        f"{emu.base_url}/v1/client-agents/register",
        headers={"X-Forwarded-For": forwarded, "User-Agent": agent},
    )


def _agents(emu: EmulatorProcess, headers: dict[str, str] | None = None) -> list[dict[str, object]]:
    state = httpx.get(f"{emu.origin}/_emulator/state", headers=headers or {}).json()
    return list(state.get("agent", []))


def test_q54_forwarded_for_is_ignored_by_default(emulator: EmulatorProcess) -> None:
    """Q54: six registers from one peer with six X-Forwarded-For values: the sixth is 429."""
    statuses = [
        _register(emulator, f"203.0.113.{i}", f"odiac/agent-{i}").status_code for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    assert {str(agent["ip"]) for agent in _agents(emulator)} == {"127.0.0.1"}


def test_forwarded_for_is_used_when_the_setting_says_so(emulator: EmulatorProcess) -> None:
    r = httpx.post(f"{emulator.origin}/_emulator/config", json={"trust_forwarded_for": True})
    assert r.status_code == 200
    statuses = [
        _register(emulator, f"198.51.100.{i}", f"odiac/agent-{i}").status_code for i in range(6)
    ]
    assert statuses == [200] * 6


def _reset(emu: EmulatorProcess, **headers: str) -> int:
    return httpx.post(f"{emu.origin}/_emulator/reset", headers=headers, content=b"{}").status_code


def test_control_surface_refuses_browser_requests(emulator: EmulatorProcess) -> None:
    assert _register(emulator, "", "odiac/keep-me").status_code == 200
    simple = {"Content-Type": "text/plain", "Origin": "https://evil.example"}
    assert _reset(emulator, **simple) == 403
    assert _reset(emulator, **{"Content-Type": "text/plain"}) == 415
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert _reset(emulator, **form) == 415
    foreign = {"Content-Type": "application/json", "Origin": "https://evil.example"}
    assert _reset(emulator, **foreign) == 403
    rebinding = {
        "Content-Type": "application/json",
        "Origin": f"http://evil.example:{emulator.port}",
        "Host": f"evil.example:{emulator.port}",
    }
    assert _reset(emulator, **rebinding) == 403
    other_port = {"Content-Type": "application/json", "Origin": "http://127.0.0.1:1"}
    assert _reset(emulator, **other_port) == 403
    assert _reset(emulator, **{"Content-Type": "text/plain", "Origin": "null"}) == 403
    r = httpx.get(f"{emulator.origin}/_emulator/state", headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert len(_agents(emulator)) == 1  # nothing was reset
    assert _reset(emulator, **{"Content-Type": "application/json"}) == 200
    same = {"Content-Type": "application/json", "Origin": emulator.origin}
    assert _reset(emulator, **same) == 200


def test_control_surface_key_is_required_when_set(tmp_path: Path) -> None:
    with serve_emulator(tmp_path / "keyed", extra_args=["--key", KEY]) as emu:
        assert _register(emu, "", "odiac/keyed").status_code == 200
        json_only = {"Content-Type": "application/json"}
        assert _reset(emu, **json_only) == 401
        assert _reset(emu, **json_only, **{"X-Emulator-Key": "wrong"}) == 401
        assert _reset(emu, **{"Content-Type": "text/plain", "X-Emulator-Key": KEY}) == 415
        assert len(_agents(emu, {"X-Emulator-Key": KEY})) == 1
        assert _reset(emu, **json_only, **{"X-Emulator-Key": KEY}) == 200
        assert _agents(emu, {"X-Emulator-Key": KEY}) == []
        assert KEY not in emu.log_path.read_text()
