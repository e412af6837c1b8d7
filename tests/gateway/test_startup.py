"""Start-up stays light: the benchmark runs, and --help/--version skip heavy imports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers.e2e import OdiacExe

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("httpx", "deepdiff", "odiac.emulator")


def _imported_modules(odiac_exe: OdiacExe, *args: str) -> set[str]:
    result = odiac_exe.run(ROOT, *args, python_flags=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    modules = {m.strip() for m in re.findall(r"^import time:.*\|(.*)$", result.stderr, re.M)}
    assert "click" in modules  # the probe itself works
    return modules


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_do_not_import_heavy_modules(flag: str, odiac_exe: OdiacExe) -> None:
    modules = _imported_modules(odiac_exe, flag)
    heavy = sorted(m for m in modules if m in HEAVY or m.startswith(tuple(f"{h}." for h in HEAVY)))
    assert heavy == [], f"odiac {flag} imported {heavy}"


def test_bench_startup_runs_and_reports_every_command(odiac_exe: OdiacExe) -> None:
    result = odiac_exe.python(
        ROOT / "bench" / "startup.py", "--repeat", "1", "--json", cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert set(rows) == {"baseline", "--version", "--help", "validate"}
    assert rows["baseline"]["ratio"] == 1.0
    for name in ("--version", "--help"):
        assert rows[name]["exit_ok"] is True
        assert rows[name]["ratio"] > 0
    assert rows["--version"]["target"] == 1.5
    assert rows["validate"]["target"] == 4.0
    assert rows["validate"]["skipped"] or rows["validate"]["median_s"] > 0


def test_bench_startup_text_output(odiac_exe: OdiacExe) -> None:
    result = odiac_exe.python(ROOT / "bench" / "startup.py", "--repeat", "1", cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^--version\s+[\d.]+ms\s+[\d.]+x\s+1\.5x", result.stdout, re.M)
