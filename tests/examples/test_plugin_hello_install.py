"""examples/plugin-hello installs like any third-party plugin and odiac sees it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from helpers.e2e import e2e_fixture

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "examples" / "plugin-hello"
README = PLUGIN / "README.md"
_NOT_SOURCES = shutil.ignore_patterns("__pycache__", "build", "*.egg-info")


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


def _venv_seeing_odiac(base: Path) -> Path:
    """A throwaway venv whose interpreter sees odiac (this checkout) and its dependencies."""
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    site_dir = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip()
    )
    # odiac itself (and its dependencies) come from the environment running the tests.
    here = sysconfig.get_path("purelib")
    (site_dir / "_odiac_under_test.pth").write_text(f"import site; site.addsitedir({here!r})\n")
    return python


@e2e_fixture(scope="module")
def venv_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway venv that sees odiac (this checkout) and has plugin-hello pip-installed."""
    base = tmp_path_factory.mktemp("plugin-venv")
    wheels = base / "wheels"
    # Built from a copy: setuptools leaves build/ and *.egg-info next to the sources, and an
    # egg-info on sys.path would register the plugin in every other test of the run.
    source = base / "plugin-hello"
    shutil.copytree(PLUGIN, source, ignore=_NOT_SOURCES)
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
        source,
    )
    python = _venv_seeing_odiac(base)
    (wheel,) = wheels.glob("odiac_hello-*.whl")
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel)
    return python


@e2e_fixture()
def readme_venv(tmp_path: Path) -> Path:
    """A venv with odiac's ``odiac`` and pytest's ``pytest`` commands, plugin-hello not yet in."""
    python = _venv_seeing_odiac(tmp_path)
    for name, module, function in (
        ("odiac", "odiac.cli", "main"),
        ("pytest", "pytest", "console_main"),
    ):
        # The console script pip writes when it installs the distribution.
        script = python.parent / name
        script.write_text(
            f"#!{python}\nimport sys\nfrom {module} import {function}\nsys.exit({function}())\n"
        )
        script.chmod(0o755)
    return python.parent


def test_installed_plugin_is_listed_with_its_distribution(venv_python: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ODIAC_DISABLE_PLUGINS"}
    rows = json.loads(_run(venv_python, "-m", "odiac", "plugins", "--json", env=env))
    hello = [r for r in rows if r.get("distribution") == "odiac-hello"]
    assert {r["kind"] for r in hello} == {"analyzer", "secret-backend", "policy"}
    assert all(r["version"] == "0.1.0" for r in hello)


def test_disabling_the_plugin_hides_it(venv_python: Path) -> None:
    env = {**os.environ, "ODIAC_DISABLE_PLUGINS": "hello"}
    rows = json.loads(_run(venv_python, "-m", "odiac", "plugins", "--json", env=env))
    assert not [r for r in rows if r.get("distribution") == "odiac-hello"]
    assert [r for r in rows if r.get("distribution") == "odiac"]


def _readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_readme_commands_run_as_shown(readme_venv: Path, tmp_path: Path) -> None:
    """Every command of the README, in order, from a copy of the repository layout.

    pip works offline: the build backend and the dependencies are those of the
    environment running the tests.
    """
    repo = tmp_path / "repo"
    shutil.copytree(PLUGIN, repo / "examples" / "plugin-hello", ignore=_NOT_SOURCES)
    env = {k: v for k, v in os.environ.items() if k != "ODIAC_DISABLE_PLUGINS"}
    env.update(
        PATH=f"{readme_venv}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(readme_venv.parent),
        PIP_NO_INDEX="1",
        PIP_NO_BUILD_ISOLATION="0",
        PIP_QUIET="1",
        NO_COLOR="1",
    )
    outputs: dict[str, str] = {}
    for line in _readme_commands():
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", line],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"$ {line}\n{done.stdout}{done.stderr}"
        outputs[line.split("#", 1)[0].strip()] = done.stdout
    assert list(outputs) == [
        "pip install -e examples/plugin-hello",
        "odiac plugins",
        "ODIAC_DISABLE_PLUGINS=hello odiac plugins",
        "pip install -e 'examples/plugin-hello[test]'",
        "pytest examples/plugin-hello/tests",
    ]
    rows = {tuple(line.split()[:2]) for line in outputs["odiac plugins"].splitlines()}
    assert {
        ("gleam", "analyzer"),
        ("hello", "secret-backend"),
        ("hello-health-check", "policy"),
    } <= rows
    assert "odiac-hello" not in outputs["ODIAC_DISABLE_PLUGINS=hello odiac plugins"]
    assert re.search(r"\b\d+ passed\b", outputs["pytest examples/plugin-hello/tests"])
