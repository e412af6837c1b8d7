"""Fixtures for running CI workflows and the composite action for real.

* ``emulator``: one ``odiac emulator serve`` per module (the example apps keep their
  fixed subdomains, which are global on a gateway); ``token`` (tests/conftest.py): a
  fresh user on it.
* ``action_checkout``: a copy of odiac's source as GitHub would check out the action
  (pyproject, README, odiac/, plugins/, action.yml), so nothing is built in the worktree.
* ``wheelhouse``: odiac's wheel built once from that copy. The runner's pip is
  offline (``PIP_NO_INDEX``) and finds odiac there, so ``pip install odiac`` installs
  this source, never something from the network.
* ``runner_factory``: an :class:`ActionsRunner` over a fresh copy of an example app
  pointed at the emulator, with ``actions/checkout`` (the copy is the checkout) and
  ``actions/setup-python`` (a fresh virtualenv without odiac, put first on PATH),
  a stand-in ``gh`` that records comments, and odiac's own development venv kept
  off PATH: ``odiac`` exists in a job only after the job installed it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.e2e import e2e_fixture, run_odiac, served_emulator

from odiac.testing import EmulatorProcess

from .actions_runner import ActionsRunner, JobState

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
GH_STANDIN = Path(__file__).resolve().parent / "gh_standin.py"
_ODIAC_DIST = ("odiac-", "__editable__", "__pycache__")


@e2e_fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    yield from served_emulator(tmp_path_factory.mktemp("emulator"))


@pytest.fixture(scope="session")
def action_checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("action") / "odiac"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "*.pyc")
    target.mkdir()
    for name in ("pyproject.toml", "README.md", "action.yml", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, target / name)
    for name in ("odiac", "plugins"):
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    return target


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory, action_checkout: Path) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    source = tmp_path_factory.mktemp("wheel-src") / "odiac"
    shutil.copytree(action_checkout, source)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert list(out.glob("odiac-*.whl"))
    return out


@pytest.fixture(scope="session")
def dependencies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """odiac's dependencies (and pip, setuptools) without odiac itself: one folder of links."""
    farm = tmp_path_factory.mktemp("site-deps")
    purelib = Path(sysconfig.get_paths()["purelib"])
    for entry in purelib.iterdir():
        if entry.name.startswith(_ODIAC_DIST) or entry.suffix == ".pth":
            continue
        (farm / entry.name).symlink_to(entry)
    return farm


def fresh_python(home: Path, dependencies: Path) -> Path:
    """What setup-python gives a job: a Python whose pip can install (but no odiac yet)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True)
    (site,) = home.glob("lib/python*/site-packages")
    (site / "ci-dependencies.pth").write_text(f"{dependencies}\n")
    pip = home / "bin" / "pip"
    pip.write_text(f'#!/bin/sh\nexec "{home}/bin/python" -m pip "$@"\n')
    pip.chmod(0o755)
    return home / "bin"


def app_copy(example: str, workspace: Path, emulator: EmulatorProcess) -> Path:
    """A fresh checkout of ``examples/<example>`` whose gateway is the emulator."""
    shutil.copytree(EXAMPLES / example, workspace, ignore=shutil.ignore_patterns(".opendeploy"))
    config = workspace / "opendeploy.toml"
    text = config.read_text()
    assert 'url = "local"' in text
    config.write_text(text.replace('url = "local"', f'url = "{emulator.base_url}"'))
    return workspace


def _system_path() -> str:
    venv_bin = str(Path(sys.executable).parent)
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and d != venv_bin]
    return os.pathsep.join(dirs)


RunnerFactory = Callable[..., ActionsRunner]


@pytest.fixture
def runner_factory(
    tmp_path: Path,
    emulator: EmulatorProcess,
    wheelhouse: Path,
    dependencies: Path,
    action_checkout: Path,
) -> RunnerFactory:
    tools = tmp_path / "tools"
    tools.mkdir()
    gh = tools / "gh"
    gh.write_text(f"#!{sys.executable}\n" + GH_STANDIN.read_text())
    gh.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    counter = iter(range(1000))

    def make(
        *,
        event_name: str,
        event: dict[str, Any],
        secrets: dict[str, str],
        example: str = "flask-postgres",
        workspace: Path | None = None,
    ) -> ActionsRunner:
        run = next(counter)
        if workspace is None:
            workspace = app_copy(example, tmp_path / f"checkout-{run}", emulator)
        temp = tmp_path / f"runner-temp-{run}"

        def setup_python(state: JobState, _inputs: dict[str, str]) -> None:
            state.path.append(str(fresh_python(temp / "python", dependencies)))

        def checkout(_state: JobState, _inputs: dict[str, str]) -> None:
            assert (workspace / "opendeploy.toml").is_file()

        def upload_artifact(_state: JobState, inputs: dict[str, str]) -> None:
            assert (workspace / inputs["path"]).exists(), inputs

        # odiac exists in a job only once the job installed it.
        assert shutil.which("odiac", path=_system_path()) is None
        base_env = {
            "PATH": f"{tools}{os.pathsep}{_system_path()}",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "GH_STANDIN_LOG": str(tmp_path / "gh-comments.jsonl"),
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(wheelhouse),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_BUILD_ISOLATION": "0",
        }
        return ActionsRunner(
            workspace,
            temp,
            event_name=event_name,
            event=event,
            secrets=secrets,
            base_env=base_env,
            handlers={
                "actions/checkout": checkout,
                "actions/setup-python": setup_python,
                "actions/upload-artifact": upload_artifact,
            },
            actions={"your-org/odiac@v0": action_checkout},
        )

    return make


def odiac_cli(cwd: Path, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    """odiac run directly (outside any workflow), to set the scene or check the result."""
    return run_odiac(cwd, *args, token=token, timeout=300)


def projects(emulator: EmulatorProcess, token: str) -> dict[str, str]:
    """Live project name -> id for this token's account."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=15) as api:
        body = api.get("/v1/projects/").json()
    return {p["name"]: p["id"] for p in listed(body)}


def listed(body: Any) -> list[dict[str, Any]]:
    """The items of a gateway list answer (a bare list or ``{"data": [...]}``)."""
    items = body if isinstance(body, list) else body["data"]
    assert isinstance(items, list), body
    return items
