"""``odiac init`` sizes the file for the credential apply will use.

Real ``odiac`` subprocesses on small fixture apps. With no credential or an
unclaimed (pending) agent the file stays within the anonymous limits (1 CPU,
1Gi memory, 1 replica, one service per project) and says so; with a token or a
claimed agent every service is written with the account defaults.
"""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path
from typing import Any

from helpers.e2e import run_odiac


def odiac(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run_odiac(cwd, *args, extra_env=dict(env))


def two_service_app(root: Path) -> Path:
    """A Flask web service and a Celery worker, sharing Redis."""
    root.mkdir(parents=True)
    (root / "requirements.txt").write_text("flask\ngunicorn\ncelery[redis]\n")
    (root / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    (root / "Procfile").write_text(
        "web: gunicorn app:app --bind 0.0.0.0:$PORT\nworker: celery -A app worker\n"
    )
    return root


def services(root: Path) -> dict[str, dict[str, object]]:
    data = tomllib.loads((root / "opendeploy.toml").read_text())
    return data["services"]


def test_no_credential_fits_the_anonymous_limits_and_parks_the_other_services(
    tmp_path: Path,
) -> None:
    app = two_service_app(tmp_path / "stack")
    done = odiac("init", ".", cwd=app)
    assert done.returncode == 0, done.stderr
    written = services(app)
    assert list(written) == ["web"], "one service per project for an unclaimed agent"
    assert (written["web"]["cpu"], written["web"]["memory"], written["web"]["replicas"]) == (
        "1",
        "1Gi",
        1,
    )
    text = (app / "opendeploy.toml").read_text()
    assert "# [services.worker]" in text, "the other service is written, commented out"
    assert "unclaimed agent's limits" in done.stdout
    assert "worker are written commented out" in done.stdout
    assert "OPENDEPLOY_TOKEN" in done.stdout
    assert odiac("validate", cwd=app).returncode == 0


def test_a_token_gets_every_service_with_account_sizes(tmp_path: Path) -> None:
    app = two_service_app(tmp_path / "stack")
    done = odiac(
        "--gateway",
        "http://127.0.0.1:9/api",
        "init",
        ".",
        cwd=app,
        OPENDEPLOY_TOKEN="od_k" + "CANARY" + "x" * 37,
    )
    assert done.returncode == 0, done.stderr
    written = services(app)
    assert set(written) == {"web", "worker"}
    assert all(s["cpu"] == "2" and s["memory"] == "4Gi" for s in written.values())
    assert "OPENDEPLOY_TOKEN is set" in done.stdout
    assert "CANARY" not in done.stdout + done.stderr + (app / "opendeploy.toml").read_text()


def test_the_flags_override_the_detection(tmp_path: Path) -> None:
    app = two_service_app(tmp_path / "stack")
    assert odiac("init", ".", "--account", cwd=app).returncode == 0
    assert set(services(app)) == {"web", "worker"}
    forced = odiac(
        "--gateway", "http://127.0.0.1:9/api", "init", ".", "--anonymous", "--force",
        cwd=app, OPENDEPLOY_TOKEN="od_k" + "y" * 43,
    )  # fmt: skip
    assert forced.returncode == 0, forced.stderr
    assert list(services(app)) == ["web"]


def test_pending_agent_stays_capped_until_claimed_then_gets_every_service(
    tmp_path: Path, emulator_server: Any
) -> None:
    """The credential is the saved agent: pending until bound, an account after.

    A server of its own: a gateway hands one machine a single anonymous agent a day,
    and other tests register theirs on the shared one."""
    with emulator_server(tmp_path / "server", extra_args=("--time-scale", "20")) as emulator:
        app = two_service_app(tmp_path / "stack")
        first = odiac("--gateway", emulator.base_url, "init", ".", cwd=app)
        assert "no credential yet" in first.stdout
        applied = odiac("apply", "--auto-approve", cwd=app)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        auth = json.loads((app / ".opendeploy" / "auth.json").read_text())

        pending = odiac("init", ".", "--force", cwd=app)
        assert pending.returncode == 0, pending.stderr
        assert "not claimed yet" in pending.stdout
        assert list(services(app)) == ["web"]

        ctl = emulator.control()
        user = ctl.create_user("owner@example.test")
        ctl.bind_agent(auth["agent_id"], user["user_id"])
        bound = odiac("init", ".", "--force", cwd=app)
        assert bound.returncode == 0, bound.stderr
        assert "belongs to an account" in bound.stdout
        assert set(services(app)) == {"web", "worker"}
        assert auth["api_key"] not in bound.stdout + bound.stderr
