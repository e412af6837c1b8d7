"""The suite-wide canary checks of tests/conftest.py can fail (and the suite is clean)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

TESTS = Path(__file__).resolve().parents[1]


def _suite_conftest() -> ModuleType:
    # Loaded by path: several folders have a module named "conftest".
    spec = importlib.util.spec_from_file_location("suite_conftest", TESTS / "conftest.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_snapshot_scan_finds_a_planted_canary(tmp_path: Path) -> None:
    suite = _suite_conftest()
    folder = tmp_path / "area" / "__snapshots__"
    folder.mkdir(parents=True)
    (folder / "test_x.ambr").write_text("clean\n")
    assert suite.snapshot_canaries(tmp_path) == []
    (folder / "test_y.ambr").write_text('  "API_KEY": "CANARY-leaked-42",\n')
    assert suite.snapshot_canaries(tmp_path) == ["area/__snapshots__/test_y.ambr: CANARY-leaked-42"]


def test_no_snapshot_of_the_suite_holds_a_canary() -> None:
    assert _suite_conftest().snapshot_canaries(TESTS) == []


def test_leak_scan_reports_outputs_and_files(tmp_path: Path) -> None:
    scan = _suite_conftest().LeakScan()
    scan.add("stdout of plan", "Plan: 1 to change\n  ~ API_KEY (sensitive value changed)")
    (tmp_path / "plan.json").write_text('{"x": "CANARY-in-file-1"}')
    scan.add_files(tmp_path)
    assert scan.leaks() == [f"{tmp_path / 'plan.json'}: CANARY-in-file-1"]
