"""Analyzer accuracy and speed.

Per-field accuracy (services, framework, port, databases, env names) over the
fixture apps, checked against each app's hand-written ``expected.toml``, plus
wall time per repository. Folders of checkouts given on the command line are
analysed too; without an ``expected.toml`` their analysis and wall time are
reported only.

Usage:
    python bench/analyzer_accuracy.py                      # fixtures only
    python bench/analyzer_accuracy.py ~/checkouts          # + every repo in ~/checkouts
    python bench/analyzer_accuracy.py --repo ~/src/shop --json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from odiac.analysis.result import ProjectAnalysisResult
from odiac.plugin.manager import get_plugin_manager

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "apps"
FIELDS = ("services", "framework", "port", "databases", "env")


@dataclass
class Score:
    """Correct / total per field."""

    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))

    def add(self, name: str, ok: bool) -> None:
        self.total[name] += 1
        self.correct[name] += int(ok)

    def ratio(self, name: str) -> float | None:
        return self.correct[name] / self.total[name] if self.total[name] else None


@dataclass
class Row:
    """One analysed repository."""

    repo: str
    seconds: float
    files: int
    summary: str
    mismatches: list[str] = field(default_factory=list)
    payload: dict[str, Any] | None = None


def score_one(result: ProjectAnalysisResult, expected: dict[str, Any], score: Score) -> list[str]:
    """Compare one analysis with its expected facts; returns the mismatches."""
    misses: list[str] = []
    if expected.get("refused"):
        ok = result.refusal is not None and expected.get("reason", "") in result.refusal.reason
        score.add("services", ok)
        return [] if ok else ["expected a refusal"]
    want = {s["name"]: s for s in expected.get("services", [])}
    got = {s.name: s for s in result.services}
    same = result.refusal is None and sorted(want) == sorted(got)
    score.add("services", same)
    if not same:
        misses.append(
            f"services: want {sorted(want)} got {sorted(got) if result.refusal is None else 'refused'}"
        )
    for name, exp in want.items():
        svc = got.get(name)
        checks = {
            "framework": (exp.get("framework", ""), svc.framework if svc else None),
            "port": (exp.get("port"), svc.port if svc else None),
            "databases": (
                sorted(exp.get("databases", [])),
                sorted(svc.dependencies) if svc else None,
            ),
            "env": (
                sorted(exp.get("env", [])),
                sorted(v.name for v in svc.runtime_vars) if svc else None,
            ),
        }
        for key, (wanted, found) in checks.items():
            ok = svc is not None and wanted == found
            score.add(key, ok)
            if not ok:
                misses.append(f"{name}.{key}: want {wanted!r} got {found!r}")
    return misses


def analyse(path: Path) -> tuple[ProjectAnalysisResult, float]:
    """Analyse ``path`` and return the result with its wall time in seconds."""
    started = time.perf_counter()
    result = get_plugin_manager().analyze(path)
    return result, time.perf_counter() - started


def _summary(result: ProjectAnalysisResult) -> str:
    if result.refusal is not None:
        return "refused: " + result.refusal.reason
    return ", ".join(
        f"{s.name}={s.framework or s.language or '?'}:{s.port}" for s in result.services
    )


def run(
    checkout_dirs: list[Path], repos: list[Path], with_fixtures: bool
) -> tuple[Score, list[Row]]:
    """Analyse the fixtures and every given repository."""
    score = Score()
    rows: list[Row] = []
    targets: list[Path] = []
    if with_fixtures and FIXTURES.is_dir():
        targets += sorted(p for p in FIXTURES.iterdir() if (p / "expected.toml").is_file())
    for folder in checkout_dirs:
        targets += sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    targets += repos
    with tempfile.TemporaryDirectory(prefix="odiac-bench-") as scratch:
        for repo in targets:
            expected_file = repo / "expected.toml"
            target = repo
            if expected_file.is_file():
                # The expected facts must not be part of the analysed tree.
                target = Path(scratch) / repo.name
                shutil.copytree(
                    repo, target, ignore=shutil.ignore_patterns("expected.toml"), symlinks=True
                )
            result, seconds = analyse(target)
            row = Row(
                str(repo), seconds, result.files_walked, _summary(result), payload=result.payload()
            )
            if expected_file.is_file():
                row.mismatches = score_one(result, tomllib.loads(expected_file.read_text()), score)
            rows.append(row)
    return score, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "checkouts", nargs="*", type=Path, help="folders whose sub-folders are repositories"
    )
    parser.add_argument(
        "--repo", action="append", type=Path, default=[], help="one repository (repeatable)"
    )
    parser.add_argument("--no-fixtures", action="store_true", help="skip tests/fixtures/apps")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    args = parser.parse_args(argv)
    score, rows = run(args.checkouts, args.repo, not args.no_fixtures)
    accuracy = {name: score.ratio(name) for name in FIELDS}
    if args.json:
        report = {
            "accuracy": accuracy,
            "counts": {n: [score.correct[n], score.total[n]] for n in FIELDS},
            "repositories": [
                {
                    "repo": r.repo,
                    "seconds": round(r.seconds, 4),
                    "files": r.files,
                    "mismatches": r.mismatches,
                    "analysis": r.payload,
                }
                for r in rows
            ],
        }
        print(json.dumps(report, indent=2))
        return 0
    width = max((len(Path(r.repo).name) for r in rows), default=10)
    for r in rows:
        mark = "" if not r.mismatches else "  <- " + "; ".join(r.mismatches)
        print(
            f"{Path(r.repo).name:<{width}}  {r.seconds * 1000:8.1f} ms  {r.files:6d} files  {r.summary}{mark}"
        )
    print()
    for name in FIELDS:
        ratio = accuracy[name]
        shown = "n/a" if ratio is None else f"{ratio:6.1%}"
        print(f"{name:<10} {shown}  ({score.correct[name]}/{score.total[name]})")
    total = sum(r.seconds for r in rows)
    print(f"\n{len(rows)} repositories in {total:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
