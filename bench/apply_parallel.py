"""Apply parallelism benchmark: do 10 independent services deploy as fast as 1?

Runs ``odiac emulator serve`` on loopback (one emulator timeline for both runs,
``--time-scale`` speeds it up alike), then applies, from scratch and with the
default ``--parallelism``, a project of 1 web service and a project of 10
independent web services. Reported: wall time of each apply and

    ratio = wall(10 services) / wall(1 service)

Target: ratio <= 1.5 (deployments build concurrently; a watch only polls). Figures
are printed; ``--check`` exits 1 when the target is missed.

Usage:
    python bench/apply_parallel.py [--services 10] [--time-scale 5] [--repeat 1] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from odiac.apply import DEFAULT_PARALLELISM, SilentReporter, apply_plan
from odiac.config.loader import load_config
from odiac.desired import build_desired, desired_dependencies, source_excludes, source_root
from odiac.gateway.client import GatewayClient
from odiac.plan.planner import make_plan
from odiac.plugin.manager import get_plugin_manager
from odiac.source import build_archive
from odiac.state.refresh import read_snapshot
from odiac.testing import serve_emulator

TARGET = 1.5


@dataclass
class Result:
    services: int
    wall_s: float


def _config(name: str, services: int) -> str:
    lines = ["version = 1", "[project]", f'name = "{name}"']
    for index in range(services):
        lines += [f"[services.s{index}]", 'type = "web"', "port = 8000", f'path = "s{index}"']
    return "\n".join(lines) + "\n"


def _app(root: Path, name: str, services: int) -> Path:
    root.mkdir(parents=True)
    (root / "opendeploy.toml").write_text(_config(name, services))
    for index in range(services):
        (root / f"s{index}").mkdir()
        (root / f"s{index}" / "requirements.txt").write_text("flask\n")
    return root / "opendeploy.toml"


async def _apply(client: GatewayClient, config_path: Path, scratch: Path) -> float:
    """Plan (untimed), then time the apply as ``odiac apply --auto-approve`` runs it."""
    loaded = load_config(config_path)
    config = loaded.config
    archive = build_archive(
        source_root(config, config_path), source_excludes(config, config_path), dest_dir=scratch
    )
    snapshot = await read_snapshot(
        client, config.project.name, "staging", dependencies=desired_dependencies(config)
    )
    desired = build_desired(
        config,
        config_path=config_path,
        config_digest=loaded.digest,
        environment="staging",
        source=archive,
        live_dependencies=snapshot.live.dependencies,
        plugins=get_plugin_manager(),
    )
    plan = make_plan(desired, snapshot.live, hmac_key=b"bench" * 8)
    started = time.perf_counter()
    result = await apply_plan(
        plan,
        client=client,
        desired=desired,
        live=snapshot.live,
        archive_path=archive.path,
        reporter=SilentReporter(),
        parallelism=DEFAULT_PARALLELISM,
    )
    wall = time.perf_counter() - started
    archive.cleanup()
    if not result.ok:
        raise SystemExit(f"apply failed: {result.summary()}")
    return wall


async def _measure(
    base_url: str, token: str, counts: list[int], repeat: int, work: Path
) -> list[Result]:
    results = []
    async with GatewayClient(base_url, token, timeout=120) as client:
        for count in counts:
            walls = []
            for attempt in range(repeat):
                name = f"par-{count}-{attempt}"
                config = _app(work / name, name, count)
                walls.append(await _apply(client, config, work))
            results.append(Result(count, round(statistics.median(walls), 3)))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=10)
    parser.add_argument("--time-scale", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--check", action="store_true", help=f"exit 1 above {TARGET}")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="odiac-bench-") as tmp:
        work = Path(tmp)
        extra = ("--time-scale", str(args.time_scale))
        with serve_emulator(work / "emulator", extra_args=extra) as emu:
            control = emu.control()
            token = str(control.create_user("bench@example.test")["api_key"])
            results = asyncio.run(
                _measure(emu.base_url, token, [1, args.services], args.repeat, work)
            )
    one, many = results
    ratio = round(many.wall_s / one.wall_s, 3)
    if args.json:
        print(json.dumps({"runs": [asdict(r) for r in results], "ratio": ratio}, indent=2))
    else:
        print(
            f"apply parallelism (time_scale={args.time_scale}, parallelism={DEFAULT_PARALLELISM})"
        )
        for run in results:
            print(f"{run.services:>3} services: {run.wall_s:.3f} s")
        print(f"ratio {many.services} vs 1: {ratio:.2f} (target <= {TARGET})")
    return 1 if args.check and ratio > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
