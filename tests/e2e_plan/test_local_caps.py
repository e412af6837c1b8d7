"""Anonymous caps on the local gateway: refused at plan time, lifted by `odiac auth claim`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.e2e import fast_local_gateway, run_odiac

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _odiac(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_odiac(cwd, *args, gateway="local", timeout=120)


def test_caps_refuse_then_auth_claim_lifts_them_5_1(tmp_path: Path) -> None:
    app = tmp_path / "flask"
    shutil.copytree(EXAMPLES / "flask-postgres", app, ignore=shutil.ignore_patterns(".opendeploy"))
    fast_local_gateway(app)
    applied = _odiac(app, "apply", "--auto-approve")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    config = app / "opendeploy.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("replicas = 1\n", "replicas = 2\n", 1), encoding="utf-8")
    refused = _odiac(app, "plan")
    assert refused.returncode == 1
    assert "services.web.replicas = '2' is above the anonymous cap '1'" in refused.stderr
    assert "odiac auth claim" in refused.stderr
    assert "?h=" not in refused.stderr + refused.stdout  # a loaded agent's claim URL stays private
    also = _odiac(app, "apply", "--auto-approve")
    assert also.returncode == 1
    assert "Plan:" not in also.stdout  # refused before the plan is shown or applied
    renamed = app / "renamed.toml"  # another project for the same agent (one live project)
    renamed.write_text(text.replace('name = "flask-postgres"', 'name = "second-app"'), "utf-8")
    second = _odiac(app, "--config", "renamed.toml", "plan")
    assert second.returncode == 1
    assert "already owns project 'flask-postgres'" in second.stderr
    assert "nothing was created for 'second-app'" in second.stderr
    claimed = _odiac(app, "auth", "claim")
    assert claimed.returncode == 0, claimed.stderr
    assert "bound to me@localhost" in claimed.stdout
    planned = _odiac(app, "plan")
    assert planned.returncode == 0, planned.stderr
    assert "replicas: 1 -> 2" in planned.stdout
    assert _odiac(app, "--config", "renamed.toml", "plan").returncode == 0  # bound: 2nd allowed
    status = _odiac(app, "auth", "status")
    assert "client agent (bound)" in status.stdout
