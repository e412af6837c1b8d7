"""Gateway call benchmark: what httpcore's async-library probe costs per request.

httpcore asks ``import sniffio`` each time it sets up a lock, an event or a
cancellation shield: four to six times per request. With sniffio installed (a
declared dependency of odiac) the probe is a ``sys.modules`` hit plus a context
lookup. Without it, every probe is a failed import that searches the whole
``sys.path`` again. This benchmark times the real :class:`GatewayClient` against a
minimal keep-alive JSON server on loopback in three modes, interleaved round by
round in one process so that machine load hits all of them alike:

* ``installed``: the real sniffio package (what odiac ships with).
* ``absent``: sniffio missing: every probe runs the same finder search a missing
  module costs on this ``sys.path`` (a front finder searches for a name that
  does not exist, then refuses ``sniffio``).
* ``absent-cached``: sniffio missing but recorded as absent with a ``None`` entry
  in ``sys.modules`` (the former import-time shortcut; measured for comparison).

Reported per mode: the median microseconds of one probe, of one sequential request
and of one request in fan-outs of 50 at once, each also as a ratio to ``absent-cached``.
Figures are printed; nothing fails on them.

Usage:
    python bench/gateway_calls.py [--rounds N] [--requests N] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import ModuleType

import httpcore._synchronization as httpcore_sync

from odiac.gateway.client import GatewayClient

_OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]"
MODES = ("installed", "absent", "absent-cached")
BASELINE = "absent-cached"
FAN_OUT = 50
PROBES = 2000
_MISSING = "_odiac_bench_no_such_module"


class _Absent:
    """A front finder that makes ``import sniffio`` fail after a full, real search."""

    @staticmethod
    def find_spec(
        name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name != "sniffio":
            return None
        importlib.util.find_spec(_MISSING)  # every finder, every sys.path entry: None
        raise ModuleNotFoundError("No module named 'sniffio'", name="sniffio")


@contextmanager
def mode(name: str, installed: ModuleType | None) -> Iterator[None]:
    saved = sys.modules.pop("sniffio", None)
    finder = _Absent()
    if name == "installed":
        assert installed is not None
        sys.modules["sniffio"] = installed
    elif name == "absent":
        sys.meta_path.insert(0, finder)  # type: ignore[arg-type]
    else:
        sys.modules["sniffio"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)  # type: ignore[arg-type]
        sys.modules.pop("sniffio", None)
        if saved is not None:
            sys.modules["sniffio"] = saved


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            try:
                await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
                return  # the client hung up, or the run is over
            writer.write(_OK)
            await writer.drain()
    finally:
        writer.close()


def _probe_us() -> float:
    started = time.perf_counter()
    for _ in range(PROBES):
        httpcore_sync.current_async_library()
    return (time.perf_counter() - started) / PROBES * 1e6


async def _probe_in_loop() -> float:
    return _probe_us()  # sniffio answers only inside a running loop


async def _sequential_us(client: GatewayClient, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        await client.list_regions()
    return (time.perf_counter() - started) / requests * 1e6


async def _fan_out_us(client: GatewayClient, requests: int) -> float:
    bursts = max(1, requests // FAN_OUT)
    started = time.perf_counter()
    for _ in range(bursts):
        await asyncio.gather(*(client.list_regions() for _ in range(FAN_OUT)))
    return (time.perf_counter() - started) / (bursts * FAN_OUT) * 1e6


async def measure(rounds: int, requests: int) -> dict[str, dict[str, list[float]]]:
    installed = sys.modules.get("sniffio")
    if installed is None and importlib.util.find_spec("sniffio") is not None:
        import sniffio as installed
    modes = [m for m in MODES if m != "installed" or installed is not None]
    samples = {m: {"probe": [], "sequential": [], "fan_out": []} for m in modes}
    server = await asyncio.start_server(_serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, GatewayClient(f"http://127.0.0.1:{port}/api", "odk_" + "b" * 40) as client:
        await _fan_out_us(client, FAN_OUT)  # warm: every pool has its connections
        for _ in range(rounds):
            for name in modes:
                with mode(name, installed):
                    samples[name]["probe"].append(await _probe_in_loop())
                    samples[name]["sequential"].append(await _sequential_us(client, requests))
                    samples[name]["fan_out"].append(await _fan_out_us(client, requests))
    return samples


def report(samples: dict[str, dict[str, list[float]]]) -> dict[str, dict[str, float]]:
    medians = {m: {k: statistics.median(v) for k, v in s.items()} for m, s in samples.items()}
    base = medians[BASELINE]
    rows: dict[str, dict[str, float]] = {}
    for name, row in medians.items():
        rows[name] = {}
        for key, value in row.items():
            rows[name][f"{key}_us"] = round(value, 2)
            rows[name][f"{key}_ratio"] = round(value / base[key], 3)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=15, help="rounds per mode (default 15)")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests a round")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    rows = report(asyncio.run(measure(max(1, args.rounds), max(1, args.requests))))
    if "installed" not in rows:
        print("sniffio is not installed: the installed mode is skipped", file=sys.stderr)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'mode':<14} {'probe':>16} {'sequential req':>20} {f'fan-out {FAN_OUT} req':>20}")
    for name, row in rows.items():
        cells = [
            f"{row[f'{k}_us']:>8.2f}us {row[f'{k}_ratio']:>5.2f}x"
            for k in ("probe", "sequential", "fan_out")
        ]
        print(f"{name:<14} {cells[0]:>16} {cells[1]:>20} {cells[2]:>20}")
    print(f"(ratios against {BASELINE})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
