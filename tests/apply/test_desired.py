"""The desired state: overlay, "auto" fields, secrets in memory, dependency env merge (§9.8)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from pydantic import SecretStr

from odiac import redact
from odiac.config.loader import load_config
from odiac.desired import build_desired, source_excludes
from odiac.errors import ConfigError, SecretError
from odiac.plan.inputs import FromDependency, LiteralValue, LiveDependency
from odiac.plugin.manager import PluginManager, get_plugin_manager

CONFIG = """
    version = 1
    [project]
    name = "shop"
    [dependencies.db]
    type = "postgres"
    [services.web]
    type = "web"
    port = 8000
    uses = ["db"]
    [services.web.env]
    LOG_LEVEL = "info"
    DB_PASSWORD = "literal-but-sensitive"
    DATABASE_URL = "postgres://override"
    STRIPE_KEY = { secret = "env:DESIRED_TEST_STRIPE" }
    [services.web.build_env]
    NPM_TOKEN = { secret = "env:DESIRED_TEST_NPM" }
    [environments.production.services.web]
    replicas = 3
"""


def _load(tmp_path: Path, text: str = CONFIG, environment: str = "staging"):  # type: ignore[no-untyped-def]
    path = tmp_path / "opendeploy.toml"
    path.write_text(textwrap.dedent(text).lstrip())
    return load_config(path, environment)


def _build(loaded, live=None, plugins: PluginManager | None = None):  # type: ignore[no-untyped-def]
    return build_desired(
        loaded.config,
        config_path=loaded.path,
        config_digest=loaded.digest,
        environment=loaded.environment,
        source=None,
        live_dependencies=live or {},
        plugins=plugins or get_plugin_manager(),
    )


@pytest.fixture(autouse=True)
def _secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESIRED_TEST_STRIPE", "sk-live-canary-77aa")
    monkeypatch.setenv("DESIRED_TEST_NPM", "npm-canary-88bb")


def test_secrets_resolve_in_memory_and_are_registered_for_redaction(tmp_path: Path) -> None:
    desired = _build(_load(tmp_path))
    stripe = desired.services["web"].env["STRIPE_KEY"]
    assert isinstance(stripe, LiteralValue)
    assert stripe.sensitive
    assert stripe.value.get_secret_value() == "sk-live-canary-77aa"
    assert redact.redact("key=sk-live-canary-77aa") == "key=[redacted]"
    assert redact.redact("npm-canary-88bb") == "[redacted]"
    dumped = desired.model_dump_json() + repr(desired)
    assert "sk-live-canary-77aa" not in dumped
    assert "npm-canary-88bb" not in dumped


def test_sensitive_keys_are_sensitive_even_when_literal_9_5(tmp_path: Path) -> None:
    env = _build(_load(tmp_path)).services["web"].env
    assert env["DB_PASSWORD"].sensitive
    assert not env["LOG_LEVEL"].sensitive


def test_dependency_env_then_user_overrides_9_8(tmp_path: Path) -> None:
    """Dependency keys are planner references; a key the user sets wins."""
    env = _build(_load(tmp_path)).services["web"].env
    assert isinstance(env["POSTGRES_PASSWORD"], FromDependency)
    assert env["POSTGRES_PASSWORD"].sensitive
    assert isinstance(env["DATABASE_URL"], LiteralValue)  # the user's override
    assert env["DATABASE_URL"].value.get_secret_value() == "postgres://override"


def test_dependency_keys_come_from_the_live_dependency_when_it_exists(tmp_path: Path) -> None:
    live = {
        "db": LiveDependency(
            id="d1",
            engine="postgres",
            env_vars={"DATABASE_URL": SecretStr("x"), "PGX": SecretStr("y")},
        )
    }
    env = _build(_load(tmp_path), live=live).services["web"].env
    references = sorted(k for k, v in env.items() if isinstance(v, FromDependency))
    assert references == ["PGX"]  # DATABASE_URL is the user's override


def test_environment_overlay_applies(tmp_path: Path) -> None:
    desired = _build(_load(tmp_path, environment="production"))
    assert desired.services["web"].replicas == 3
    assert desired.environment == "production"


def test_missing_secret_names_the_key_never_a_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DESIRED_TEST_STRIPE")
    with pytest.raises(SecretError) as info:
        _build(_load(tmp_path))
    assert "services.web.env.STRIPE_KEY" in str(info.value)
    assert "DESIRED_TEST_STRIPE" in str(info.value)


def test_auto_field_without_an_analyzer_asks_for_an_explicit_value(tmp_path: Path) -> None:
    text = CONFIG.replace("    port = 8000\n", '    port = 8000\n    framework = "auto"\n')
    loaded = _load(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        _build(loaded, plugins=_without_analyzers(get_plugin_manager()))
    message = str(info.value)
    assert "services.web.framework" in message
    assert "no framework analyzer is installed" in message
    assert "explicit value" in message


def _without_analyzers(full: PluginManager) -> PluginManager:
    """A manager with the secret backends of ``full`` and no analyzer at all."""
    from odiac.plugin import hookimpl

    bare = PluginManager()
    backends = full.secret_backends()

    class Secrets:
        @hookimpl
        def odiac_secret_backends(self):  # type: ignore[no-untyped-def]
            return backends

    bare.register(Secrets(), name="secrets-only", distribution="tests")
    return bare


def test_config_file_and_plan_files_stay_out_of_the_source(tmp_path: Path) -> None:
    loaded = _load(tmp_path)
    excludes = source_excludes(loaded.config, loaded.path, [tmp_path / "plan.json"])
    assert excludes[-2:] == ["/opendeploy.toml", "/plan.json"]


def test_auto_fields_are_filled_by_the_analyzers(tmp_path: Path) -> None:
    import shutil

    example = Path(__file__).resolve().parents[2] / "examples" / "flask-postgres"
    app = tmp_path / "app"
    shutil.copytree(example, app)
    config = app / "opendeploy.toml"
    text = config.read_text()
    text = text.replace('language = "python"', 'language = "auto"')
    text = text.replace('framework = "flask"', 'framework = "auto"')
    config.write_text(text)
    web = _build(load_config(config)).services["web"]
    assert (web.language, web.framework) == ("python", "flask")
