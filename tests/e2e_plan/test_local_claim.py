"""The claim URL printed by a first local apply leads to a real claim page (contract 2.4)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
from helpers.e2e import OdiacExe, fast_local_gateway

from odiac.testing import serve_emulator

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_local_claim_url_opens_on_the_served_local_gateway_and_binds(
    tmp_path: Path, odiac_exe: OdiacExe
) -> None:
    app = tmp_path / "site"
    shutil.copytree(EXAMPLES / "static-site", app, ignore=shutil.ignore_patterns(".opendeploy"))
    fast_local_gateway(app)
    applied = odiac_exe.run(app, "apply", "--auto-approve", gateway="local")
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
    status = odiac_exe.run(app, "auth", "status", "--json", gateway="local")
    assert status.returncode == 0, status.stderr
    assert '"bound"' in status.stdout
