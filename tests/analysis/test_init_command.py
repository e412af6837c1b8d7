"""``odiac init``: writes a loadable, commented opendeploy.toml from the analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from odiac.cli import cli
from odiac.config.loader import load_config
from odiac.config.model import SecretRef

APP = {
    "package.json": json.dumps({"scripts": {"build": "next build", "start": "next start"}, "dependencies": {"next": "15", "pg": "8"}}),
    "package-lock.json": "{}",
    "app/page.js": "const s = process.env.STRIPE_SECRET_KEY; const l = process.env.LOG_LEVEL || 'info';"
    " const u = process.env.DATABASE_URL; const a = process.env.NEXTAUTH_URL;",
    ".env": "STRIPE_SECRET_KEY=sk_live_CANARY_999\n",
    ".gitignore": ".env\n",
}  # fmt: skip


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return _write(tmp_path / "shop", APP)


def test_init_writes_a_file_the_loader_accepts(app: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(app)])
    assert result.exit_code == 0, result.output
    text = (app / "opendeploy.toml").read_text()
    loaded = load_config(app / "opendeploy.toml")
    config = loaded.config
    assert config.project.name == "shop"
    assert config.dependencies["postgres"].type == "postgres"
    web = config.services["shop"]
    assert (web.port, web.framework, web.start_command, web.uses) == (
        3000,
        "nextjs",
        "npm run start",
        ["postgres"],
    )
    assert web.env["STRIPE_SECRET_KEY"] == SecretRef(secret="env:STRIPE_SECRET_KEY")
    assert web.env["LOG_LEVEL"] == "info"
    assert "DATABASE_URL" not in web.env, "injected by the dependency"
    assert "# TODO(odiac): NEXTAUTH_URL" in text, "late-bound URL left as a TODO (§7.4)"
    assert "# package.json" in text, "values carry their evidence"
    assert "sk_live_CANARY_999" not in text + result.output


def test_init_refuses_to_overwrite_without_force(app: Path) -> None:
    (app / "opendeploy.toml").write_text("# mine\n")
    result = CliRunner().invoke(cli, ["init", str(app)])
    assert result.exit_code == 1
    assert (app / "opendeploy.toml").read_text() == "# mine\n"
    assert "--force" in result.output
    forced = CliRunner().invoke(cli, ["init", str(app), "--force", "--name", "My Shop"])
    assert forced.exit_code == 0, forced.output
    assert load_config(app / "opendeploy.toml").config.project.name == "my-shop"


def test_init_json_prints_the_payload_and_writes_nothing(app: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(app), "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["framework"] == "nextjs"
    assert not (app / "opendeploy.toml").exists()


def test_init_explain_prints_the_ledger(app: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(app), "--explain"])
    assert result.exit_code == 0
    assert "shop: framework = nextjs  [package.json" in result.output
    assert "shop: dependency = postgres" in result.output


def test_ambiguous_port_becomes_a_commented_todo(tmp_path: Path) -> None:
    """§0.4: two candidate ports → no guess, a TODO comment instead."""
    root = _write(
        tmp_path / "amb",
        {
            "index.js": "x",
            "package.json": "{}",
            "Dockerfile": "FROM node\nEXPOSE 7000 7001\nCMD node index.js\n",
        },
    )
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 0, result.output
    text = (root / "opendeploy.toml").read_text()
    assert "# TODO(odiac): several candidate HTTP ports: 7000, 7001" in text
    assert load_config(root / "opendeploy.toml").config.services["amb"].port is None


def test_refused_analysis_writes_nothing(tmp_path: Path) -> None:
    """§11: a refused analysis stops with a one-sentence reason."""
    root = _write(tmp_path / "lib", {"pyproject.toml": '[project]\nname = "lib"\n'})
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 1
    assert "no runnable entrypoint" in result.output
    assert not (root / "opendeploy.toml").exists()


def test_multi_service_init_loads(tmp_path: Path) -> None:
    root = _write(tmp_path / "stack", {
        "requirements.txt": "flask\ngunicorn\ncelery[redis]\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "Procfile": "web: gunicorn app:app --bind 0.0.0.0:$PORT\nworker: celery -A app worker\n",
    })  # fmt: skip
    result = CliRunner().invoke(cli, ["init", str(root), "--account"])
    assert result.exit_code == 0, result.output
    services = load_config(root / "opendeploy.toml").config.services
    assert (services["web"].type, services["worker"].type) == ("web", "worker")
    assert services["worker"].uses == ["redis"]


def test_external_compose_services_are_named(tmp_path: Path) -> None:
    """§2.2: unsupported dependencies are reported for the user to supply."""
    root = _write(tmp_path / "q", {
        "package.json": json.dumps({"scripts": {"start": "node a.js"}, "dependencies": {"express": "4"}}),
        "a.js": "app.listen(3000)",
        "docker-compose.yml": "services:\n  web:\n    build: .\n    ports: ['3000:3000']\n  mq:\n    image: rabbitmq:3\n",
    })  # fmt: skip
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 0, result.output
    assert "external: mq (rabbitmq:3)" in result.output
    assert "# not built by OpenDeploy: mq (rabbitmq:3" in (root / "opendeploy.toml").read_text()
    assert list(load_config(root / "opendeploy.toml").config.services) == ["web"]


def test_gateway_option_is_written(app: Path) -> None:
    result = CliRunner().invoke(cli, ["--gateway", "https://gw.example.test/api", "init", str(app)])
    assert result.exit_code == 0, result.output
    assert load_config(app / "opendeploy.toml").config.gateway.url == "https://gw.example.test/api"


def test_shared_manifest_evidence_is_named_once(tmp_path: Path) -> None:
    """Two services from one package.json: each dependency's evidence appears once."""
    root = _write(tmp_path / "stack", {
        "package.json": json.dumps({"scripts": {"start": "node web.js"}, "dependencies": {"express": "4", "pg": "8", "redis": "4"}}),
        "package-lock.json": "{}",
        "Procfile": "web: node web.js\nworker: node worker.js\n",
        "web.js": "app.listen(process.env.PORT || 3000)\n", "worker.js": "loop()\n",
    })  # fmt: skip
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 0, result.output
    text = (root / "opendeploy.toml").read_text()
    assert 'type = "postgres" # package.json (dependency pg)\n' in text
    uses = 'uses = ["postgres", "redis"] # package.json (dependency pg); package.json (dependency redis)'
    assert text.count(uses) == 2, text
