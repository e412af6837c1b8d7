""".pre-commit-hooks.yaml: the odiac-validate hook, run the way pre-commit runs it.

pre-commit itself is not installed: for a `language: python` hook it pip-installs
the hook's repository into a fresh virtualenv, selects the staged files matching
`files`, and runs `entry` + `args` (+ the file names when `pass_filenames`) from
the repository root. This test does exactly that, offline.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT, fresh_python

pytestmark = pytest.mark.e2e
VALID = """\
version = 1
[project]
name = "hooked"
[services.web]
type = "web"
port = 8000
"""
INVALID = """\
version = 1
[project]
name = "hooked"
[services.web]
type = "web"
port = "eighty"
"""


def _hook() -> dict[str, Any]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == "odiac-validate"]
    return dict(hook)


@pytest.fixture(scope="module")
def hook_env(
    tmp_path_factory: pytest.TempPathFactory,
    dependencies: Path,
    action_checkout: Path,
    wheelhouse: Path,
) -> dict[str, str]:
    bin_dir = fresh_python(tmp_path_factory.mktemp("hook-env") / "py", dependencies)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin",
        "HOME": str(tmp_path_factory.mktemp("home")),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_BUILD_ISOLATION": "0",
    }
    installed = subprocess.run(
        [str(bin_dir / "pip"), "install", str(action_checkout)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return env


def run_hook(repo: Path, staged: list[str], env: dict[str, str], args: list[str] | None = None):
    """What `pre-commit run` does for this hook with these staged files (None: skipped)."""
    hook = _hook()
    matched = [f for f in staged if re.search(hook["files"], f)]
    if not matched:
        return None
    argv = [*shlex.split(hook["entry"]), *(args or hook.get("args", []))]
    if hook.get("pass_filenames", True):
        argv += matched
    return subprocess.run(
        argv, cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_hook_definition() -> None:
    hook = _hook()
    assert hook["entry"] == "odiac validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False  # odiac validate reads its own file
    pattern = re.compile(hook["files"])
    assert pattern.search("opendeploy.toml")
    assert pattern.search("apps/api/opendeploy.toml")
    assert not pattern.search("opendeploy.toml.example")
    assert not pattern.search("my-opendeploy.toml")


def test_hook_passes_a_valid_file_and_fails_an_invalid_one(
    tmp_path: Path, hook_env: dict[str, str]
) -> None:
    (tmp_path / "opendeploy.toml").write_text(VALID)
    passed = run_hook(tmp_path, ["opendeploy.toml", "README.md"], hook_env)
    assert passed is not None, passed
    assert passed.returncode == 0, passed
    assert "opendeploy.toml is valid" in passed.stdout

    (tmp_path / "opendeploy.toml").write_text(INVALID)
    failed = run_hook(tmp_path, ["opendeploy.toml"], hook_env)
    assert failed is not None, failed
    assert failed.returncode == 1, failed
    assert "opendeploy.toml" in failed.stdout
    assert "services.web.port" in failed.stdout
    assert ":6" in failed.stdout  # the line of the bad value
    assert "Traceback" not in failed.stdout + failed.stderr

    assert run_hook(tmp_path, ["README.md"], hook_env) is None  # other files: not run


def test_hook_args_for_a_file_in_a_subfolder(tmp_path: Path, hook_env: dict[str, str]) -> None:
    """The documented `args: [--config, path/to/opendeploy.toml]`."""
    (tmp_path / "apps" / "api").mkdir(parents=True)
    (tmp_path / "apps" / "api" / "opendeploy.toml").write_text(INVALID)
    args = ["--config", "apps/api/opendeploy.toml"]
    failed = run_hook(tmp_path, ["apps/api/opendeploy.toml"], hook_env, args)
    assert failed is not None, failed
    assert failed.returncode == 1, failed
    assert "apps/api/opendeploy.toml" in failed.stdout
    (tmp_path / "apps" / "api" / "opendeploy.toml").write_text(VALID)
    passed = run_hook(tmp_path, ["apps/api/opendeploy.toml"], hook_env, args)
    assert passed is not None, passed.stdout + passed.stderr
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_the_documented_config_uses_this_hook() -> None:
    doc = (ROOT / "docs" / "ci.md").read_text()
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", doc, re.DOTALL) if "repos:" in b]
    (repo,) = yaml.safe_load(block)["repos"]
    assert [h["id"] for h in repo["hooks"]] == [_hook()["id"]]
    assert "args: [--config, path/to/opendeploy.toml]" in doc  # as run in the test above
