"""Only required secrets block the first plan; optional ones are written commented out.

``odiac init`` (a real subprocess) on a small Flask app that reads one secret
without a fallback (``API_TOKEN``, required) and one secret-shaped name it can do
without (``STRIPE_SECRET``, optional). The required one becomes an active
``{ secret = "env:API_TOKEN" }`` reference; the optional one is a commented line
in the same env table, which the user uncomments to opt in. ``odiac plan``
against the embedded local gateway then needs only the required secret.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from helpers.e2e import run_odiac

CANARY = "CANARY-optional-secrets-51c2"
OPTIONAL_LINE = (
    '# STRIPE_SECRET = { secret = "env:STRIPE_SECRET" }'
    "  # optional: read by app.py; uncomment to set it"
)
APP = """\
import os

from flask import Flask

app = Flask(__name__)
API_TOKEN = os.environ["API_TOKEN"]
STRIPE_SECRET = os.getenv("STRIPE_SECRET")
LOG_LEVEL = os.getenv("LOG_LEVEL", "info")


@app.get("/")
def index():
    return "ok"
"""


def shop(root: Path) -> Path:
    """One required secret, one optional secret, one optional setting with a default."""
    root.mkdir(parents=True)
    (root / "requirements.txt").write_text("flask\ngunicorn\n")
    (root / "app.py").write_text(APP)
    (root / "Procfile").write_text("web: gunicorn app:app --bind 0.0.0.0:$PORT\n")
    done = run_odiac(root, "init", ".")
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def test_init_writes_the_required_secret_active_and_the_optional_one_commented(
    tmp_path: Path,
) -> None:
    app = shop(tmp_path / "shop")
    text = (app / "opendeploy.toml").read_text()
    env = tomllib.loads(text)["services"]["web"]["env"]
    assert env["API_TOKEN"] == {"secret": "env:API_TOKEN"}
    assert "STRIPE_SECRET" not in env, "an optional secret is no active reference"
    assert env["LOG_LEVEL"] == "info", "an optional setting keeps its default"
    lines = text.splitlines()
    assert OPTIONAL_LINE in lines
    # it sits inside the service's env table, in name order with the active keys
    table = lines.index("[services.web.env]")
    assert table < lines.index(OPTIONAL_LINE)
    assert all(not line.startswith("[") for line in lines[table + 1 :])
    names = [line.lstrip("# ").split(" ", 1)[0] for line in lines[table + 1 :]]
    assert names == sorted(names) == ["API_TOKEN", "LOG_LEVEL", "STRIPE_SECRET"]


def test_a_commented_optional_secret_is_no_review_item(tmp_path: Path) -> None:
    app = shop(tmp_path / "shop")
    assert OPTIONAL_LINE in (app / "opendeploy.toml").read_text().splitlines()
    checked = run_odiac(app, "validate")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "STRIPE_SECRET" not in checked.stderr + checked.stdout
    assert "TODO(odiac): " not in OPTIONAL_LINE


def test_plan_needs_only_the_required_secret(tmp_path: Path) -> None:
    app = shop(tmp_path / "shop")
    missing = run_odiac(app, "plan", "--detailed-exitcode")
    assert missing.returncode == 1, missing.stdout + missing.stderr
    assert "API_TOKEN" in missing.stderr
    assert "STRIPE_SECRET" not in missing.stderr, "the optional secret never blocks plan"
    planned = run_odiac(app, "plan", "--detailed-exitcode", extra_env={"API_TOKEN": CANARY})
    assert planned.returncode == 2, planned.stdout + planned.stderr
    assert "+ service web" in planned.stdout
    assert "env.API_TOKEN" in planned.stdout
    assert "STRIPE_SECRET" not in planned.stdout
    assert CANARY not in planned.stdout + planned.stderr


def test_uncommenting_the_optional_secret_opts_in(tmp_path: Path) -> None:
    app = shop(tmp_path / "shop")
    path = app / "opendeploy.toml"
    assert OPTIONAL_LINE in path.read_text().splitlines()
    path.write_text(path.read_text().replace(OPTIONAL_LINE, OPTIONAL_LINE.removeprefix("# ")))
    only_required = run_odiac(app, "plan", "--detailed-exitcode", extra_env={"API_TOKEN": CANARY})
    assert only_required.returncode == 1, only_required.stdout + only_required.stderr
    assert "STRIPE_SECRET" in only_required.stderr
    both = run_odiac(
        app,
        "plan",
        "--detailed-exitcode",
        extra_env={"API_TOKEN": CANARY, "STRIPE_SECRET": CANARY + "-stripe"},
    )
    assert both.returncode == 2, both.stdout + both.stderr
    assert "env.STRIPE_SECRET" in both.stdout
    assert CANARY not in both.stdout + both.stderr


def test_the_analysis_still_reports_the_optional_secret(tmp_path: Path) -> None:
    """Only the written file changes: ``init --json`` lists both names as before."""
    app = shop(tmp_path / "shop")
    done = run_odiac(app, "init", ".", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    (web,) = payload.get("services", [payload])  # one service: the payload is flat
    found = {v["name"]: v["required"] for v in web["runtime_vars"]}
    assert found["API_TOKEN"] is True
    assert found["STRIPE_SECRET"] is False


def test_a_parked_service_keeps_its_optional_secret_commented_when_uncommented(
    tmp_path: Path,
) -> None:
    """An unclaimed agent's file comments out the second service; removing one ``# ``
    from each of its lines activates it with the required secret only."""
    app = tmp_path / "stack"
    app.mkdir()
    (app / "requirements.txt").write_text("flask\ngunicorn\ncelery[redis]\n")
    (app / "app.py").write_text(APP)
    (app / "Procfile").write_text(
        "web: gunicorn app:app --bind 0.0.0.0:$PORT\nworker: celery -A app worker\n"
    )
    done = run_odiac(app, "init", ".", "--anonymous")
    assert done.returncode == 0, done.stdout + done.stderr
    text = (app / "opendeploy.toml").read_text()
    head, parked = text.split("\n# [services.worker]\n")
    assert "worker" not in tomllib.loads(text)["services"]
    revived = (
        head
        + "\n[services.worker]\n"
        + "".join(f"{line.removeprefix('# ')}\n" for line in parked.splitlines())
    )
    worker = tomllib.loads(revived)["services"]["worker"]
    assert worker["env"]["API_TOKEN"] == {"secret": "env:API_TOKEN"}
    assert "STRIPE_SECRET" not in worker["env"]
    assert OPTIONAL_LINE in revived.splitlines()
