"""Reliability experiments against ``odiac emulator serve`` (see docs/reliability.md).

    python bench/reliability.py {crash,faults,restart,concurrent,all} [--trials N] [--seed S]

Every trial runs the real ``odiac`` executable on a copy of an example app with a
canary secret planted in its env, then checks: one project, one row per service and
dependency, live state equal to the file (``plan --detailed-exitcode`` exits 0), no
traceback or canary in any output, and failures that name what failed. Prints a
JSON report; exits 1 when any trial failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from odiac.redact import redact, register
from odiac.testing import EmulatorControl, EmulatorProcess, serve_emulator

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EXAMPLE = ROOT / "examples" / "flask-postgres"
EXPERIMENTS = ("crash", "faults", "restart", "concurrent")
CANARY_KEY = "PAYMENT_API_KEY"
CANARY_ENV = "ODIAC_RELIABILITY_CANARY"
TRACEBACK = "Traceback (most recent call last)"
RUN_TIMEOUT_S = 180.0
# Fault storm rates per API request: 10% 5xx, 5% timeouts; drop_after_commit is armed
# for the next POST (the creates) at 10%.
RATE_5XX, RATE_TIMEOUT, RATE_DROP = 0.10, 0.05, 0.10
TIMEOUT_HOLD_S = 2.0
TIMED_OUT, KILLED = -999, -signal.SIGKILL
LOCKED = "another apply is running in this folder"
UNCLEAN = "ended without finishing"  # the apply lock's note about a killed predecessor
# The example's fresh plan has six actions (project, db, upload, bind, service, deploy).
KILL_AFTER_ACTIONS_MAX = 6


@dataclass
class Trial:
    """The outcome of one trial; ``problems`` empty means it passed."""

    index: int
    seed: int
    kill_point: str = ""
    last_mutation: str = ""
    first_exit: int | None = None
    reapplies: int = 0
    converged: bool = False
    duplicates: int = 0
    deployments: int = 0
    unclean_notes: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    failure_messages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


class OdiacRun:
    """One ``odiac`` subprocess whose output lines are collected as they arrive."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.lines: list[tuple[str, str]] = []  # (stream, line)
        self.plan_shown = threading.Event()
        self.reached = threading.Event()  # the armed number of actions has started
        self._started = 0
        self._target: int | None = None
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "odiac", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self._pumps = [
            threading.Thread(target=self._pump, args=(s, n), daemon=True)
            for s, n in ((self.proc.stdout, "out"), (self.proc.stderr, "err"))
        ]
        for pump in self._pumps:
            pump.start()

    def _pump(self, stream: Any, name: str) -> None:
        for line in stream:
            with self._lock:
                self.lines.append((name, line.rstrip("\n")))
                if name == "out" and line.endswith(": started\n"):
                    self._started += 1
                    if self._target is not None and self._started >= self._target:
                        self.reached.set()
            if line.startswith("Plan: "):
                self.plan_shown.set()
        self.plan_shown.set()  # the process ended: nobody waits forever
        self.reached.set()

    def arm(self, actions: int) -> None:
        """Set :attr:`reached` once ``actions`` actions have printed ``started``."""
        with self._lock:
            self._target = actions
            if self._started >= actions:
                self.reached.set()

    def wait(self, timeout: float = RUN_TIMEOUT_S) -> int:
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            rc = TIMED_OUT
        for pump in self._pumps:
            pump.join(timeout=10)
        return rc

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def text(self) -> str:
        with self._lock:
            return "\n".join(line for _, line in self.lines)

    def phase(self) -> str:
        """Where the run is: the actions in flight (started, no outcome yet), or the phase."""
        flying: set[str] = set()
        text = self.text()
        for line in text.splitlines():
            action, _, rest = line.partition(": ")
            if rest == "started":
                flying.add(action)
            elif rest.split(" ", 1)[0] in ("ok", "FAILED", "skipped", "manual"):
                flying.discard(action)
        if flying:
            return "+".join(sorted(flying))
        if "Apply: " in text:
            return "(report)"
        if ": started" in text:
            return "(between actions)"
        return "(load/refresh/plan)"

    def failure_lines(self) -> list[str]:
        """The lines that say what failed (action failures and the final error)."""
        lines = self.text().splitlines()
        return [x for x in lines if ": FAILED - " in x or x.startswith(("Error: ", "Hint: "))]


