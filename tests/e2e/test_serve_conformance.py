"""Run the curl + jq conformance script against ``odiac emulator serve``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from odiac.testing import EmulatorProcess

SCRIPT = Path(__file__).with_name("conformance.sh")


def _run_script(base_url: str, work: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), base_url, str(work)],
        capture_output=True,
        text=True,
        timeout=240,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_conformance_script_passes_and_never_prints_credentials(
    emulator: EmulatorProcess, tmp_path
):
    """Happy path of contract 3.0 plus Q1, Q7, Q9, Q19, Q23, Q27, Q31, from outside."""
    work = tmp_path / "client"
    result = _run_script(emulator.base_url, work)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "conformance: " in result.stdout
    assert "checks passed" in result.stdout
    for quirk in ("Q1 ", "Q7 ", "Q9 ", "Q19 ", "Q23 ", "Q27 ", "Q31 "):
        assert quirk in result.stdout, f"{quirk.strip()} was not exercised"

    auth_file = work / ".opendeploy" / "auth.json"
    assert auth_file.stat().st_mode & 0o777 == 0o600
    auth = json.loads(auth_file.read_text())
    assert auth["version"] == 1
    for secret in (auth["api_key"], auth["bind_sig"]):
        assert secret not in output
        assert secret not in emulator.log_path.read_text()

    # The script really went through the server (not a cached or skipped path).
    with emulator.control() as admin:
        seen = {(r["method"], r["path"], r["status"]) for r in admin.requests()}
    paths = {(method, path) for method, path, _ in seen}
    assert ("POST", "/api/v1/upload/update-source") in paths
    assert any(m == "POST" and p.endswith("/rollback") and s == 201 for m, p, s in seen)
    assert any(m == "PUT" and p.endswith("/subdomain") and s == 200 for m, p, s in seen)
    assert ("POST", "/api/v1/projects", 301) in seen


def test_conformance_script_fails_loudly_on_a_contract_violation(
    emulator: EmulatorProcess, tmp_path
):
    """An injected 500 on the regions route must stop the script with a clear message."""
    with emulator.control() as admin:
        admin.fault("http_500", count=1, match={"method": "GET", "path": "/api/v1/regions"})
    result = _run_script(emulator.base_url, tmp_path / "client")
    assert result.returncode == 1
    assert "FAIL: regions: expected HTTP 200, got 500" in result.stderr
    assert "checks passed" not in result.stdout
