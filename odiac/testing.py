"""Run a real ``odiac emulator serve`` process from tests, and drive its control surface.

For odiac's own end-to-end tests and for plugin authors who want to test against a
gateway on loopback::

    from odiac.testing import serve_emulator

    def test_regions(tmp_path):
        with serve_emulator(tmp_path) as emu:
            admin = emu.control()
            user = admin.create_user("dev@example.test")
            r = httpx.get(f"{emu.base_url}/v1/regions/",
                          headers={"Authorization": f"Bearer {user['api_key']}"})
            assert r.status_code == 200

The server is the real executable (``python -m odiac``) on a free loopback port;
start-up waits for the line it prints once listening (bounded, never a blind
sleep), and the process is always stopped when the ``with`` block ends. Tokens
returned by the control helpers are registered with :mod:`odiac.redact`.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import httpx

from odiac.errors import OdiacError
from odiac.redact import redact, register

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

READY_RE = re.compile(r"listening on (?P<url>https?://\S+/api)\s*$")
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0

__all__ = [
    "EmulatorControl",
    "EmulatorControlError",
    "EmulatorProcess",
    "EmulatorProcessError",
    "control",
    "serve_emulator",
]


class EmulatorProcessError(OdiacError):
    """The emulator process did not start, or did not stop, in time."""


class EmulatorControlError(OdiacError):
    """A ``/_emulator/*`` call answered with a non-2xx status."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class EmulatorProcess:
    """A running ``odiac emulator serve`` subprocess.

    Attributes:
        base_url: The gateway base URL, ending ``/api``.
        origin: ``base_url`` without ``/api`` (where ``/claim`` and ``/_emulator`` live).
        process: The current :class:`subprocess.Popen` (replaced by :meth:`restart`).
        log_path: File receiving the server's stderr (all runs appended).
    """

    def __init__(
        self,
        workdir: Path,
        *,
        db: str = ":memory:",
        extra_args: Sequence[str] = (),
        start_timeout: float = START_TIMEOUT_S,
    ) -> None:
        self.workdir = workdir
        self.db = db
        self.extra_args = tuple(extra_args)
        self.start_timeout = start_timeout
        self.log_path = workdir / "emulator.log"
        self.base_url = ""
        self.origin = ""
        self.port = 0
        self.process: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None

    def start(self, port: int = 0) -> None:
        """Start the server (``port=0``: a free port) and wait until it listens."""
        if self.process is not None and self.process.poll() is None:
            raise EmulatorProcessError("the emulator is already running")
        argv = [sys.executable, "-m", "odiac", "emulator", "serve"]
        argv += ["--host", "127.0.0.1", "--port", str(port), "--db", self.db, *self.extra_args]
        env = dict(os.environ, PYTHONUNBUFFERED="1", NO_COLOR="1")
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()  # the previous run's pipe
        self._log = self._log or self.log_path.open("a", encoding="utf-8")
        self.process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
            cwd=self.workdir,
            env=env,
            text=True,
        )
        url = self._wait_ready(self.process)
        self.base_url = url
        self.origin = url.removesuffix("/api")
        self.port = int(url.rsplit(":", 1)[1].split("/", 1)[0])

    def _wait_ready(self, process: subprocess.Popen[str]) -> str:
        lines: queue.Queue[str | None] = queue.Queue()
        if process.stdout is None:  # pragma: no cover - stdout=PIPE above
            raise EmulatorProcessError("the emulator's stdout is not captured")
        # A thread keeps draining stdout for the life of the process so that a
        # chatty server can never block on a full pipe.
        threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
        deadline = time.monotonic() + self.start_timeout
        try:
            while True:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
                if line is None:
                    break
                match = READY_RE.search(line)
                if match:
                    return match.group("url")
        except queue.Empty:
            self._stop(process, signal.SIGKILL)
            raise EmulatorProcessError(
                f"the emulator did not report ready within {self.start_timeout:.0f} s"
                f"{self._log_tail()}"
            ) from None
        process.wait(timeout=STOP_TIMEOUT_S)
        raise EmulatorProcessError(
            f"the emulator exited with status {process.returncode} before it was ready"
            f"{self._log_tail()}"
        )

    def _log_tail(self, limit: int = 2000) -> str:
        if self._log is not None:
            self._log.flush()
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return f"\n--- emulator log (tail) ---\n{redact(text[-limit:])}" if text else ""

    def _stop(self, process: subprocess.Popen[str], sig: int) -> int:
        if process.poll() is None:
            process.send_signal(sig)
        try:
            return process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise EmulatorProcessError(
                f"the emulator ignored signal {sig} for {STOP_TIMEOUT_S:.0f} s"
            ) from None

    def send_signal(self, sig: int) -> int:
        """Send ``sig`` and wait for the process to exit; returns its exit status."""
        if self.process is None:
            raise EmulatorProcessError("the emulator was never started")
        return self._stop(self.process, sig)

    def kill(self) -> int:
        """SIGKILL the server (no shutdown code runs) and reap it."""
        return self.send_signal(signal.SIGKILL)

    def terminate(self) -> int:
        """Stop the server gracefully with SIGTERM; returns its exit status."""
        return self.send_signal(signal.SIGTERM)

    def restart(self) -> None:
        """Stop the server if it runs, then start it again on the same port and db."""
        if self.process is not None and self.process.poll() is None:
            self.terminate()
        self.start(self.port)

    def control(self, *, key: str | None = None) -> EmulatorControl:
        """A control-surface client for this server."""
        return EmulatorControl(self.origin, key=key)

    def close(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and close the log."""
        try:
            if self.process is not None and self.process.poll() is None:
                # On a timeout _stop has already SIGKILLed it: nothing is left running.
                with contextlib.suppress(EmulatorProcessError):
                    self.terminate()
            if self.process is not None and self.process.stdout is not None:
                self.process.stdout.close()
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    with contextlib.suppress(ValueError, OSError):  # closed by close()
        for line in stream:
            lines.put(line)
    lines.put(None)


@contextlib.contextmanager
def serve_emulator(
    tmp_path: Path,
    *,
    db: str | Path | None = None,
    extra_args: Sequence[str] = (),
    start_timeout: float = START_TIMEOUT_S,
) -> Iterator[EmulatorProcess]:
    """Run ``odiac emulator serve --port 0`` in ``tmp_path`` for the ``with`` block.

    Args:
        tmp_path: Working directory of the server; its stderr goes to ``emulator.log`` there.
        db: SQLite file to keep state in (needed to survive :meth:`EmulatorProcess.restart`);
            None keeps state in memory.
        extra_args: More ``serve`` options, e.g. ``["--time-scale", "10"]``.
        start_timeout: Seconds to wait for the server's ready line.
    """
    emulator = EmulatorProcess(
        Path(tmp_path),
        db=str(db) if db is not None else ":memory:",
        extra_args=extra_args,
        start_timeout=start_timeout,
    )
    try:
        emulator.start()
        yield emulator
    finally:
        emulator.close()


class EmulatorControl:
    """Typed calls to the emulator's ``/_emulator/*`` control surface (gateway-api 3.13)."""

    def __init__(self, origin: str, *, key: str | None = None, timeout: float = 10.0) -> None:
        headers = {"X-Emulator-Key": key} if key else {}
        register(key)
        self._client = httpx.Client(base_url=origin.rstrip("/"), headers=headers, timeout=timeout)

    def __enter__(self) -> EmulatorControl:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying HTTP client."""
        self._client.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._client.request(method, f"/_emulator{path}", json=body)
        if response.status_code >= 300:
            raise EmulatorControlError(
                f"{method} /_emulator{path} -> {response.status_code}: {response.text[:500]}",
                status=response.status_code,
            )
        if not response.content:
            return None
        data = response.json()
        if isinstance(data, dict) and isinstance(data.get("api_key"), str):
            register(data["api_key"])
        return data

    def reset(self) -> None:
        """Wipe every row and counter and reset the clock."""
        self._call("POST", "/reset")

    def state(self) -> dict[str, Any]:
        """Dump of all rows (tokens as hashes)."""
        result: dict[str, Any] = self._call("GET", "/state")
        return result

    def advance(self, seconds: float) -> Any:
        """Jump the virtual clock forward, running due timers."""
        return self._call("POST", "/clock/advance", {"seconds": seconds})

    def configure(self, **settings: Any) -> Any:
        """Change behaviour settings (``latency_ms``, ``time_scale``, ``profile``...)."""
        return self._call("POST", "/config", settings)

    def fault(
        self, kind: str, *, count: int | None = None, match: dict[str, str] | None = None
    ) -> Any:
        """Inject the next outcome(s) of ``kind`` (e.g. ``build_fail``, ``http_503``)."""
        body: dict[str, Any] = {"kind": kind}
        if count is not None:
            body["count"] = count
        if match is not None:
            body["match"] = match
        return self._call("POST", "/faults", body)

    def requests(self) -> list[dict[str, Any]]:
        """The request log, oldest first (method, path, status, time)."""
        data = self._call("GET", "/requests")
        if isinstance(data, dict):  # tolerate an envelope
            data = data.get("requests", data.get("data", []))
        return list(data)

    def clear_requests(self) -> None:
        """Empty the request log."""
        self._call("POST", "/requests/clear")

    def create_user(self, email: str, *, plan: str | None = None) -> dict[str, Any]:
        """Create a user with a PAT: ``{"user_id", "email", "api_key"}``."""
        body: dict[str, Any] = {"email": email}
        if plan is not None:
            body["plan"] = plan
        result: dict[str, Any] = self._call("POST", "/users", body)
        return result

    def rotate_pat(self, user_id: str) -> dict[str, Any]:
        """Issue a new PAT for ``user_id``; the previous one stops working."""
        result: dict[str, Any] = self._call("POST", f"/users/{user_id}/rotate-pat")
        return result

    def bind_agent(self, agent_id: str, user_id: str) -> Any:
        """Bind a pending client agent to a user, as the dashboard would."""
        return self._call("POST", f"/agents/{agent_id}/bind", {"user_id": user_id})

    def revoke_agent(self, agent_id: str) -> Any:
        """Revoke a client agent; its token then gets 401."""
        return self._call("POST", f"/agents/{agent_id}/revoke")

    def git_repo(
        self, url: str, branches: Sequence[str], default_branch: str, *, private: bool = False
    ) -> Any:
        """Declare a Git repository fixture for Git validation."""
        body = {
            "url": url,
            "branches": list(branches),
            "default_branch": default_branch,
            "private": private,
        }
        return self._call("POST", "/git/repos", body)


def control(origin: str, *, key: str | None = None) -> EmulatorControl:
    """A control-surface client for the emulator at ``origin`` (no ``/api``)."""
    return EmulatorControl(origin, key=key)