class Bench:
    """Runs trials of one experiment against one served emulator."""

    def __init__(
        self,
        workdir: Path,
        example: Path,
        *,
        max_reapplies: int = 6,
        run_timeout: float = RUN_TIMEOUT_S,
        checkouts: tuple[int, ...] = (1, 2),
    ) -> None:
        self.checkouts = checkouts  # concurrent: trial i applies from checkouts[i % len] folders
        self.workdir = workdir
        self.example = example
        self.max_reapplies = max_reapplies
        self.run_timeout = run_timeout
        config = tomllib.loads((example / "opendeploy.toml").read_text(encoding="utf-8"))
        self.project = str(config["project"]["name"])
        self.services = sorted(config.get("services", {}))
        self.dependencies = sorted(
            str(v.get("display_name", k)) for k, v in config.get("dependencies", {}).items()
        )
        self.emulator: EmulatorProcess | None = None

    def control(self) -> EmulatorControl:
        assert self.emulator is not None
        return self.emulator.control()

    def fresh_trial(self, trial: Trial) -> tuple[Path, dict[str, str], str]:
        """Wipe the emulator; return the app folder, the env for odiac and the canary."""
        with self.control() as control:
            control.reset()
            control.configure(auto_domain_delay_s=0, timeout_hold_s=TIMEOUT_HOLD_S)
            token = str(control.create_user(f"trial{trial.index}@example.test")["api_key"])
        app = self.workdir / f"trial-{trial.index:03d}" / "app"
        shutil.rmtree(app.parent, ignore_errors=True)
        shutil.copytree(self.example, app)
        canary = f"canary-{trial.seed}-{random.Random(trial.seed).getrandbits(64):016x}"
        register(canary)
        _plant_canary(app / "opendeploy.toml")
        env = {**os.environ, "OPENDEPLOY_TOKEN": token, CANARY_ENV: canary}
        env.update(NO_COLOR="1", PYTHONUNBUFFERED="1")
        env.pop("CI", None)  # CI refuses agent registration; a PAT is used anyway
        return app, env, canary

    def odiac(self, app: Path, env: dict[str, str], *args: str) -> OdiacRun:
        assert self.emulator is not None
        return OdiacRun(["--gateway", self.emulator.base_url, *args], app, env)

    def check_run(
        self, trial: Trial, run: OdiacRun, rc: int, canary: str, explain: bool = True
    ) -> None:
        """No traceback or canary; unless SIGKILLed: exit 0/1, failures that say what failed.

        ``explain=False`` for runs that fail for another reason (a stale saved plan).
        """
        text = run.text()
        if TRACEBACK in text:
            tail = redact(text[text.index(TRACEBACK) :][:600])
            trial.problems.append(f"traceback in output: {tail}")
        if canary in text:
            trial.problems.append("the canary secret appeared in odiac's output")
        if UNCLEAN in text:
            trial.unclean_notes += 1
        if rc == KILLED:
            return
        if rc == TIMED_OUT:
            trial.problems.append(f"odiac did not finish within {self.run_timeout:.0f} s")
        elif rc not in (0, 1):
            trial.problems.append(f"unexpected exit status {rc}")
        if rc == 1:
            lines = run.failure_lines()
            if not any(line.startswith("Error: ") for line in lines):
                trial.problems.append("a failed run printed no 'Error:' line")
            elif explain and not _explains(lines):
                shown = redact(" | ".join(lines[:3]))[:400]
                trial.problems.append(f"a failure names no action or gateway error: {shown}")
            trial.failure_messages.extend(
                re.sub(r"\S*/trial-\d+/", "<trial>/", x) for x in lines[:4]
            )

    def converge(
        self, trial: Trial, app: Path, env: dict[str, str], canary: str, *, needed: bool = True
    ) -> None:
        """Re-apply until one run succeeds (at most ``max_reapplies``), if ``needed``."""
        while needed and trial.reapplies < self.max_reapplies:
            trial.reapplies += 1
            run = self.odiac(app, env, "apply", "--auto-approve")
            rc = run.wait(self.run_timeout)
            self.check_run(trial, run, rc, canary)
            needed = rc != 0
        trial.converged = not needed
        if needed:
            trial.problems.append(f"no convergence after {self.max_reapplies} re-applies")

    def verify(self, trial: Trial, app: Path, env: dict[str, str], canary: str) -> None:
        """One project, one row per service and dependency, live == file, clean plan."""
        with self.control() as control:
            state = control.state()
        projects = state.get("project", [])
        if len(projects) != 1 or projects[0].get("name") != self.project:
            trial.problems.append(f"expected 1 project {self.project!r}, found {len(projects)}")
            trial.duplicates += max(0, len(projects) - 1)
        pids = {p["id"] for p in projects}
        services = Counter(s["name"] for s in state.get("service", []) if s["project_id"] in pids)
        deps = Counter(
            d["display_name"] for d in state.get("dependency", []) if d["project_id"] in pids
        )
        for kind, want, got in (
            ("service", self.services, services),
            ("dependency", self.dependencies, deps),
        ):
            if sorted(got) != want or any(n != 1 for n in got.values()):
                trial.problems.append(f"{kind} rows {dict(got)}, expected one each of {want}")
                trial.duplicates += sum(max(0, n - 1) for n in got.values())
        trial.deployments = sum(1 for d in state.get("deployment", []) if d["project_id"] in pids)
        if len(projects) == 1:
            self._check_secret(trial, env, projects[0]["id"], canary)
        run = self.odiac(app, env, "plan", "--detailed-exitcode")
        rc = run.wait(self.run_timeout)
        self.check_run(trial, run, rc, canary)
        if rc != 0:
            trial.problems.append(f"plan --detailed-exitcode exited {rc}: {run.text()[-300:]}")

    def _check_secret(self, trial: Trial, env: dict[str, str], pid: str, canary: str) -> None:
        assert self.emulator is not None
        headers = {"Authorization": f"Bearer {env['OPENDEPLOY_TOKEN']}"}
        with httpx.Client(base_url=self.emulator.base_url, headers=headers, timeout=15) as http:
            rows = http.get(f"/v1/projects/{pid}/services/").json().get("data", [])
            for row in rows:
                live = http.get(f"/v1/projects/{pid}/services/{row['id']}/env").json()
                values = {v["key"]: v["value"] for v in live.get("variables", [])}
                if values.get(CANARY_KEY) != canary:
                    trial.problems.append(f"service {row['name']}: live secret differs from file")

    def last_mutation(self) -> str:
        with self.control() as control:
            log = control.requests()
        last = next((r for r in reversed(log) if r.get("method") != "GET"), None)
        if last is None:
            return "(none)"
        return f"{last['method']} {_UUID.sub('{id}', str(last['path']))} -> {last['status']}"

    def crash(self, trial: Trial, rng: random.Random) -> None:
        app, env, canary = self.fresh_trial(trial)
        run = self.odiac(app, env, "apply", "--auto-approve")
        _wait_for_kill_moment(run, rng)
        trial.kill_point = run.phase() if run.proc.poll() is None else "(finished before kill)"
        run.kill()
        trial.last_mutation = self.last_mutation()
        trial.first_exit = run.proc.returncode
        self.check_run(trial, run, run.proc.returncode, canary)
        self.converge(trial, app, env, canary)
        self.verify(trial, app, env, canary)

    def faults(self, trial: Trial, rng: random.Random) -> None:
        app, env, canary = self.fresh_trial(trial)
        assert self.emulator is not None
        storm = FaultStorm(self.emulator, rng, env["OPENDEPLOY_TOKEN"])

        try:
            run = self.odiac(app, env, "apply", "--auto-approve")
            trial.first_exit = run.wait(self.run_timeout)
            self.check_run(trial, run, trial.first_exit, canary)
            self.converge(trial, app, env, canary, needed=trial.first_exit != 0)
        finally:
            trial.faults = storm.stop()
        self.verify(trial, app, env, canary)

    def restart(self, trial: Trial, rng: random.Random) -> None:
        app, env, canary = self.fresh_trial(trial)
        assert self.emulator is not None
        run = self.odiac(app, env, "apply", "--auto-approve")
        _wait_for_kill_moment(run, rng)
        finished = run.proc.poll() is not None
        self.emulator.kill()  # first: the apply moves on in milliseconds
        trial.kill_point = "(finished before kill)" if finished else run.phase()
        time.sleep(rng.uniform(0.0, 1.0))  # an outage of random length
        self.emulator.start(self.emulator.port)
        trial.first_exit = run.wait(self.run_timeout)
        self.check_run(trial, run, trial.first_exit, canary)
        self.converge(trial, app, env, canary, needed=trial.first_exit != 0)
        self.verify(trial, app, env, canary)

    def concurrent(self, trial: Trial, rng: random.Random) -> None:
        app, env, canary = self.fresh_trial(trial)
        saved = app.parent / "before.plan.json"  # outside the app: not part of its source
        made = self.odiac(app, env, "plan", "-o", str(saved))
        if made.wait(self.run_timeout) != 0:
            trial.problems.append(f"could not save a plan: {made.text()[-300:]}")
            return
        # One folder: the apply lock serialises the two applies. Two checkouts of the same
        # file (two CI runners): no shared lock, only create-once (F7, F30) between them.
        other = app
        if self.checkouts[trial.index % len(self.checkouts)] == 2:
            other = app.parent / "app2"
            shutil.copytree(app, other, ignore=shutil.ignore_patterns(".opendeploy"))
        first = self.odiac(app, env, "apply", "--auto-approve")
        # Half the trials start both at once (the tightest race), the rest staggered.
        time.sleep(0.0 if rng.random() < 0.5 else rng.uniform(0.0, 0.3))
        second = self.odiac(other, env, "apply", "--auto-approve")
        codes = [first.wait(self.run_timeout), second.wait(self.run_timeout)]
        trial.first_exit = max(codes)
        for run, rc in ((first, codes[0]), (second, codes[1])):
            self.check_run(trial, run, rc, canary)
        mode = "two folders" if other != app else "one folder"
        locked = sum(LOCKED in run.text() for run in (first, second))
        trial.kill_point = f"{mode}: exits {codes[0]},{codes[1]}" + (" (lock)" if locked else "")
        self.converge(trial, app, env, canary, needed=any(codes))
        stale = self.odiac(app, env, "apply", str(saved))
        rc = stale.wait(self.run_timeout)
        self.check_run(trial, stale, rc, canary, explain=False)
        if rc != 1 or "stale" not in stale.text():
            trial.problems.append(f"the stale saved plan was not refused (exit {rc})")
        self.verify(trial, app, env, canary)


