"""The claim URL printed by a first local apply leads to a real claim page (contract 2.4)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from odiac.testing import serve_emulator

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_local_claim_url_opens_on_the_served_local_gateway_and_binds(tmp_path: Path) -> None:
    app = tmp_path / "site"
    shutil.copytree(EXAMPLES / "static-site", app)
    env = {k: v for k, v in os.environ.items() if k not in ("OPENDEPLOY_TOKEN", "CI")}
    applied = subprocess.run(
        [sys.executable, "-m", "odiac", "--gateway", "local", "apply", "--auto-approve"],
        cwd=app,
        env={**env, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert applied.returncode == 0, applied.stderr + applied.stdout
    match = re.search(r"^claim:\s+(http://127\.0\.0\.1:8787(/claim/\S+))$", applied.stdout, re.M)
    assert match, applied.stdout
    assert "odiac emulator serve --db .opendeploy/local-gateway.sqlite" in applied.stdout
    path = match.group(2)
    assert "url=https%3A%2F%2F" in path  # the app URL is appended after the deploy
    db = app / ".opendeploy" / "local-gateway.sqlite"
    with (
        serve_emulator(tmp_path / "served", db=db) as emu,
        httpx.Client(base_url=emu.origin) as web,
    ):
        page = web.get(path)
        assert page.status_code == 200
        assert "<form" in page.text
        wrong = web.get(re.sub(r"h=[0-9a-f]+", "h=0000000000000000", path))
        assert wrong.status_code == 403
        hidden = dict(re.findall(r'name="(h|url)" value="([^"]*)"', page.text))
        bound = web.post(path.split("?")[0], data={**hidden, "email": "dev@example.test"})
        assert bound.status_code == 200
        assert "claimed" in bound.text.lower() or "bound" in bound.text.lower()
    status = subprocess.run(
        [sys.executable, "-m", "odiac", "--gateway", "local", "auth", "status", "--json"],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert status.returncode == 0, status.stderr
    assert '"bound"' in status.stdout
