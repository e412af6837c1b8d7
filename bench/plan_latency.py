"""Plan latency benchmark: how close does ``odiac plan`` get to its critical path?

Runs ``odiac emulator serve`` on loopback, seeds projects of 1, 10 and 50 services
(PAT account: a managed database, bound source, one finished deployment and an
auto domain per service), then sets ``latency_ms=50`` on every API response and
times the plan pipeline exactly as ``odiac plan`` runs it
(:meth:`odiac.engine.Session.prepare`: load, source scan and analysis
alongside the refresh, desired state, plan-time checks, policies, planner).

Reported per size: wall time, request count, and the ratio

    wall time / (critical-path round trips x 50 ms)

plus, to tell a slow plan from a busy machine, the floor (the same plan with no
added latency) and the CPU seconds one plan costs the client process and the
emulator process (Linux ``/proc``; blank elsewhere).

where the critical path of a refresh is 3 round trips deep (project list ->
services / dependencies / deployments -> per-service detail and domains).
Target: ratio <= 1.5 at 50 services. Figures are printed; ``--check`` exits 1 when
the target is missed.

Usage:
    python bench/plan_latency.py [--sizes 1,10,50] [--repeat 3] [--json] [--check]
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

from odiac.config.loader import load_config
from odiac.engine import Session
from odiac.gateway.auth import Credential
from odiac.gateway.bodies import ServiceCreate
from odiac.gateway.client import GatewayClient
from odiac.plugin.manager import get_plugin_manager
from odiac.testing import EmulatorProcess, serve_emulator

LATENCY_MS = 50
CRITICAL_PATH = 3
TARGET = 1.5
TARGET_SIZE = 50


@dataclass
class Row:
    services: int
    wall_s: float
    requests: int
    ratio: float
    floor_s: float  # the same plan with no added latency: client + emulator CPU alone
    client_cpu_s: float  # CPU seconds per plan in this process
    emulator_cpu_s: float | None  # CPU seconds per plan in the emulator process


def _process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process, from /proc (None when unavailable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _config(name: str, services: int) -> str:
    lines = [
        "version = 1",
        "[project]",
        f'name = "{name}"',
        "[dependencies.db]",
        'type = "postgres"',
    ]
    for index in range(services):
        lines += [
            f"[services.s{index}]",
            'type = "web"',
            "port = 8000",
            'uses = ["db"]',
            f'env = {{ LOG_LEVEL = "info", INDEX = "{index}" }}',
        ]
    return "\n".join(lines) + "\n"


async def _seed(client: GatewayClient, name: str, services: int, zip_path: Path) -> None:
    project = await client.create_project(name)
    regions = await client.list_regions()
    await client.create_dependency(project.id, "postgres", display_name="db")
    upload = await client.upload_archive(
        project_name=name, region_id=regions[0].id, archive_path=zip_path
    )
    await client.update_source(project.id, upload.temp_file_path)
    sids = await asyncio.gather(
        *(
            client.create_service(
                project.id,
                ServiceCreate(
                    name=f"s{i}", type="web", settings={"port": 8000}, runtime_variables={"A": "1"}
                ),
            )
            for i in range(services)
        )
    )
    await asyncio.gather(*(client.create_deployment(project.id, sid) for sid in sids))


async def _plan_once(client: GatewayClient, config_path: Path, scratch: Path) -> int:
    """One plan as ``odiac plan`` makes it; returns the requests it took."""
    before = client.round_trips
    session = Session(
        loaded=load_config(config_path),
        client=client,
        credential=Credential(kind="pat", token="", gateway=client.base_url, source="env"),
        plugins=get_plugin_manager(),
        workdir=config_path.parent,
        scratch=scratch,
        hmac_key=b"bench" * 8,
    )
    prepared = await session.prepare()
    if any(f.severity == "error" for f in prepared.findings):
        raise SystemExit(f"the bench plan was refused: {prepared.findings}")
    return client.round_trips - before


async def _measure(emu: EmulatorProcess, sizes: list[int], repeat: int, work: Path) -> list[Row]:
    control = emu.control()
    token = str(control.create_user("bench@example.test")["api_key"])
    zip_path = work / "source.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("requirements.txt", "flask\n")
    zip_path.write_bytes(buffer.getvalue())
    rows: list[Row] = []
    emu_pid = emu.process.pid if emu.process is not None else 0
    async with GatewayClient(emu.base_url, token, timeout=120) as client:
        for size in sizes:
            name = f"bench-{size}"
            await _seed(client, name, size, zip_path)
        control.advance(60)  # deployments finish, auto domains appear
        try:
            for size in sizes:
                app = work / f"app-{size}"
                app.mkdir()
                config = app / "opendeploy.toml"
                config.write_text(_config(f"bench-{size}", size))
                (app / "requirements.txt").write_text("flask\n")
                await _plan_once(client, config, work)  # warm-up
                control.configure(latency_ms=0)
                floor, _ = await _timed(client, config, work, repeat)
                control.configure(latency_ms=LATENCY_MS)
                cpu, emu_cpu = time.process_time(), _process_cpu(emu_pid)
                wall, requests = await _timed(client, config, work, repeat)
                cpu = (time.process_time() - cpu) / repeat
                emu_after = _process_cpu(emu_pid)
                emu_cpu = (emu_after - emu_cpu) / repeat if emu_cpu and emu_after else None
                ratio = wall / (CRITICAL_PATH * LATENCY_MS / 1000)
                rows.append(
                    Row(
                        size,
                        round(wall, 4),
                        requests,
                        round(ratio, 3),
                        round(floor, 4),
                        round(cpu, 4),
                        None if emu_cpu is None else round(emu_cpu, 4),
                    )
                )
        finally:
            control.configure(latency_ms=0)
    return rows


async def _timed(client: GatewayClient, config: Path, work: Path, repeat: int) -> tuple[float, int]:
    timings, requests = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        requests = await _plan_once(client, config, work)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,50", help="service counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print JSON rows")
    parser.add_argument("--check", action="store_true", help=f"exit 1 above {TARGET}")
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.sizes.split(",") if part]
    with tempfile.TemporaryDirectory(prefix="odiac-bench-") as tmp:
        work = Path(tmp)
        with serve_emulator(work / "emulator") as emu:
            rows = asyncio.run(_measure(emu, sizes, args.repeat, work))
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
    else:
        print(f"plan latency (latency_ms={LATENCY_MS}, critical path {CRITICAL_PATH} round trips)")
        print(
            f"{'services':>8} {'wall s':>8} {'requests':>8} {'ratio':>6} {'floor s':>8} "
            f"{'cpu s':>7} {'emu cpu s':>9}"
        )
        for row in rows:
            emu_cpu = "-" if row.emulator_cpu_s is None else f"{row.emulator_cpu_s:.3f}"
            print(
                f"{row.services:>8} {row.wall_s:>8.3f} {row.requests:>8} "
                f"{row.ratio:>6.2f} {row.floor_s:>8.3f} {row.client_cpu_s:>7.3f} {emu_cpu:>9}"
            )
        print(f"target: ratio <= {TARGET} at {TARGET_SIZE} services")
        print("floor s: the same plan with no added latency (client and emulator CPU only)")
        print("cpu s / emu cpu s: CPU one plan costs odiac / the emulator (with latency)")
    judged = [r for r in rows if r.services == TARGET_SIZE]
    missed = any(r.ratio > TARGET for r in judged)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