class FaultStorm:
    """Faults at the storm's rates: emulator faults are count-based (contract 3.13), so a
    poller follows the request log and, per new API request, may arm a fault for the next
    one; at most one 5xx/timeout and one drop_after_commit (next POST) are pending."""

    def __init__(self, emulator: EmulatorProcess, rng: random.Random, token: str) -> None:
        self.emulator = emulator
        self.rng = rng
        self.token = token
        self.landed: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()  # arming starts at once

    def _loop(self) -> None:
        seen = 0
        armed: dict[str, str] = {}  # slot -> kind
        with self.emulator.control() as control:
            while not self._stop.wait(0.02):
                pending = {f["kind"] for f in _faults(control)}
                for slot, kind in list(armed.items()):
                    if kind not in pending:
                        self.landed[kind] += 1
                        del armed[slot]
                log = control.requests()
                new, seen = max(0, len(log) - seen), len(log)
                for _ in range(new):
                    self._arm(control, armed)

    def _arm(self, control: EmulatorControl, armed: dict[str, str]) -> None:
        draw = self.rng.random()
        if "any" not in armed and draw < RATE_5XX + RATE_TIMEOUT:
            kind = "timeout" if draw < RATE_TIMEOUT else self.rng.choice(_HTTP_5XX)
            control.fault(kind, count=1)
            armed["any"] = kind
        if "post" not in armed and self.rng.random() < RATE_DROP:
            control.fault("drop_after_commit", count=1, match={"method": "POST"})
            armed["post"] = "drop_after_commit"

    def stop(self) -> dict[str, int]:
        """Stop arming, consume what is still pending, and count the faults that landed."""
        self._stop.set()
        self._thread.join(timeout=30)
        headers = {"Authorization": f"Bearer {self.token}"}
        with (
            self.emulator.control() as control,
            httpx.Client(base_url=self.emulator.base_url, headers=headers, timeout=30) as http,
        ):
            for _ in range(10):
                pending = _faults(control)
                if not pending:
                    break
                for fault in pending:
                    if fault.get("match", {}).get("method") == "POST":
                        http.post("/v1/projects/", json={})  # 400: nothing is created
                    else:
                        http.get("/v1/regions/")
        return dict(self.landed)


