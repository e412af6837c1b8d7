"""Keep bench/emulator_load.py from rotting: a tiny run, never a measurement."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "emulator_load.py"


def test_load_bench_smoke_run_reports_ratio_and_no_errors(tmp_path):
    result = subprocess.run(
        [sys.executable, str(BENCH), "--seconds", "1", "--clients", "5", "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    for name in ("baseline", "emulator"):
        assert report[name]["requests"] > 0
        assert report[name]["status_5xx"] == 0
        assert report[name]["transport_errors"] == 0
    assert report["emulator"]["other_non_2xx"] == 0
    assert report["throughput_ratio"] > 0
    assert report["p50_latency_ratio"] > 0
    # One second may fall under the CPU clock's tick, so the ratio may be unknown.
    assert "server_cpu_per_request_ratio" in report
