"""Tiny runs of the plan/apply benchmarks so they don't rot (ratios are not judged here)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.e2e import OdiacExe

BENCH = Path(__file__).resolve().parents[2] / "bench"

Bench = Callable[..., object]


@pytest.fixture
def bench(odiac_exe: OdiacExe) -> Bench:
    """Run ``bench/<script> args... --json`` and return its parsed report."""

    def run(script: str, *args: str) -> object:
        result = odiac_exe.python(BENCH / script, *args, "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return run


def test_plan_latency_bench_runs_and_counts_requests(bench: Bench) -> None:
    rows = bench("plan_latency.py", "--sizes", "1,2", "--repeat", "1")
    assert isinstance(rows, list)
    assert [(r["services"], r["requests"]) for r in rows] == [(1, 5), (2, 6)]
    assert all(r["ratio"] > 0 and r["floor_s"] > 0 for r in rows)


def test_apply_parallel_bench_runs(bench: Bench) -> None:
    report = bench("apply_parallel.py", "--services", "2", "--time-scale", "20")
    assert isinstance(report, dict)
    assert [r["services"] for r in report["runs"]] == [1, 2]
    assert report["ratio"] > 0


def test_all_envs_bench_runs_and_shares_the_project_list(bench: Bench) -> None:
    report = bench("all_envs.py", "--envs", "2", "--repeat", "1")
    assert isinstance(report, dict)
    # One environment: 5 requests; two: one project list, then 4 reads each.
    assert (report["one"]["requests"], report["many"]["requests"]) == (5, 9)
    assert (report["one"]["environments"], report["many"]["environments"]) == (1, 2)
    assert report["ratio"] > 0


def test_gateway_calls_bench_reports_every_mode_against_the_cached_absence(bench: Bench) -> None:
    rows = bench("gateway_calls.py", "--rounds", "1", "--requests", "50")
    assert isinstance(rows, dict)
    assert sorted(rows) == ["absent", "absent-cached", "installed"]
    assert [rows["absent-cached"][f"{k}_ratio"] for k in ("probe", "sequential", "fan_out")] == [
        1.0
    ] * 3
    assert all(row["sequential_us"] > 0 and row["fan_out_us"] > 0 for row in rows.values())
