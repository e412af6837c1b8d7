"""Load benchmark for ``odiac emulator serve``.

Starts the real emulator on loopback, seeds one project with a service and a
successful deployment, then runs N concurrent clients (one ``httpx.AsyncClient``
each) through a read-heavy mix - regions, project, services list, deployment poll -
for a bounded time. The same mix is first run against a trivial Starlette app
served the same way (same runner, same uvicorn settings), so speed is reported as
a ratio to that baseline measured in the same run, never as a bare number.

Exit status: 0 when every emulator request got a 2xx, 1 on any 5xx, other non-2xx
or transport error, 2 when a server failed to start.

    python bench/emulator_load.py --seconds 10 --clients 50
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import httpx

READY_RE = re.compile(r"listening on (?P<url>http://\S+/api)\s*$")
START_TIMEOUT_S = 30.0
# (weight, route template): what a CI watcher and a plan refresh mostly do.
MIX = [
    (30, "/v1/regions/"),
    (25, "/v1/projects/{pid}"),
    (25, "/v1/projects/{pid}/services/"),
    (20, "/v1/deployments/{did}"),
]


@dataclass
class Result:
    """Latencies and outcomes of one load run."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    server_errors: int = 0
    other_non_2xx: int = 0
    transport_errors: int = 0
    server_cpu_s: float | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(q) - 1]

    @property
    def cpu_ms_per_request(self) -> float | None:
        if self.server_cpu_s is None or not self.requests:
            return None
        return self.server_cpu_s * 1000 / self.requests

    def summary(self) -> dict[str, float | int | str | None]:
        per_request = self.cpu_ms_per_request
        return {
            "name": self.name,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "requests_per_s": round(self.rate, 1),
            "p50_ms": round(self.percentile(50) * 1000, 2),
            "p99_ms": round(self.percentile(99) * 1000, 2),
            "status_5xx": self.server_errors,
            "other_non_2xx": self.other_non_2xx,
            "transport_errors": self.transport_errors,
            "server_cpu_s": None if self.server_cpu_s is None else round(self.server_cpu_s, 3),
            "server_cpu_ms_per_request": None if per_request is None else round(per_request, 3),
        }


class Server:
    """A server subprocess that prints the odiac ready line once listening."""

    def __init__(self, argv: list[str], workdir: Path) -> None:
        self.log = (workdir / "server.log").open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            argv,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self.base_url = self._wait_ready()

    def _wait_ready(self) -> str:
        found: list[str] = []
        ready = threading.Event()

        def pump() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                match = READY_RE.search(line)
                if match and not found:
                    found.append(match.group("url"))
                    ready.set()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(START_TIMEOUT_S) or not found:
            self.stop()
            raise RuntimeError(f"server did not start: {' '.join(self.process.args)}")
        return found[0]

    def cpu_seconds(self) -> float | None:
        """User + system CPU time the server has used so far (Linux /proc; else None)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # Fields 14 and 15 of stat(5), counted after the ")" that ends the command name.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def baseline_app():  # type: ignore[no-untyped-def]
    """A Starlette app answering the mix's paths with a fixed small JSON body."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def answer(request):  # type: ignore[no-untyped-def]
        return JSONResponse({"id": "00000000-0000-4000-8000-000000000001", "status": "ok"})

    paths = ["/api/v1/regions/", "/api/v1/projects/{pid}", "/api/v1/projects/{pid}/services/"]
    paths.append("/api/v1/deployments/{did}")
    return Starlette(routes=[Route(path, answer) for path in paths])


def serve_baseline() -> None:
    """Child-process entry: serve the baseline app like ``odiac emulator serve`` does."""
    from odiac.emulator.serve import run_app

    def ready(url: str) -> None:
        print(f"baseline listening on {url}", flush=True)

    run_app(baseline_app(), host="127.0.0.1", port=0, on_ready=ready)


def seed(base_url: str) -> tuple[dict[str, str], str, str]:
    """Create a user, project, service and a successful deployment; returns auth and ids."""
    origin = base_url.removesuffix("/api")
    with httpx.Client(timeout=10) as http:

        def ok(response: httpx.Response) -> dict:  # type: ignore[type-arg]
            if response.status_code >= 300:
                raise RuntimeError(f"seed: {response.request.url.path} -> {response.status_code}")
            return response.json() if response.content else {}

        user = ok(http.post(f"{origin}/_emulator/users", json={"email": "bench@example.test"}))
        auth = {"Authorization": f"Bearer {user['api_key']}"}
        region = next(r for r in ok(http.get(f"{base_url}/v1/regions/", headers=auth)))["id"]
        project = ok(
            http.post(
                f"{base_url}/v1/projects/",
                headers=auth,
                json={"name": "bench", "repo_url": "file://upload", "skip_validation": True},
            )
        )
        pid = project["id"]
        sid = ok(
            http.post(
                f"{base_url}/v1/projects/{pid}/services/",
                headers=auth,
                json={"name": "web", "type": "web", "port": 8080},
            )
        )["service_id"]
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("app.py", "print('hello')\n")
        upload = ok(
            http.post(
                f"{base_url}/v1/upload/upload-only",
                headers=auth,
                data={"project_name": "bench", "region_id": region},
                files={"project_file": ("app.zip", archive.getvalue(), "application/zip")},
            )
        )
        body = {"project_id": pid, "temp_file_path": upload["temp_file_path"]}
        ok(http.post(f"{base_url}/v1/upload/update-source", headers=auth, json=body))
        deployment = ok(
            http.post(
                f"{base_url}/v1/deployments/",
                headers=auth,
                json={"project_id": pid, "service_id": sid, "source": "zip"},
            )
        )
        ok(http.post(f"{origin}/_emulator/clock/advance", json={"seconds": 30}))
        return auth, pid, deployment["id"]


