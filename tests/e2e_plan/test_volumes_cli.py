"""The volume commands docs/volumes.md shows, run through the real ``odiac`` executable."""

from __future__ import annotations

import re
from pathlib import Path

from odiac.testing import EmulatorProcess

from .cli_kit import make_app, odiac

CONFIG = """
    version = 1
    [project]
    name = "vol-cli"
    [services.web]
    type = "web"
    port = 8000
    cpu = "1"
    memory = "1Gi"
"""
VOLUME = """
    [services.web.volumes.data]
    mount_path = "/data"
    size = "{size}"
"""


def _write(root: Path, *volume_sizes: str) -> None:
    text = CONFIG + "".join(VOLUME.format(size=s) for s in volume_sizes)
    (root / "opendeploy.toml").write_text("\n".join(line.strip() for line in text.splitlines()))


def test_volume_lifecycle_through_the_cli(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = make_app(tmp_path / "app")
    _write(app)
    assert odiac(app, emulator, token, "apply", "--auto-approve").returncode == 0

    _write(app, "5Gi")
    plan = odiac(app, emulator, token, "plan")
    assert plan.returncode == 0, plan.stderr
    assert "+ volume data of web: /data, 5Gi  (forces workload conversion" in plan.stdout
    applied = odiac(app, emulator, token, "apply", "--auto-approve")
    assert applied.returncode == 0, applied.stderr

    _write(app, "10Gi")
    plan = odiac(app, emulator, token, "plan")
    assert "~ volume data of web: grow to 10Gi  (in place)" in plan.stdout
    assert odiac(app, emulator, token, "apply", "--auto-approve").returncode == 0

    _write(app, "1Gi")
    refused = odiac(app, emulator, token, "plan")
    assert refused.returncode != 0
    assert "services.web.volumes.data.size: cannot_shrink" in refused.stderr
    assert "Traceback" not in refused.stderr

    _write(app)
    plan = odiac(app, emulator, token, "plan")
    assert "! service web: volume data (/data, 10Gi) is not in opendeploy.toml" in plan.stdout
    plan = odiac(app, emulator, token, "plan", "--allow-detach-volumes")
    assert re.search(
        r"- volume data of web: detach .*restorable until \d{4}-\d\d-\d\d", plan.stdout
    )
    applied = odiac(app, emulator, token, "apply", "--auto-approve", "--allow-detach-volumes")
    assert applied.returncode == 0, applied.stderr
    status = odiac(app, emulator, token, "status")
    assert re.search(r"volume: +data at /data, 10Gi, orphaned \(restorable until", status.stdout)

    _write(app, "10Gi")
    plan = odiac(app, emulator, token, "plan")
    assert "~ volume data of web: restore the orphaned volume" in plan.stdout
    assert odiac(app, emulator, token, "apply", "--auto-approve").returncode == 0
    status = odiac(app, emulator, token, "status")
    assert "data at /data, 10Gi, active" in status.stdout
    assert odiac(app, emulator, token, "plan", "--detailed-exitcode").returncode == 0