_HTTP_5XX = ("http_500", "http_502", "http_503")


# What a failure line must carry: the request or the gateway's answer.
_GATEWAY_ERROR = re.compile(
    r"\b(GET|POST|PUT|DELETE) /v1/|\b[45]\d\d\b|timed out|lost the connection|could not connect"
)


def _explains(lines: list[str]) -> bool:
    """Every failed action names the gateway error; else the final error names the request."""
    if any(LOCKED in line for line in lines):
        return True  # refused by the apply lock: the message names the holder
    failed = [line for line in lines if ": FAILED - " in line]
    if failed:
        return all(_GATEWAY_ERROR.search(line) for line in failed)
    return any(line.startswith("Error: ") and _GATEWAY_ERROR.search(line) for line in lines)


def _faults(control: EmulatorControl) -> list[dict[str, Any]]:
    data = control._call("GET", "/faults")
    return list(data.get("faults", [])) if isinstance(data, dict) else []


def _wait_for_kill_moment(run: OdiacRun, rng: random.Random) -> None:
    """A seeded random moment: mostly just after the n-th action started (a random time
    alone would rarely hit the fast creates), else while planning or applying."""
    draw = rng.random()
    if draw < 0.15:
        time.sleep(rng.uniform(0.0, 1.0))  # while loading, refreshing or planning
    elif draw < 0.3:
        run.plan_shown.wait(timeout=RUN_TIMEOUT_S)
        time.sleep(rng.uniform(0.0, 1.6))
    else:
        run.arm(rng.randint(1, KILL_AFTER_ACTIONS_MAX))
        run.reached.wait(timeout=RUN_TIMEOUT_S)
        time.sleep(rng.uniform(0.0, 0.08))  # into the action's request


