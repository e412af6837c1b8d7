"""`pip install .` (not only editable) gives the complete tool: core, built-in plugins, data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers.e2e import e2e_fixture

ROOT = Path(__file__).resolve().parents[2]


@e2e_fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("odiac-*.whl")
    return zipfile.ZipFile(built)


def _sources(folder: Path, prefix: Path) -> set[str]:
    return {
        str(prefix / path.relative_to(folder))
        for path in folder.rglob("*.py")
        if "__pycache__" not in path.parts
    }


def test_every_core_and_plugin_module_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    expected = _sources(ROOT / "odiac", Path("odiac"))
    for package in (ROOT / "plugins").iterdir():
        if package.is_dir() and package.name.startswith("odiac_"):
            expected |= _sources(package, Path(package.name))
    assert expected - names == set()
    assert "odiac/py.typed" in names


def test_entry_points_declare_the_console_script_and_every_builtin_plugin(
    wheel: zipfile.ZipFile,
) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "odiac = odiac.cli:main" in text
    declared = {
        line.split("=", 1)[1].strip().split(":")[0]
        for line in text.split("[odiac]", 1)[1].split("[", 1)[0].splitlines()
        if "=" in line
    }
    for module in declared:
        assert module.replace(".", "/") + ".py" in wheel.namelist(), module
    assert {m.split(".")[0] for m in declared} == {
        "odiac_analyzers",
        "odiac_policies",
        "odiac_secrets",
    }