async def run_load(
    name: str,
    base_url: str,
    headers: dict[str, str],
    ids: dict[str, str],
    clients: int,
    seconds: float,
) -> Result:
    """Run ``clients`` concurrent request loops for ``seconds``."""
    result = Result(name)
    weights = [weight for weight, _ in MIX]
    paths = [template.format(**ids) for _, template in MIX]
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    async def worker(seed_value: int) -> None:
        rng = random.Random(seed_value)
        async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits) as client:
            while time.perf_counter() < deadline:
                path = rng.choices(paths, weights)[0]
                started = time.perf_counter()
                try:
                    response = await client.get(path, timeout=30)
                except httpx.HTTPError:
                    result.transport_errors += 1
                    continue
                result.latencies.append(time.perf_counter() - started)
                if response.status_code >= 500:
                    result.server_errors += 1
                elif response.status_code >= 300:
                    result.other_non_2xx += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(clients)))
    result.seconds = time.perf_counter() - started
    return result


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def describe(result: Result) -> str:
    s = result.summary()
    cpu = s["server_cpu_ms_per_request"]
    return (
        f"{s['name']}: {s['requests']} requests in {s['seconds']} s = {s['requests_per_s']} req/s, "
        f"p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms, 5xx {s['status_5xx']}, "
        f"other non-2xx {s['other_non_2xx']}, transport errors {s['transport_errors']}, "
        f"server CPU {'n/a' if cpu is None else f'{cpu} ms'}/request"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load duration per target")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.add_argument("--serve-baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_baseline:
        serve_baseline()
        return 0
    if args.seconds <= 0 or args.clients <= 0:
        parser.error("--seconds and --clients must be positive")

    with tempfile.TemporaryDirectory(prefix="odiac-bench-") as tmp:
        work = Path(tmp)
        for sub in ("baseline", "emulator"):
            (work / sub).mkdir()
        try:
            baseline = Server([sys.executable, __file__, "--serve-baseline"], work / "baseline")
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        try:
            fake_ids = {"pid": "00000000-0000-4000-8000-00000000000a", "did": "0" * 8}
            cpu_before = baseline.cpu_seconds()
            base = asyncio.run(
                run_load("baseline", baseline.base_url, {}, fake_ids, args.clients, args.seconds)
            )
            base.server_cpu_s = _delta(cpu_before, baseline.cpu_seconds())
        finally:
            baseline.stop()

        emulator_argv = [sys.executable, "-m", "odiac", "emulator", "serve", "--port", "0"]
        try:
            emulator = Server(emulator_argv, work / "emulator")
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        try:
            headers, pid, did = seed(emulator.base_url)
            cpu_before = emulator.cpu_seconds()
            emu = asyncio.run(
                run_load(
                    "emulator",
                    emulator.base_url,
                    headers,
                    {"pid": pid, "did": did},
                    args.clients,
                    args.seconds,
                )
            )
            emu.server_cpu_s = _delta(cpu_before, emulator.cpu_seconds())
        finally:
            emulator.stop()

    throughput_ratio = emu.rate / base.rate if base.rate else 0.0
    p50_ratio = emu.percentile(50) / base.percentile(50) if base.percentile(50) else 0.0
    # Server CPU per request is the ratio that still means something when the
    # load generator, not the server, is what saturates.
    emu_cpu, base_cpu = emu.cpu_ms_per_request, base.cpu_ms_per_request
    cpu_ratio = emu_cpu / base_cpu if emu_cpu is not None and base_cpu else None
    failed = bool(emu.server_errors or emu.other_non_2xx or emu.transport_errors)
    if args.json:
        report = {
            "clients": args.clients,
            "baseline": base.summary(),
            "emulator": emu.summary(),
            "throughput_ratio": round(throughput_ratio, 3),
            "p50_latency_ratio": round(p50_ratio, 3),
            "server_cpu_per_request_ratio": None if cpu_ratio is None else round(cpu_ratio, 3),
            "ok": not failed,
        }
        print(json.dumps(report, indent=2))
    else:
        print(f"{args.clients} clients, read mix: " + ", ".join(t for _, t in MIX))
        print(describe(base) + "  (trivial Starlette app, same runner)")
        print(describe(emu))
        cpu_text = "n/a" if cpu_ratio is None else f"{cpu_ratio:.2f}x"
        print(
            f"emulator/baseline: throughput {throughput_ratio:.2f}x, "
            f"p50 latency {p50_ratio:.2f}x, server CPU per request {cpu_text}"
        )
        if failed:
            print("FAIL: the emulator answered errors under load without faults", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