def _plant_canary(config: Path) -> None:
    text = config.read_text(encoding="utf-8")
    anchor = "[services.web.env]\n"
    if anchor not in text:
        raise SystemExit(f"{config}: no [services.web.env] table to plant the canary in")
    line = f'{CANARY_KEY} = {{ secret = "env:{CANARY_ENV}" }}\n'
    config.write_text(text.replace(anchor, anchor + line, 1), encoding="utf-8")


def run_experiment(
    name: str,
    *,
    trials: int,
    seed: int,
    workdir: Path,
    example: Path = DEFAULT_EXAMPLE,
    max_reapplies: int = 6,
    run_timeout: float = RUN_TIMEOUT_S,
    checkouts: tuple[int, ...] = (1, 2),
) -> dict[str, Any]:
    """Run ``trials`` trials of experiment ``name``; return the report as a dict."""
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}")
    bench = Bench(workdir, example, max_reapplies=max_reapplies, run_timeout=run_timeout)
    bench.checkouts = checkouts
    results: list[Trial] = []
    started = time.monotonic()
    with serve_emulator(
        workdir / "server", db=workdir / "emulator.db", extra_args=("--time-scale", "20")
    ) as emulator:
        bench.emulator = emulator
        for index in range(trials):
            trial_seed = seed * 100_003 + index
            trial = Trial(index=index, seed=trial_seed)
            began = time.monotonic()
            getattr(bench, name)(trial, random.Random(trial_seed))
            trial.seconds = round(time.monotonic() - began, 2)
            results.append(trial)
        log_text = emulator.log_path.read_text(encoding="utf-8", errors="replace")
    return _report(name, seed, results, time.monotonic() - started, log_text)


