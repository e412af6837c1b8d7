"""docs/environments.md is executed, not parsed: its file and every command it shows run.

The ``toml`` block becomes ``opendeploy.toml`` of an app; each ``odiac`` line of the
``sh`` blocks runs, in order, against ``odiac emulator serve`` and must succeed. An
interactive ``odiac destroy`` runs on a pseudo-terminal and is answered by typing
the project name, as the page says.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shlex
import time
from pathlib import Path

from helpers.e2e import bearer_client, make_app, odiac_env, run_odiac, spawn_odiac

from odiac.testing import EmulatorProcess

DOC = Path(__file__).resolve().parents[2] / "docs" / "environments.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)
PROMPT = b"to delete it:"


def _blocks(kind: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(DOC.read_text()) if lang == kind]


def _commands() -> list[list[str]]:
    commands = []
    for body in _blocks("sh"):
        for line in body.splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                commands.append(shlex.split(line))
    return commands


def _typed(app: Path, emulator: EmulatorProcess, token: str, args: list[str], answer: str) -> int:
    """Run ``odiac`` on a pty and type ``answer`` at the destroy prompt."""
    master, slave = pty.openpty()
    process = spawn_odiac(
        app,
        *args,
        gateway=emulator.base_url,
        env=odiac_env(token, TERM="dumb"),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        text=False,
    )
    os.close(slave)
    output, answered = b"", False
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
                if not answered and PROMPT in output:
                    os.write(master, answer.encode() + b"\n")
                    answered = True
            elif process.poll() is not None:
                break
        code = process.wait(timeout=30)
    finally:
        os.close(master)
    assert answered, output.decode(errors="replace")
    return code


def test_the_page_shows_commands_and_one_file() -> None:
    commands = _commands()
    assert len(_blocks("toml")) == 1
    assert ["odiac", "destroy", "--env", "pr-42"] in commands
    assert ["odiac", "plan", "--all-envs", "--detailed-exitcode"] in commands
    assert all(command[0] == "odiac" for command in commands)


def test_every_command_of_the_page_runs(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    (config,) = _blocks("toml")
    # The live project the import section brings in: same source, its own label.
    legacy = config.replace('"shop"', '"shop-legacy"').split("[environments")[0]
    gateway = emulator.base_url
    legacy_app = make_app(tmp_path / "legacy", legacy)
    applied = run_odiac(legacy_app, "apply", "--auto-approve", gateway=gateway, token=token)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    app = make_app(tmp_path / "shop", config)
    for command in _commands():
        args = command[1:]
        if args[0] == "destroy" and "--auto-approve" not in args:
            code = _typed(app, emulator, token, args, "shop-pr-42")
        else:
            result = run_odiac(app, *args, gateway=gateway, token=token)
            code = result.returncode
            assert "Traceback" not in result.stderr
        assert code == 0, f"{shlex.join(command)} exited {code}"
    with bearer_client(gateway, token) as client:
        names = {p["name"] for p in client.get("/v1/projects/").json()["data"]}
    # The preview was created and destroyed; the others are untouched.
    assert names == {"shop", "shop-live", "shop-legacy"}
