"""The local claim page in a real browser: headless Chromium opens the printed claim URL,
signs in, submits, and the next plan shows the anonymous caps lifted.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
JSON messages ended by NUL on file descriptors 3 and 4), so no driver library is
needed. ``./dev test`` installs Chromium when it can (root with apt-get).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers.e2e import fast_local_gateway, run_odiac

from odiac.testing import serve_emulator

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


class Browser:
    """A headless Chromium and one page, over the DevTools pipe."""

    def __init__(self, profile: Path) -> None:
        binary = next((b for b in map(shutil.which, BROWSERS) if b), None)
        assert binary, "Chromium is required (./dev test installs it with apt-get)"
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()
        flags = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
        ]
        # The pipe ends become descriptors 3 and 4 of the browser, whatever their numbers here.
        wrapper = (
            "import os, sys\n"
            "a, b = os.dup(int(sys.argv[1])), os.dup(int(sys.argv[2]))\n"
            "os.dup2(a, 3)\nos.dup2(b, 4)\n"
            "os.set_inheritable(3, True)\nos.set_inheritable(4, True)\n"
            "os.execv(sys.argv[3], sys.argv[3:])\n"
        )
        self._process = subprocess.Popen(
            [sys.executable, "-c", wrapper, str(to_browser), str(from_browser), binary, *flags],
            pass_fds=(to_browser, from_browser),
            stdout=subprocess.DEVNULL,
            stderr=(profile.parent / "chromium.log").open("w"),
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        self.session = attached["sessionId"]
        self.call("Page.enable", session=True)

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, session: bool = False
    ) -> Any:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive(30)
            if reply.get("id") == self._next_id:
                assert "error" not in reply, reply
                return reply.get("result", {})
            self.events.append(reply)

    def _receive(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._read], [], [], max(left, 0))
            assert ready, "Chromium did not answer in time"
            chunk = os.read(self._read, 65536)
            assert chunk, "Chromium closed the pipe"
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(raw))

    def wait_for_load(self) -> None:
        """Until the page fires its load event (events seen earlier count)."""
        while True:
            for number, event in enumerate(self.events):
                if event.get("method") == "Page.loadEventFired":
                    del self.events[: number + 1]
                    return
            self.events.append(self._receive(30))

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True
        )
        return result["result"].get("value")

    def close(self) -> None:
        with contextlib.suppress(AssertionError):
            self.call("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._read)
        os.close(self._write)


def _odiac(app: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_odiac(app, *args, gateway="local", timeout=120)


def test_claim_page_in_a_real_browser_lifts_the_caps(tmp_path: Path) -> None:
    app = tmp_path / "flask"
    shutil.copytree(EXAMPLES / "flask-postgres", app, ignore=shutil.ignore_patterns(".opendeploy"))
    fast_local_gateway(app)
    applied = _odiac(app, "apply", "--auto-approve")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    match = re.search(r"^claim:\s+http://127\.0\.0\.1:8787(/claim/\S+)$", applied.stdout, re.M)
    assert match, applied.stdout
    config = app / "opendeploy.toml"
    config.write_text(config.read_text().replace("replicas = 1\n", "replicas = 2\n", 1))
    refused = _odiac(app, "plan")
    assert refused.returncode == 1
    assert "above the anonymous cap" in refused.stderr

    db = app / ".opendeploy" / "local-gateway.sqlite"
    with serve_emulator(tmp_path / "served", db=db) as emu:
        browser = Browser(tmp_path / "profile")
        try:
            browser.call("Page.navigate", {"url": emu.origin + match.group(1)}, session=True)
            browser.wait_for_load()
            assert browser.evaluate("document.title") == "Claim your client agent"
            browser.evaluate(
                "document.querySelector('input[name=email]').value = 'dev@example.test';"
                "document.querySelector('button[type=submit]').click(); true"
            )
            browser.wait_for_load()
            text = browser.evaluate("document.body.innerText")
        finally:
            browser.close()
    assert "Agent claimed" in text
    assert "dev@example.test" in text

    planned = _odiac(app, "plan")
    assert planned.returncode == 0, planned.stderr
    assert "replicas: 1 -> 2" in planned.stdout
