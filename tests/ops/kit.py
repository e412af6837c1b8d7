"""Test kit: run ``odiac`` as a user would, drive the gateway's raw API, mask output."""

from __future__ import annotations

import hashlib
import queue
import re
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
from helpers.e2e import (
    SOURCE,
    odiac_argv,
    odiac_env,
    reference_config,
    run_odiac,
    spawn_odiac,
    write_app,
)

from odiac.redact import register
from odiac.testing import EmulatorProcess

SECRET_VAR = "OPS_API_TOKEN"


@dataclass
class Live:
    """One test's user, app folder and project on a served emulator."""

    emu: EmulatorProcess
    name: str
    app: Path
    token: str = field(repr=False)
    secret: str = field(repr=False)
    http: httpx.Client = field(repr=False)

    @classmethod
    def for_test(cls, emu: EmulatorProcess, test_name: str, tmp_path: Path) -> Live:
        digest = hashlib.sha256(test_name.encode()).hexdigest()[:8]
        name = f"ops-{digest}"  # subdomains are global: unique per test id
        with emu.control() as control:
            token = str(control.create_user(f"{name}@example.test")["api_key"])
        secret = f"s3cret-{digest}-value"
        register(token)
        register(secret)
        http = httpx.Client(
            base_url=emu.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=15
        )
        config = reference_config(name, subdomain=name, secrets={"API_TOKEN": f"env:{SECRET_VAR}"})
        app = write_app(tmp_path / "app", config, {**SOURCE, "app.py": "print('v1')\n"}).parent
        return cls(emu=emu, name=name, app=app, token=token, secret=secret, http=http)

    def __enter__(self) -> Live:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    # -- the executable -------------------------------------------------------------

    def env(self) -> dict[str, str]:
        return odiac_env(self.token, **{SECRET_VAR: self.secret})

    def argv(self, *args: str) -> list[str]:
        return odiac_argv(*args, gateway=self.emu.base_url)

    def odiac(
        self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run odiac with no terminal (stdin is /dev/null); ``env`` replaces :meth:`env`."""
        return run_odiac(cwd or self.app, *args, gateway=self.emu.base_url, env=env or self.env())

    def spawn(self, *args: str, stdin: Any = subprocess.DEVNULL) -> subprocess.Popen[str]:
        return spawn_odiac(self.app, *args, gateway=self.emu.base_url, env=self.env(), stdin=stdin)

    def apply(self) -> None:
        done = self.odiac("apply", "--auto-approve")
        assert done.returncode == 0, done.stdout + done.stderr

    def apply_slowly(self, *, scale: float = 0.05) -> None:
        """Apply at full speed on the slow emulator, then slow its clock down again.

        Tests run one after another in a test process, which owns its emulators, so
        the temporary speed-up touches no other test.
        """
        with self.emu.control() as control:
            control.configure(time_scale=20)
            try:
                self.apply()
            finally:
                control.configure(time_scale=scale)

    # -- the raw API ------------------------------------------------------------------

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: Any = None) -> Any:
        response = self.http.post(path, json=body)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def project(self) -> dict[str, Any]:
        rows = self.get("/v1/projects/")["data"]
        return next(p for p in rows if p["name"] == self.name)

    def service(self, name: str = "web") -> dict[str, Any]:
        rows = self.get(f"/v1/projects/{self.project()['id']}/services/")["data"]
        return next(s for s in rows if s["name"] == name)

    def deployments(self, **filters: str) -> list[dict[str, Any]]:
        pid = self.project()["id"]
        return list(self.get(f"/v1/projects/{pid}/deployments", **filters)["data"])

    def start_deployment(self) -> dict[str, Any]:
        """A new deployment of the bound source, created through the raw API."""
        project, service = self.project(), self.service()
        newest = self.deployments()[0]
        body = {
            "project_id": project["id"],
            "service_id": service["id"],
            "source": "zip",
            "description": newest["description"],
        }
        return dict(self.post("/v1/deployments/", body))


def read_until(stream: IO[str], needle: str, timeout: float = 30.0) -> list[str]:
    """Text of ``stream`` up to the first ``needle`` (a prompt may end without a newline),
    split into lines."""
    chunks: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        seen = ""
        while needle not in seen:
            char = stream.read(1)
            if not char:
                chunks.put(None)
                return
            seen += char
            chunks.put(char)

    threading.Thread(target=pump, daemon=True).start()
    text = ""
    while needle not in text:
        try:
            char = chunks.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no {needle!r} within {timeout:.0f} s: {text}") from None
        if char is None:
            raise AssertionError(f"stream ended before {needle!r}: {text}")
        text += char
    return text.splitlines(keepends=True)


_MASKS = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<id>"),
    (re.compile(r"sha256:[0-9a-f]{12,64}"), "sha256:<digest>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"), "<time>"),
    (re.compile(r"\b\d+[smhd] (ago|old)\b"), r"<age> \1"),
    (re.compile(r"ops-[0-9a-f]{8}"), "<project>"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<port>"),
]


def mask(text: str) -> str:
    """Replace volatile values (ids, digests, times, ages, names, ports) by placeholders."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text
