"""Run the ``odiac`` executable against a served emulator, the way a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx

from odiac.testing import EmulatorProcess

CONFIG = """
    version = 1
    [project]
    name = "cli-shop"
    [dependencies.db]
    type = "postgres"
    [services.web]
    type = "web"
    port = 8000
    cpu = "1"
    memory = "1Gi"
    uses = ["db"]
    subdomain = "cli-shop-web"
    [services.web.env]
    LOG_LEVEL = "info"
"""


def make_app(root: Path, config: str = CONFIG) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "opendeploy.toml").write_text(textwrap.dedent(config).lstrip())
    (root / "requirements.txt").write_text("flask\n")
    (root / "app.py").write_text("print('hi')\n")
    return root


def odiac(
    cwd: Path,
    emulator: EmulatorProcess,
    token: str,
    *args: str,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENDEPLOY_TOKEN": token, "NO_COLOR": "1"}
    for name in ("CI", "GITHUB_STEP_SUMMARY"):  # the runner's own, if any
        env.pop(name, None)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "odiac", "--gateway", emulator.base_url, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def api(emulator: EmulatorProcess, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=emulator.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=15
    )
