"""Start-up benchmark: how much slower than ``python -c "import click"`` is odiac?

Measures the median wall time of ``odiac --version``, ``odiac --help`` and
``odiac validate opendeploy.toml.example``, each as a ratio to the baseline
measured in the same run (so the figures compare across machines). Targets:
``--version`` <= 1.5x, ``validate`` <= 4x. The figures are printed; nothing fails
on them.

Usage:
    python bench/startup.py [--repeat N] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "opendeploy.toml.example"
ODIAC = [sys.executable, "-m", "odiac"]
TARGETS = {"--version": 1.5, "validate": 4.0}


@dataclass
class Case:
    name: str
    argv: list[str]
    skipped: str | None = None
    median: float | None = None
    ok: bool = True


def _cases() -> list[Case]:
    # --config works whether or not validate also takes the path as an argument.
    validate = Case("validate", [*ODIAC, "--config", str(EXAMPLE), "validate"])
    if not EXAMPLE.exists():
        validate.skipped = f"{EXAMPLE.name} not found"
    elif subprocess.run([*ODIAC, "validate", "--help"], capture_output=True, cwd=ROOT).returncode:
        validate.skipped = "the validate command is not available"
    return [
        Case("baseline", [sys.executable, "-c", "import click"]),
        Case("--version", [*ODIAC, "--version"]),
        Case("--help", [*ODIAC, "--help"]),
        validate,
    ]


def _time(argv: list[str]) -> tuple[float, bool]:
    started = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started, result.returncode == 0


def measure(repeat: int) -> list[Case]:
    cases = _cases()
    # Interleave the cases round by round so drift (thermal, cache) hits all alike.
    samples: dict[str, list[float]] = {c.name: [] for c in cases}
    for _ in range(repeat):
        for case in cases:
            if case.skipped:
                continue
            elapsed, ok = _time(case.argv)
            samples[case.name].append(elapsed)
            case.ok = case.ok and ok
    for case in cases:
        if samples[case.name]:
            case.median = statistics.median(samples[case.name])
    return cases


def report(cases: list[Case]) -> dict[str, object]:
    baseline = next(c for c in cases if c.name == "baseline").median or 0.0
    rows: dict[str, object] = {}
    for case in cases:
        ratio = case.median / baseline if case.median and baseline else None
        rows[case.name] = {
            "median_s": round(case.median, 4) if case.median is not None else None,
            "ratio": round(ratio, 2) if ratio is not None else None,
            "target": TARGETS.get(case.name),
            "skipped": case.skipped,
            "exit_ok": case.ok,
        }
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=15, help="runs per command (default 15)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    rows = report(measure(max(1, args.repeat)))
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'command':<12} {'median':>9} {'ratio':>7} {'target':>7}  note")
    for name, row in rows.items():
        assert isinstance(row, dict)
        if row["skipped"]:
            print(f"{name:<12} {'-':>9} {'-':>7} {'-':>7}  skipped: {row['skipped']}")
            continue
        target = row["target"]
        ratio = row["ratio"]
        verdict = ""
        if target is not None and ratio is not None:
            verdict = "ok" if ratio <= target else "over target"
        if not row["exit_ok"]:
            verdict = (verdict + "; non-zero exit").lstrip("; ")
        shown_target = f"{target:.1f}x" if target is not None else "-"
        print(
            f"{name:<12} {row['median_s'] * 1000:>7.1f}ms {ratio:>6.2f}x {shown_target:>7}  {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
