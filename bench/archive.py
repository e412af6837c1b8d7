"""Benchmark: odiac's deterministic source archive against ``zip -qr``.

Generates a tree of 20,000 files / 200 MB (a mix of compressible text and random
bytes, nested folders), then reports:

* odiac build time divided by ``zip -qr`` time on the same tree (target <= 1.2);
* that two builds give the same digest, the second after every mtime changed;
* peak RSS of the odiac build, measured in a child process (target < 150 MB);
* the time of ``scan_source`` (the identity without an archive, what plan uses)
  and that it gives the archive's digest.

Usage: ``python bench/archive.py [--files N] [--megabytes M] [--json]``. Exit
status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, resource, sys, time
from odiac.source import build_archive
start = time.perf_counter()
with build_archive(sys.argv[1], dest_dir=sys.argv[2]) as archive:
    elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "digest": archive.digest, "files": archive.file_count,
                      "bytes": archive.total_bytes, "archive_bytes": archive.archive_bytes,
                      "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""
SCAN_CHILD = """
import json, resource, sys, time
from odiac.source import scan_source
start = time.perf_counter()
scan = scan_source(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - start, "digest": scan.digest,
                  "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""
WORDS = (
    b"deploy service plan apply source archive config env secret region port build start".split()
)


def generate(root: Path, files: int, total_bytes: int, seed: int = 4) -> None:
    """Write ``files`` files totalling about ``total_bytes`` under ``root``."""
    rng = random.Random(seed)
    per_file = total_bytes // files
    for index in range(files):
        folder = root / f"pkg{index % 40:02d}" / f"mod{index % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        size = max(1, int(rng.expovariate(1 / per_file))) if index % 10 else per_file
        if index % 3 == 0:
            data = rng.randbytes(size)  # images, fonts: incompressible
        else:
            line = b" ".join(rng.choice(WORDS) for _ in range(12)) + b"\n"
            data = (line * (size // len(line) + 1))[:size]
        (folder / f"file{index:05d}.dat").write_bytes(data)


def run_odiac(root: Path, scratch: Path, child: str = CHILD) -> dict[str, float | int | str]:
    proc = subprocess.run(
        [sys.executable, "-c", child, str(root), str(scratch)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float | int | str] = json.loads(proc.stdout)
    return result


def run_zip(root: Path, scratch: Path) -> float:
    out = scratch / "reference.zip"
    start = time.perf_counter()
    subprocess.run(["zip", "-qr", str(out), "."], cwd=root, check=True)
    elapsed = time.perf_counter() - start
    out.unlink()
    return elapsed


def touch_all(root: Path) -> None:
    stamp = time.time() + 3600
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(dirpath, name), (stamp, stamp))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    if shutil.which("zip") is None:
        print("bench/archive.py needs the `zip` command", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="odiac-bench-") as tmp:
        root, scratch = Path(tmp) / "tree", Path(tmp) / "scratch"
        root.mkdir()
        scratch.mkdir()
        generate(root, args.files, args.megabytes * 1_000_000)
        run_zip(root, scratch)  # warm the page cache for both contenders
        zip_seconds = min(run_zip(root, scratch) for _ in range(2))
        first = run_odiac(root, scratch)
        touch_all(root)
        second = run_odiac(root, scratch)
        scan = run_odiac(root, scratch, SCAN_CHILD)
    odiac_seconds = min(float(first["seconds"]), float(second["seconds"]))
    report = {
        "files": first["files"],
        "total_bytes": first["bytes"],
        "archive_bytes": first["archive_bytes"],
        "zip_seconds": round(zip_seconds, 3),
        "odiac_seconds": round(odiac_seconds, 3),
        "ratio": round(odiac_seconds / zip_seconds, 3),
        "same_digest_after_touch": first["digest"] == second["digest"],
        "scan_seconds": round(float(scan["seconds"]), 3),
        "scan_matches_archive": scan["digest"] == first["digest"],
        "peak_rss_mb": round(
            max(int(first["rss_kb"]), int(second["rss_kb"]), int(scan["rss_kb"])) / 1024, 1
        ),
        "self_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    ok = (
        report["ratio"] <= 1.2
        and report["same_digest_after_touch"]
        and report["scan_matches_archive"]
        and report["peak_rss_mb"] < 150
    )
    report["targets_met"] = ok
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:>24}: {value}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
