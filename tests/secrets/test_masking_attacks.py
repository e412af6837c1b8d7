"""Masking attacks through the ``odiac`` executable against ``odiac emulator serve``:
secrets whose JSON form differs from the raw value (non-ASCII, quotes, backslashes,
control characters) in ``-vv`` traffic; one line of a multi-line secret printed by
the app; gateway log lines carrying terminal control sequences; and secrets the
gateway would refuse (not UTF-8, over 32 KiB), which must fail the plan, naming the
key path, before anything is uploaded.

Every canary starts with an ASCII ``CANARY-<kind>-<id>-`` part, so the leak scan
finds it in any encoding that keeps that part.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from helpers.e2e import run_odiac, write_app

from odiac.testing import EmulatorProcess

RAW_TERMINAL = ("\x1b]0;", "\x07", "\x1b[2J", "\x1b")


class App:
    def __init__(self, root: Path, emulator: EmulatorProcess, token: str, scan: Any) -> None:
        self.app = root / "app"
        self.vault = root / "vault"
        self.app.mkdir()
        self.vault.mkdir()
        self.emulator = emulator
        self.token = token
        self.scan = scan
        run = uuid.uuid4().hex[:8]
        self.quoted = f'CANARY-quoted-{run}-ünï "q" back\\slash \u2603'
        self.control = f"CANARY-control-{run}-a\tb\x01c\x7f"
        self.lines = [f"CANARY-line1-{run}-aaaaaaaa", f"CANARY-line2-{run}-bbbbbbbb"]
        multi = self.vault / "multi.txt"
        multi.write_text("\n".join(["-----BEGIN TEST-----", *self.lines, "-----END TEST-----"]))
        multi.chmod(0o600)
        config = f"""
            version = 1
            [project]
            name = "mask-{run}"
            [services.web]
            type = "web"
            port = 8000
            [services.web.env]
            QUOTED = {{ secret = "env:ODIAC_T_QUOTED" }}
            CONTROL = {{ secret = "env:ODIAC_T_CONTROL" }}
            MULTI = {{ secret = "file:{multi}" }}
        """
        write_app(self.app, config, {"app.py": "print('hi')\n", "requirements.txt": "flask\n"})

    def odiac(
        self, *args: str, env: dict[str, str | bytes] | None = None
    ) -> subprocess.CompletedProcess[str]:
        extra: dict[str, str | bytes] = {
            "ODIAC_T_QUOTED": self.quoted,
            "ODIAC_T_CONTROL": self.control,
            **(env or {}),
        }
        done = run_odiac(
            self.app,
            *args,
            gateway=self.emulator.base_url,
            token=self.token,
            extra_env=extra,
            timeout=180,
            errors="replace",
        )
        self.scan.add(f"stdout of odiac {' '.join(args)}", done.stdout)
        self.scan.add(f"stderr of odiac {' '.join(args)}", done.stderr)
        return done


@pytest.fixture
def app(tmp_path: Path, emulator: EmulatorProcess, token: str, leak_scan: Any) -> App:
    return App(tmp_path, emulator, token, leak_scan)


def test_every_encoding_of_a_secret_is_masked_in_traffic_and_logs(app: App) -> None:
    first = app.odiac("-vv", "apply", "--auto-approve")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "http: -> " in first.stderr  # traffic was logged (and scanned)
    shown = app.odiac("-vv", "plan")
    assert shown.returncode == 0, shown.stderr

    # The app prints one line of the multi-line secret and hostile terminal codes.
    boot = f"boot failed: key line {app.lines[1]} \x1b]0;owned-title\x07\x1b[2J after-clear\n"
    (app.app / "OPENDEPLOY_EMULATOR_FAIL_DEPLOY").write_text(boot)
    failed = app.odiac("-vv", "apply", "--auto-approve", "--follow-logs")
    assert failed.returncode == 1
    output = failed.stdout + failed.stderr
    assert "boot failed: key line [redacted]" in output
    assert "after-clear" in output  # the line was shown, its control codes escaped
    for args in (("logs", "web"), ("logs", "web", "--json"), ("-vv", "status")):
        done = app.odiac(*args)
        output += done.stdout + done.stderr
    for code in RAW_TERMINAL:
        assert code not in output
    for line in app.lines:
        assert line not in output


def test_a_secret_that_is_not_utf8_fails_the_plan_naming_the_key(app: App) -> None:
    bad = os.fsencode(f"CANARY-bytes-{uuid.uuid4().hex[:6]}-") + b"\xff\xfe"
    app.emulator.control().clear_requests()
    done = app.odiac("plan", env={"ODIAC_T_QUOTED": bad})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "services.web.env.QUOTED" in done.stderr
    assert "not valid UTF-8" in done.stderr


def test_a_secret_over_32_kib_fails_the_plan_before_any_upload(app: App) -> None:
    huge = f"CANARY-huge-{uuid.uuid4().hex[:6]}-" + "x" * (32 * 1024)
    app.emulator.control().clear_requests()
    planned = app.odiac("plan", env={"ODIAC_T_CONTROL": huge})
    assert planned.returncode == 1, planned.stdout + planned.stderr
    assert "services.web.env.CONTROL" in planned.stderr
    assert "at most 32768 bytes" in planned.stderr
    applied = app.odiac("apply", "--auto-approve", env={"ODIAC_T_CONTROL": huge})
    assert applied.returncode == 1
    assert "services.web.env.CONTROL" in applied.stderr
    methods = {r["method"] for r in app.emulator.control().requests()}
    assert methods <= {"GET"}  # nothing was created or uploaded
