"""examples/plugin-hello installs like any third-party plugin and odiac sees it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from helpers.e2e import e2e_fixture

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "examples" / "plugin-hello"


def _run(*args: str | Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@e2e_fixture(scope="module")
def venv_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway venv that sees odiac (this checkout) and has plugin-hello pip-installed."""
    base = tmp_path_factory.mktemp("plugin-venv")
    wheels = base / "wheels"
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        wheels,
        PLUGIN,
    )
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    site_dir = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip()
    )
    # odiac itself (and its dependencies) come from the environment running the tests.
    here = sysconfig.get_path("purelib")
    (site_dir / "_odiac_under_test.pth").write_text(f"import site; site.addsitedir({here!r})\n")
    (wheel,) = wheels.glob("odiac_hello-*.whl")
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel)
    return python


def test_installed_plugin_is_listed_with_its_distribution(venv_python: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ODIAC_DISABLE_PLUGINS"}
    rows = json.loads(_run(venv_python, "-m", "odiac", "plugins", "--json", env=env))
    hello = [r for r in rows if r.get("distribution") == "odiac-hello"]
    assert {r["kind"] for r in hello} == {"secret-backend", "policy"}
    assert all(r["version"] == "0.1.0" for r in hello)


def test_disabling_the_plugin_hides_it(venv_python: Path) -> None:
    env = {**os.environ, "ODIAC_DISABLE_PLUGINS": "hello"}
    rows = json.loads(_run(venv_python, "-m", "odiac", "plugins", "--json", env=env))
    assert not [r for r in rows if r.get("distribution") == "odiac-hello"]
    assert [r for r in rows if r.get("distribution") == "odiac"]
