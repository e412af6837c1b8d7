"""`./dev demo` runs as the README says, its claim step included (the real scripts/demo.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_applies_claims_and_replans_clean() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "OPENDEPLOY_TOKEN", "OD_GATEWAY")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/demo.py")],
        cwd=ROOT,
        env={**env, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "claim now:     odiac auth claim" in out  # the apply output names the step...
    assert "is bound to me@localhost (local gateway)" in out  # ...and it works as printed
    assert "No changes. Live state matches opendeploy.toml." in out
    assert "demo: done - applied once, claimed, and the re-plan shows no changes." in out
