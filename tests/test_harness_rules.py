"""The suite's own rules: end-to-end tests are marked, and they start odiac one way."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers.e2e import E2E_ATTR, uses_e2e_fixture

TESTS = Path(__file__).resolve().parent
ALLOWED = {
    "examples/test_plugin_hello_install.py",  # odiac in a throwaway venv's interpreter
    "test_harness_rules.py",  # shows the guard refusing a direct start
}


def test_an_unmarked_test_cannot_start_odiac() -> None:
    """This test is not ``e2e``: starting the executable fails it before any process runs."""
    with pytest.raises(RuntimeError, match="is not marked e2e"):
        subprocess.run([sys.executable, "-m", "odiac", "--version"], check=False)


def test_an_unmarked_test_may_start_other_processes() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "print('ok')"], capture_output=True, text=True, check=True
    )
    assert done.stdout == "ok\n"


def test_every_test_starts_odiac_through_the_shared_harness() -> None:
    pattern = re.compile(r"""["']-m["'],\s*["']odiac["']""")
    offenders = sorted(
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if "fixtures" not in path.relative_to(TESTS).parts
        and path.parent.name != "helpers"
        and str(path.relative_to(TESTS)) not in ALLOWED
        and pattern.search(path.read_text(encoding="utf-8"))
    )
    assert offenders == [], "use helpers.e2e.run_odiac / spawn_odiac / odiac_argv"


def _item(**fixtures: object) -> object:
    """A stand-in for a collected test: its fixture closure, name -> definitions."""
    defs = {name: [SimpleNamespace(func=func)] for name, func in fixtures.items()}
    info = SimpleNamespace(names_closure=list(fixtures), name2fixturedefs=defs)
    return SimpleNamespace(_fixtureinfo=info)


def _fixture(e2e: bool) -> object:
    def func() -> None:
        return None

    if e2e:
        setattr(func, E2E_ATTR, True)
    return func


def test_a_test_is_end_to_end_when_any_fixture_it_uses_is() -> None:
    plain, served = _fixture(False), _fixture(True)
    assert not uses_e2e_fixture(_item(tmp_path=plain))
    assert uses_e2e_fixture(_item(tmp_path=plain, odiac_exe=served))
    assert uses_e2e_fixture(_item(token=plain, emulator=served))  # through another fixture
    assert not uses_e2e_fixture(SimpleNamespace())
