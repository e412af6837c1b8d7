"""The engine's quick start (its package docstring) runs as written, on the embedded
local gateway, in a real project folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers.e2e import write_app

import odiac.engine

# The embedded gateway runs deployments in real time (seconds): not for the fast lane.
pytestmark = pytest.mark.e2e

CONFIG = """
    version = 1
    [gateway]
    url = "local"
    [project]
    name = "quick-start"
    [services.web]
    type = "web"
    port = 8000
    cpu = "0.5"
    memory = "512Mi"
"""


def _example() -> str:
    doc = odiac.engine.__doc__ or ""
    block = doc.split("Example::\n", 1)[1].split("\nA saved plan", 1)[0]
    return textwrap.dedent(block)


def test_the_quick_start_plans_and_applies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = write_app(tmp_path / "app", CONFIG).parent
    monkeypatch.chdir(app)
    for variable in ("OPENDEPLOY_TOKEN", "CI", "OD_GATEWAY"):
        monkeypatch.delenv(variable, raising=False)
    code = _example()
    assert "asyncio.run(deploy())" in code
    exec(compile(code, "odiac.engine example", "exec"), {"__name__": "example"})
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "Apply: 5 done, 0 failed, 0 skipped, 0 manual."
    assert (app / ".opendeploy" / "local-auth.json").exists()  # registered a client agent
