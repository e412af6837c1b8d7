"""``odiac init`` on every fixture app writes a file that ``odiac validate`` accepts.

Real subprocess-free CLI runs (click's runner) over copies of the fixture trees;
the written text is checked for what the analysis decided: normalised paths, no
local-orchestration glue, references, settings as plain values, commented volumes.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from odiac.cli import cli
from odiac.config.loader import load_config
from odiac.config.model import EnvRef, SecretRef

APPS = Path(__file__).resolve().parents[1] / "fixtures" / "apps"
NAMES = sorted(
    p.name
    for p in APPS.iterdir()
    if (p / "expected.toml").is_file()
    and not tomllib.loads((p / "expected.toml").read_text())["refused"]
)


def _init(name: str, tmp_path: Path) -> tuple[Path, str]:
    root = tmp_path / name
    shutil.copytree(APPS / name, root, ignore=shutil.ignore_patterns("expected.toml"))
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 0, result.output
    return root, (root / "opendeploy.toml").read_text()


@pytest.mark.parametrize("name", NAMES)
def test_init_output_validates(name: str, tmp_path: Path) -> None:
    """Item: init never writes a file that fails `odiac validate`."""
    root, _text = _init(name, tmp_path)
    result = CliRunner().invoke(cli, ["validate", "--config", str(root / "opendeploy.toml")])
    assert result.exit_code == 0, result.output


def test_docker_dir_app_is_written_from_the_root_without_wait_loops(tmp_path: Path) -> None:
    root, text = _init("django-docker-dir", tmp_path)
    web = load_config(root / "opendeploy.toml").config.services["web"]
    assert web.path == "."
    assert web.dockerfile == "docker/Dockerfile"
    assert web.start_command == "gunicorn shop.wsgi:application --bind 0.0.0.0:8000 --workers 3"
    assert "/dev/tcp" not in (web.start_command or "")
    assert "docker/.." not in text
    assert web.env["DB_HOST"] == EnvRef(ref="postgres.POSTGRES_HOST")
    assert web.env["DB_PASSWORD"] == EnvRef(ref="postgres.POSTGRES_PASSWORD")
    assert "EMAIL_HOST_PASSWORD" not in text, "commented-out code is not evidence"
    # the volume is a commented suggestion with its evidence, never a declaration
    assert "# [services.web.volumes.media]" in text
    assert '# mount_path = "/app/media"' in text
    assert "named volume media" in text
    assert not getattr(web, "volumes", None)


def test_settings_are_plain_and_references_name_the_injected_variable(tmp_path: Path) -> None:
    root, text = _init("express-env-validators", tmp_path)
    env = load_config(root / "opendeploy.toml").config.services["express-env-validators"].env
    assert env["MONGODB_URL"] == EnvRef(ref="mongodb.MONGODB_URI")
    assert env["JWT_SECRET"] == SecretRef(secret="env:JWT_SECRET")
    assert env["SMTP_PORT"] == "587"
    assert env["LOG_LEVEL"] == "info", "the code's fallback, not the template's example"
    for name in ("SERVER_NAME", "SMTP_PORT", "SMTP_USE_TLS", "LOG_LEVEL"):
        assert not isinstance(env.get(name), SecretRef), f"{name} is a setting, not a secret"
    assert "localhost" not in text, "template values are examples, never written"
    assert "STRIPE_SECRET_KEY" not in text
    assert "LEGACY_API_KEY" not in text


def test_sqlite_volume_is_suggested_at_its_directory(tmp_path: Path) -> None:
    _root, text = _init("flask-sqlite-volume", tmp_path)
    assert '# mount_path = "/var/lib/notes"' in text
    assert "SQLite database /var/lib/notes/notes.db" in text
    assert '# size = "1Gi"' in text


def test_serverless_sveltekit_adapter_gets_a_port_and_a_todo(tmp_path: Path) -> None:
    root, text = _init("sveltekit-vercel", tmp_path)
    service = load_config(root / "opendeploy.toml").config.services["sveltekit-vercel"]
    assert service.port == 3000
    assert "TODO(odiac): SvelteKit adapter 'vercel' cannot run as a server here" in text


def test_web_service_without_port_gets_a_todo_at_the_key(tmp_path: Path) -> None:
    """A web service is never written without a port silently."""
    root = tmp_path / "shop"
    shutil.copytree(APPS / "laravel-app", root, ignore=shutil.ignore_patterns("expected.toml"))
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 0, result.output
    lines = (root / "opendeploy.toml").read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("# port = "))
    assert "TODO(odiac): no HTTP listener found; set `port`" in lines[at - 1]
    assert "80 behind nginx" in lines[at - 1]
