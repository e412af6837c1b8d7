"""All-environments benchmark: does ``odiac plan --all-envs`` plan environments concurrently?

Runs ``odiac emulator serve`` on loopback and seeds, for a PAT account, one live
project per environment (a managed database, bound source, one web service with a
finished deployment and its auto domain). Then sets ``latency_ms=50`` on every API
response and times the plan of every declared environment exactly as
``odiac plan --all-envs`` makes it (:func:`odiac.cli.all_envs.for_each_environment`:
one session per environment - load with its overlay, source scan, refresh,
desired state, plan-time checks, planner - all of them concurrently), for a file
declaring one environment and for one declaring ``--envs`` of them.

Reported: the wall time of each (median of ``--repeat``), the request count, and

    ratio = wall time (N environments) / wall time (1 environment)

Target: ratio <= 1.5 at 10 environments. Figures are printed; ``--check`` exits 1
when the target is missed.

Usage:
    python bench/all_envs.py [--envs 10] [--repeat 3] [--json] [--check]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from odiac.cli.all_envs import for_each_environment
from odiac.cli.context import GlobalOptions
from odiac.engine import Session, refuse_on_errors
from odiac.gateway.bodies import ServiceCreate
from odiac.gateway.client import GatewayClient
from odiac.testing import EmulatorProcess, serve_emulator

LATENCY_MS = 50
TARGET = 1.5
TARGET_ENVS = 10
BASE = "bench"


@dataclass
class Row:
    environments: int
    wall_s: float
    requests: int
    cpu_s: float  # CPU seconds of this process per run (all threads)
    emulator_cpu_s: float | None  # CPU seconds of the emulator process per run


@dataclass
class Report:
    latency_ms: int
    one: Row
    many: Row
    ratio: float
    target: float


def _process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process, from /proc (None when unavailable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _environments(count: int) -> list[str]:
    return ["staging", *(f"e{index}" for index in range(1, count))]


def _project(environment: str) -> str:
    return BASE if environment == "staging" else f"{BASE}-{environment}"


def _config(count: int) -> str:
    lines = [
        "version = 1",
        "[project]",
        f'name = "{BASE}"',
        "[dependencies.db]",
        'type = "postgres"',
        "[services.web]",
        'type = "web"',
        "port = 8000",
        'uses = ["db"]',
        'env = { LOG_LEVEL = "info" }',
    ]
    for environment in _environments(count)[1:]:
        lines += [f"[environments.{environment}.services.web]", "replicas = 1"]
    return "\n".join(lines) + "\n"


async def _seed(client: GatewayClient, name: str, zip_path: Path) -> None:
    project = await client.create_project(name)
    regions = await client.list_regions()
    await client.create_dependency(project.id, "postgres", display_name="db")
    upload = await client.upload_archive(
        project_name=name, region_id=regions[0].id, archive_path=zip_path
    )
    await client.update_source(project.id, upload.temp_file_path)
    sid = await client.create_service(
        project.id,
        ServiceCreate(
            name="web", type="web", settings={"port": 8000}, runtime_variables={"A": "1"}
        ),
    )
    await client.create_deployment(project.id, sid)


async def _plan_all(options: GlobalOptions) -> int:
    """Plan every declared environment as ``odiac plan --all-envs`` does; returns requests."""
    # Environments on one gateway share one client: count on it, from the first start.
    started: dict[int, tuple[GatewayClient, int]] = {}

    async def work(session: Session) -> None:
        client = session.client
        started.setdefault(id(client), (client, client.round_trips))
        prepared = await session.prepare()
        refuse_on_errors(prepared)

    results = await for_each_environment(options, work, token=None)
    failed = [r for r in results if r.error is not None]
    if failed:
        raise SystemExit(f"the bench plan failed: {failed[0].error}")
    return sum(client.round_trips - before for client, before in started.values())


async def _timed(options: GlobalOptions, repeat: int) -> tuple[float, int, float]:
    timings, requests = [], 0
    cpu = time.process_time()
    for _ in range(repeat):
        started = time.perf_counter()
        requests = await _plan_all(options)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), requests, (time.process_time() - cpu) / repeat


async def _measure(emu: EmulatorProcess, count: int, repeat: int, work: Path) -> Report:
    control = emu.control()
    token = str(control.create_user("bench-envs@example.test")["api_key"])
    os.environ["OPENDEPLOY_TOKEN"] = token
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("requirements.txt", "flask\n")
    zip_path = work / "source.zip"
    zip_path.write_bytes(buffer.getvalue())
    async with GatewayClient(emu.base_url, token, timeout=120) as client:
        await asyncio.gather(*(_seed(client, _project(e), zip_path) for e in _environments(count)))
    control.advance(60)  # deployments finish, auto domains appear
    rows: list[Row] = []
    emu_pid = emu.process.pid if emu.process is not None else 0
    try:
        for size in (1, count):
            app = work / f"app-{size}"
            app.mkdir()
            (app / "opendeploy.toml").write_text(_config(size))
            (app / "requirements.txt").write_text("flask\n")
            os.chdir(app)  # sessions keep their plan key in the working folder
            options = GlobalOptions(config_path=str(app / "opendeploy.toml"), gateway=emu.base_url)
            await _plan_all(options)  # warm-up
            control.configure(latency_ms=LATENCY_MS)
            emu_before = _process_cpu(emu_pid)
            wall, requests, cpu = await _timed(options, repeat)
            emu_after = _process_cpu(emu_pid)
            control.configure(latency_ms=0)
            emu_cpu = (
                round((emu_after - emu_before) / repeat, 4)
                if emu_before is not None and emu_after is not None
                else None
            )
            rows.append(Row(size, round(wall, 4), requests, round(cpu, 4), emu_cpu))
    finally:
        control.configure(latency_ms=0)
    one, many = rows
    return Report(LATENCY_MS, one, many, round(many.wall_s / one.wall_s, 3), TARGET)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", type=int, default=TARGET_ENVS, help="environments to declare")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.add_argument("--check", action="store_true", help=f"exit 1 above {TARGET}")
    args = parser.parse_args(argv)
    here = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="odiac-bench-") as tmp:
        work = Path(tmp)
        try:
            with serve_emulator(work / "emulator") as emu:
                report = asyncio.run(_measure(emu, args.envs, args.repeat, work))
        finally:
            os.chdir(here)
    if args.json:
        print(json.dumps(asdict(report), indent=2))
    else:
        print(f"plan --all-envs (latency_ms={LATENCY_MS})")
        print(f"{'envs':>5} {'wall s':>8} {'requests':>8} {'cpu s':>7} {'emu cpu s':>9}")
        for row in (report.one, report.many):
            emu = "-" if row.emulator_cpu_s is None else f"{row.emulator_cpu_s:.3f}"
            print(
                f"{row.environments:>5} {row.wall_s:>8.3f} {row.requests:>8} "
                f"{row.cpu_s:>7.3f} {emu:>9}"
            )
        print("cpu s / emu cpu s: CPU one run costs odiac / the emulator")
        print(f"ratio {report.many.environments} / 1: {report.ratio:.2f} (target <= {TARGET})")
    missed = args.envs >= TARGET_ENVS and report.ratio > TARGET
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
