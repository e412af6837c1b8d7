"""Attacks on what ``odiac apply`` uploads, run with the real executable against
``odiac emulator serve``: links that smuggle excluded files under innocent names,
credentials of every common tool, a private key under any name, old plan files,
odiac's own redirected output (the documented CI line), and a stale saved plan
that must name the files that changed.

Every planted secret is a ``CANARY-`` value; the test reads every file the
emulator stored (archives unpacked) and every output, and none may hold one.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers.e2e import odiac_env, run_odiac, write_app

from odiac.testing import EmulatorProcess

PEM = (
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIB{canary}oAoGCCqGSM49AwEHoUQDQgAE\n"
    "-----END EC PRIVATE KEY-----\n"
)


class Project:
    """An app folder with its ``opendeploy.toml`` and an ``odiac`` runner."""

    def __init__(self, root: Path, emulator: EmulatorProcess, token: str, scan: Any) -> None:
        self.app = root / "app"
        self.app.mkdir()
        self.emulator = emulator
        self.token = token
        self.scan = scan
        self.canary = f"CANARY-{uuid.uuid4().hex[:12]}"
        self.before = set(self._stored())
        config = f"""
            version = 1
            [project]
            name = "up-{uuid.uuid4().hex[:8]}"
            [services.web]
            type = "web"
            port = 8000
        """
        write_app(self.app, config, {"app.py": "print('hi')\n", "requirements.txt": "flask\n"})

    def write(self, rel: str, text: str) -> Path:
        path = self.app / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def secret(self, rel: str, label: str) -> str:
        """Plant a file holding a unique canary; return the canary."""
        value = f"{self.canary}-{label}"
        self.write(rel, f"secret={value}\n")
        return value

    def env(self) -> dict[str, str]:
        return odiac_env(self.token)

    def odiac(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = run_odiac(
            self.app, *args, gateway=self.emulator.base_url, token=self.token, timeout=180
        )
        self.scan.add(f"stdout of odiac {' '.join(args)}", done.stdout)
        self.scan.add(f"stderr of odiac {' '.join(args)}", done.stderr)
        return done

    def shell(self, line: str) -> subprocess.CompletedProcess[str]:
        """Run ``line`` with bash in the app folder, as a CI step does."""
        done = subprocess.run(
            ["bash", "-c", line],
            cwd=self.app,
            env={
                **self.env(),
                "GW": self.emulator.base_url,
                "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            },
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        self.scan.add(f"stdout of {line}", done.stdout)
        self.scan.add(f"stderr of {line}", done.stderr)
        return done

    def _stored(self) -> list[Path]:
        data = Path(self.emulator.workdir) / "data"
        return sorted(p for p in data.rglob("*") if p.is_file() and not p.is_symlink())

    def uploaded(self) -> dict[str, str]:
        """Every file the emulator stored for this test (archives unpacked): name -> text."""
        found: dict[str, str] = {}
        for path in (p for p in self._stored() if p not in self.before):
            raw = path.read_bytes()
            found[str(path)] = raw.decode("utf-8", "replace")
            if raw[:2] == b"PK":
                with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                    for name in archive.namelist():
                        found[f"{path}!{name}"] = archive.read(name).decode("utf-8", "replace")
        return found


@pytest.fixture
def project(tmp_path: Path, emulator: EmulatorProcess, token: str, leak_scan: Any) -> Project:
    return Project(tmp_path, emulator, token, leak_scan)


def _archived_names(project: Project) -> set[str]:
    return {k.split("!", 1)[1] for k in project.uploaded() if "!" in k}


def test_links_to_excluded_and_sensitive_files_are_left_out_and_named(project: Project) -> None:
    project.secret(".env", "dotenv")
    project.secret("build/token.txt", "excluded-dir")
    project.secret("notes.log", "gitignored")
    project.write(".gitignore", "*.log\n")
    project.write(".opendeploy/auth.json", '{"version": 1, "api_key": "' + project.canary + '-k"}')
    outside = project.app.parent / "outside.txt"
    outside.write_text(f"{project.canary}-outside\n")
    (project.app / "settings.txt").symlink_to(".env")
    (project.app / "creds.json").symlink_to(".opendeploy/auth.json")
    (project.app / "static.txt").symlink_to("build/token.txt")
    (project.app / "readme.txt").symlink_to("notes.log")
    (project.app / "host.txt").symlink_to(outside)
    os.link(project.app / ".env", project.app / "hard.txt")  # a hard link is the same file

    done = project.odiac("apply", "--auto-approve")
    assert done.returncode == 0, done.stdout + done.stderr
    names = _archived_names(project)
    assert "app.py" in names
    for smuggler in ("settings.txt", "creds.json", "static.txt", "readme.txt", "host.txt"):
        assert smuggler not in names
    assert "hard.txt" not in names
    out = done.stdout + done.stderr
    assert "settings.txt (a link to .env)" in out
    assert "creds.json (a link to .opendeploy/auth.json)" in out
    assert "hard.txt (a hard link to a sensitive file)" in out
    assert "left out static.txt: a link to build/token.txt, which is excluded" in out
    assert "left out readme.txt: a link to notes.log, which is excluded" in out
    assert "left out host.txt: a link to a file outside the source folder" in out
    for where, text in project.uploaded().items():
        project.scan.add(f"emulator file {where}", text)


SENSITIVE = (
    ".git-credentials",
    ".aws/credentials",
    ".ssh/id_ecdsa",
    ".ssh/id_dsa",
    ".ssh/id_work",
    ".pgpass",
    ".docker/config.json",
    "infra/terraform.tfstate",
    ".envrc",
    "certs/client.p12",
    "certs/client.pfx",
    "certs/keys.jks",
    "release.keystore",
    "putty.ppk",
    "admin/.htpasswd",
)


def test_credentials_of_common_tools_and_private_keys_by_content_are_never_uploaded(
    project: Project,
) -> None:
    for index, rel in enumerate(SENSITIVE):
        project.secret(rel, f"s{index}")
    project.write("config/signing.txt", "header\n" + PEM.format(canary=project.canary))
    project.write(".ssh/id_work.pub", "ssh-ed25519 AAAA public\n")

    planned = project.odiac("plan")
    assert planned.returncode == 0, planned.stderr
    lines = [line for line in planned.stderr.splitlines() if "sensitive" in line]
    assert len(lines) == 1, planned.stderr  # one line, however many files
    assert f"left out {len(SENSITIVE) + 1} sensitive files, never uploaded: " in lines[0]
    assert "and 11 more" in lines[0]

    done = project.odiac("apply", "--auto-approve")
    assert done.returncode == 0, done.stdout + done.stderr
    names = _archived_names(project)
    assert "app.py" in names
    assert ".ssh/id_work.pub" in names
    assert not set(SENSITIVE) & names
    assert "config/signing.txt" not in names
    for where, text in project.uploaded().items():
        project.scan.add(f"emulator file {where}", text)


def test_old_plan_files_under_any_name_are_never_source(project: Project) -> None:
    first = project.odiac("plan", "-o", "plan.json")
    assert first.returncode == 0, first.stderr
    (project.app / "plan.json").rename(project.app / "reviewed-plan.txt")
    rendered = project.odiac("plan", "--json")
    assert rendered.returncode == 0, rendered.stderr
    assert rendered.stdout.startswith('{\n  "format_version"'), rendered.stdout[:200]
    project.write("plan-output.json", rendered.stdout)
    again = project.odiac("plan", "-o", "plan.json")
    assert again.returncode == 0, again.stderr
    applied = project.odiac("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    names = _archived_names(project)
    assert {"reviewed-plan.txt", "plan-output.json", "plan.json"}.isdisjoint(names)
    # Another plan file written now changes nothing: the source is the same.
    third = project.odiac("plan", "-o", "other.json", "--detailed-exitcode")
    assert third.returncode == 0, third.stdout + third.stderr


def test_the_documented_ci_line_is_not_stale_because_of_its_own_output(project: Project) -> None:
    """`odiac apply --json plan.json > apply-events.jsonl` in the checkout: the shell
    creates the events file before odiac starts; it is odiac's output, not source."""
    planned = project.shell("odiac --gateway $GW plan -o plan.json")
    assert planned.returncode == 0, planned.stderr
    applied = project.shell(
        "odiac --gateway $GW apply --json plan.json > apply-events.jsonl 2> apply-errors.txt"
    )
    events = (project.app / "apply-events.jsonl").read_text()
    errors = (project.app / "apply-errors.txt").read_text()
    project.scan.add("apply-events.jsonl", events)
    project.scan.add("apply-errors.txt", errors)
    assert applied.returncode == 0, events + errors
    assert '"type": "summary"' in events or '"summary"' in events
    assert "stale" not in errors
    # The drift job (a fresh checkout) writes its report into the checkout too.
    for name in ("apply-events.jsonl", "apply-errors.txt"):
        (project.app / name).unlink()
    drift = project.shell(
        "odiac --gateway $GW plan --detailed-exitcode --format markdown > plan.md 2> plan-err.txt"
    )
    report = (project.app / "plan.md").read_text()
    project.scan.add("plan.md", report)
    assert drift.returncode == 0, report + (project.app / "plan-err.txt").read_text()


def test_a_stale_plan_names_the_files_that_changed(project: Project) -> None:
    for index in range(12):
        project.write(f"src/m{index:02}.py", f"x = {index}\n")
    project.write("NOTES.md", "notes\n")
    planned = project.odiac("plan", "-o", "plan.json")
    assert planned.returncode == 0, planned.stderr
    project.write("app.py", "print('changed')\n")
    project.write("new_module.py", "y = 1\n")
    (project.app / "NOTES.md").unlink()
    refused = project.odiac("apply", "plan.json")
    assert refused.returncode != 0
    message = refused.stderr
    assert "is stale" in message
    assert "added new_module.py" in message
    assert "removed NOTES.md" in message
    assert "modified app.py" in message
    assert "sha256:" not in message

    for index in range(12):
        project.write(f"src/m{index:02}.py", f"x = {index + 1}\n")
    many = project.odiac("apply", "plan.json")
    assert many.returncode != 0
    assert "and 5 more" in many.stderr  # 15 changes, the first ten named
    plan_text = (project.app / "plan.json").read_text()
    assert "print(" not in plan_text  # digests of files, never their contents
