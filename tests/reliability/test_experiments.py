"""The fast subset of bench/reliability.py: a few seeded trials of each experiment.

Each trial runs the real ``odiac`` executable against ``odiac emulator serve``
(crash: SIGKILL mid-apply; faults: 5xx, timeouts and drop_after_commit, F30;
restart: the gateway dies mid-apply; concurrent: two applies plus a stale saved
plan). Every trial must converge with no duplicate, no traceback and no canary
secret in any output. Time-bounded: each odiac run is killed after RUN_TIMEOUT_S
and each experiment must finish within BUDGET_S.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

BENCH_PATH = Path(__file__).resolve().parents[2] / "bench" / "reliability.py"
BUDGET_S = 150.0
RUN_TIMEOUT_S = 60.0


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("odiac_reliability_bench", BENCH_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


def _run(name: str, trials: int, seed: int, tmp_path: Path, **options: Any) -> dict[str, Any]:
    report: dict[str, Any] = bench.run_experiment(
        name, trials=trials, seed=seed, workdir=tmp_path, run_timeout=RUN_TIMEOUT_S, **options
    )
    assert report["failures"] == [], report["failures"]
    assert report["passed"] == report["trials"] == trials
    assert report["converged"] == trials
    assert report["duplicates"] == 0
    assert report["tracebacks"] == 0
    assert report["canary_leaks"] == 0
    assert report["seconds"] < BUDGET_S
    return report


def test_crash_trials_converge_after_sigkill(tmp_path: Path) -> None:
    report = _run("crash", 3, 11, tmp_path)
    assert sum(report["kill_points"].values()) == 3
    assert report["max_reapplies"] >= 1  # every crash trial re-applies at least once


def test_fault_storm_trials_converge_without_duplicates_f30(tmp_path: Path) -> None:
    """F30: 5xx, timeouts and drop_after_commit on creates never duplicate a resource."""
    report = _run("faults", 3, 12, tmp_path)
    assert sum(report["faults_landed"].values()) > 0, "the storm injected nothing"


def test_gateway_restart_mid_apply_converges(tmp_path: Path) -> None:
    report = _run("restart", 2, 13, tmp_path)
    assert sum(report["kill_points"].values()) == 2


def test_concurrent_applies_in_one_folder_and_a_stale_saved_plan_is_refused(
    tmp_path: Path,
) -> None:
    """Two applies of one folder: the apply lock lets one through and names it to the other.

    Two checkouts racing (no shared lock) are measured by the bench only: the gateway
    does not refuse a second dependency of the same name, so that race is timing-bound.
    """
    report = _run("concurrent", 2, 14, tmp_path, checkouts=(1,))
    stale = [m for m in report["failure_messages"] if "is stale" in m]
    assert stale, report["failure_messages"]
    locked = [m for m in report["failure_messages"] if "another apply is running" in m]
    assert locked, report["failure_messages"]


class _Recorded(bench.OdiacRun):  # type: ignore[misc, name-defined]
    """The bench's output checks on canned lines (no process)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = [("err", line) for line in lines]
        self._lock = threading.Lock()


@pytest.mark.parametrize(
    ("lines", "rc", "problem"),
    [
        (["Traceback (most recent call last):", "  boom"], 1, "traceback"),
        (["Error: x", "the value canary-1-abc leaked"], 1, "canary"),
        (["service.web: FAILED - 502"], 1, "no 'Error:' line"),
        (["Error: fine"], 3, "unexpected exit status 3"),
        (
            ["service.web: FAILED - read-back differs", "Error: apply did not finish"],
            1,
            "names no action or gateway error",
        ),
    ],
)
def test_the_bench_detects_leaks_tracebacks_and_silent_failures(
    tmp_path: Path, lines: list[str], rc: int, problem: str
) -> None:
    checker = bench.Bench(tmp_path, bench.DEFAULT_EXAMPLE)
    trial = bench.Trial(index=0, seed=0)
    checker.check_run(trial, _Recorded(lines), rc, "canary-1-abc")
    assert any(problem in p for p in trial.problems), trial.problems


def test_the_bench_accepts_failures_that_name_the_action_and_the_gateway_error(
    tmp_path: Path,
) -> None:
    checker = bench.Bench(tmp_path, bench.DEFAULT_EXAMPLE)
    trial = bench.Trial(index=0, seed=0)
    lines = [
        "service.web: FAILED - POST /v1/projects/p1/services/ failed: 502 Bad Gateway",
        "Error: apply did not finish: Apply: 2 done, 1 failed, 1 skipped, 0 manual.",
    ]
    checker.check_run(trial, _Recorded(lines), 1, "canary-1-abc")
    assert trial.problems == []
    assert trial.failure_messages == lines
