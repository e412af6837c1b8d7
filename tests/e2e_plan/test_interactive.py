"""Interactive ``odiac apply`` in a pseudo-terminal: it shows the plan and asks first."""

from __future__ import annotations

import os
import pty
import select
import time
from pathlib import Path

from helpers.e2e import odiac_env, spawn_odiac

from odiac.testing import EmulatorProcess

from .cli_kit import CONFIG, api, make_app

PROMPT = b"Apply these changes? [y/N]:"


def _interactive(
    app: Path, emulator: EmulatorProcess, token: str, answer: bytes
) -> tuple[int, str]:
    """Run ``odiac apply`` on a pty, answer the prompt, return (exit code, output)."""
    master, slave = pty.openpty()
    process = spawn_odiac(
        app,
        "apply",
        gateway=emulator.base_url,
        env=odiac_env(token, TERM="dumb"),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        text=False,
    )
    os.close(slave)
    output = b""
    answered = False
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
                if not answered and PROMPT in output:
                    os.write(master, answer + b"\n")
                    answered = True
            elif process.poll() is not None:
                break
        code = process.wait(timeout=30)
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    assert answered, output.decode(errors="replace")
    return code, output.decode(errors="replace")


def test_interactive_apply_shows_the_plan_and_applies_on_yes(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = make_app(tmp_path / "app", CONFIG.replace("cli-shop", "cli-tty"))
    code, output = _interactive(app, emulator, token, b"y")
    assert code == 0, output
    assert output.index("Plan: 3 to create") < output.index("Apply these changes?")
    assert "Apply: 7 done, 0 failed" in output
    assert "https://cli-tty-web.dev.opendeploy.run" in output


def test_interactive_apply_changes_nothing_on_no(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    app = make_app(tmp_path / "app", CONFIG.replace("cli-shop", "cli-tty-no"))
    code, output = _interactive(app, emulator, token, b"n")
    assert code == 1
    assert "apply cancelled; nothing was changed" in output
    with api(emulator, token) as client:
        assert client.get("/v1/projects/").json()["data"] == []