def _report(
    name: str, seed: int, results: list[Trial], seconds: float, log_text: str
) -> dict[str, Any]:
    failures = [t for t in results if not t.ok]
    faults: Counter[str] = Counter()
    for trial in results:
        faults.update(trial.faults)
    messages = Counter(_generalise(m) for t in results for m in t.failure_messages)
    return {
        "experiment": name,
        "seed": seed,
        "trials": len(results),
        "passed": len(results) - len(failures),
        "converged": sum(t.converged for t in results),
        "duplicates": sum(t.duplicates for t in results),
        "tracebacks": sum(any("traceback" in p for p in t.problems) for t in results),
        "canary_leaks": sum(any("canary" in p for p in t.problems) for t in results)
        + (1 if "canary-" in log_text else 0),
        "first_apply_failed": sum(t.first_exit not in (0, None, KILLED) for t in results),
        "reapplies": dict(sorted(Counter(t.reapplies for t in results).items())),
        "max_reapplies": max((t.reapplies for t in results), default=0),
        "kill_points": dict(Counter(t.kill_point for t in results if t.kill_point).most_common()),
        "last_mutation_at_kill": dict(
            Counter(t.last_mutation for t in results if t.last_mutation).most_common()
        ),
        "deployments_per_trial": dict(sorted(Counter(t.deployments for t in results).items())),
        "unclean_lock_notes": sum(t.unclean_notes for t in results),
        "faults_landed": dict(sorted(faults.items())),
        "failure_messages": dict(messages.most_common(12)),
        "failures": [
            {"trial": t.index, "seed": t.seed, "problems": [redact(p) for p in t.problems]}
            for t in failures
        ],
        "seconds": round(seconds, 1),
        "trial_details": [asdict(t) | {"ok": t.ok} for t in results],
    }


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _generalise(message: str) -> str:
    """A failure line with ids removed, so equal failures count together."""
    message = re.sub(r"pid \d+ on \S+, started \d+ s", "pid N on HOST, started N s", message)
    return redact(_UUID.sub("{id}", message))[:200]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("experiment", choices=[*EXPERIMENTS, "all"])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--example", type=lambda p: Path(p).resolve(), default=DEFAULT_EXAMPLE)
    parser.add_argument("--max-reapplies", type=int, default=6)
    parser.add_argument("--details", action="store_true", help="Add every trial to the report.")
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it.")
    args = parser.parse_args(argv)
    names = EXPERIMENTS if args.experiment == "all" else (args.experiment,)
    reports = []
    with tempfile.TemporaryDirectory(prefix="odiac-reliability-") as scratch:
        base = args.keep or Path(scratch)
        for name in names:
            counts = {"trials": args.trials, "seed": args.seed, "max_reapplies": args.max_reapplies}
            report = run_experiment(name, workdir=base / name, example=args.example, **counts)
            if not args.details:
                del report["trial_details"]
            print(json.dumps(report, indent=2), flush=True)
            reports.append(report)
    return 0 if all(r["passed"] == r["trials"] for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
