"""Loading opendeploy.toml: normalisation, overlays, locations and the public contract."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from odiac.config.diagnostics import Location
from odiac.config.loader import load_config
from odiac.config.model import DEFAULT_GATEWAY, SecretRef
from odiac.errors import ConfigError

BASE = """
    [project]
    name = "shop"

    [dependencies.db]
    type = "postgres"

    [services.web]
    port = 8000
    cpu = "1000m"
    cpu_request = "0.25"
    memory = "1024Mi"
    memory_request = "524288Ki"
    uses = ["db"]
    subdomain = "shop-staging"
    env = { LOG_LEVEL = "info", API_TOKEN = { secret = "env:API_TOKEN" } }

    [environments.production.services.web]
    replicas = 3
    subdomain = "shop"
    env = { LOG_LEVEL = "warning" }
"""


def test_quantities_are_normalised(load) -> None:
    web = load(BASE).config.services["web"]
    assert (web.cpu, web.cpu_request) == ("1", "250m")
    assert (web.memory, web.memory_request) == ("1Gi", "512Mi")


def test_numeric_cpu_is_accepted_and_bare_memory_is_not(load, problems) -> None:
    loaded = load('[project]\nname = "a"\n[services.w]\ncpu = 2\ncpu_request = 0.5\n')
    assert (loaded.config.services["w"].cpu, loaded.config.services["w"].cpu_request) == (
        "2",
        "500m",
    )
    (text,) = problems('[project]\nname = "a"\n[services.w]\nmemory = 512\n')
    assert text.startswith(
        "opendeploy.toml:4:10 services.w.memory: write memory as a quoted quantity"
    )


def test_defaults_without_overlay(load) -> None:
    loaded = load(BASE)
    config = loaded.config
    assert loaded.environment == "staging"
    assert config.gateway.url == DEFAULT_GATEWAY
    assert config.source.path is None
    assert config.source.exclude == []
    web = config.services["web"]
    assert (web.type, web.path, web.replicas, web.subdomain) == ("web", ".", None, "shop-staging")
    assert web.env == {"LOG_LEVEL": "info", "API_TOKEN": SecretRef(secret="env:API_TOKEN")}
    assert web.env["API_TOKEN"].scheme == "env"  # type: ignore[union-attr]
    assert web.env["API_TOKEN"].ref == "API_TOKEN"  # type: ignore[union-attr]
    assert config.environments == {}


def test_production_overlay_is_deep_merged(load) -> None:
    web = load(BASE, "production").config.services["web"]
    assert (web.replicas, web.subdomain, web.port, web.uses) == (3, "shop", 8000, ["db"])
    # Tables merge key by key: the secret of the base survives the overlay's env table.
    assert web.env == {"LOG_LEVEL": "warning", "API_TOKEN": SecretRef(secret="env:API_TOKEN")}


def test_overlay_arrays_replace_the_base(load) -> None:
    text = BASE + '\n    [environments.production.dependencies.cache]\n    type = "redis"\n'
    text = text.replace('env = { LOG_LEVEL = "warning" }', 'uses = ["cache"]')
    config = load(text, "production").config
    assert config.services["web"].uses == ["cache"]
    assert set(config.dependencies) == {"db", "cache"}


def test_digest_is_sha256_of_the_file_bytes(load) -> None:
    loaded = load(BASE)
    assert (
        loaded.digest
        == "sha256:" + hashlib.sha256(Path("opendeploy.toml").read_bytes()).hexdigest()
    )
    assert loaded.path == Path("opendeploy.toml")


def test_locate_prefers_the_overlay_that_set_the_value(load) -> None:
    staging, production = load(BASE), load(BASE, "production")
    at = "opendeploy.toml"
    assert staging.locate(("services", "web", "subdomain")) == Location(at, 14, 13)
    assert production.locate(("services", "web", "subdomain")) == Location(at, 19, 13)
    assert production.locate(("services", "web", "cpu")) == Location(at, 9, 7)
    assert production.locate(("services", "web", "uses", 0)) == Location(at, 13, 9)
    assert production.locate(("services", "web", "dockerfile")) is None


def test_staging_without_overlay_runs_the_base_even_when_others_exist(load) -> None:
    assert load(BASE, "staging").config.services["web"].replicas is None


def test_any_environment_runs_the_base_when_the_file_has_no_overlays(load) -> None:
    text = '[project]\nname = "a"\n'
    assert load(text, "qa").environment == "qa"


def test_an_environment_without_overlay_runs_the_base_and_a_near_miss_is_a_warning(
    load,
) -> None:
    loaded = load(BASE, "prod")
    assert loaded.config.services["web"].replicas is None  # the base, not production's 3
    assert [str(w) for w in loaded.warnings] == [
        'opendeploy.toml:17:2 environments: warning: environment "prod" has no overlay:'
        ' the base applies (did you mean "production"?)'
    ]


def test_base_may_leave_out_what_every_overlay_provides(load, problems) -> None:
    text = """
        [services.web]
        port = 80
        [environments.staging.project]
        name = "shop-staging"
        [environments.production.project]
        name = "shop"
    """
    assert load(text, "production").config.project.name == "shop"
    assert load(text, "staging").config.project.name == "shop-staging"


def test_staging_without_overlay_needs_a_complete_base(problems) -> None:
    text = """
        [services.web]
        port = 80
        [environments.production.project]
        name = "shop"
    """
    assert problems(text, "staging") == ["opendeploy.toml:1:1 project: required table is missing"]


def test_overlay_missing_a_required_key_names_the_environment(problems) -> None:
    text = """
        [services.web]
        port = 80
        [environments.production.project]
        name = "shop"
        [environments.staging.services.web]
        port = 81
    """
    assert problems(text, "production") == [
        'opendeploy.toml:1:1 project: required table is missing (with environment "staging")'
    ]


def test_overrides_apply_last_and_are_reported_as_such(load, problems) -> None:
    loaded = load(BASE, overrides={"gateway.url": "local"})
    assert loaded.config.gateway.url == "local"
    assert problems(BASE, overrides={"gateway.url": "https://x.example/"}) == [
        '<overrides> gateway.url: "https://x.example/" is not a gateway URL: use "local"'
        ' or an http(s) URL ending in /api, e.g. "https://dashboard.dev.opendeploy.dev/api"'
    ]


def test_warnings_do_not_fail_loading(load) -> None:
    loaded = load(
        '[project]\nname = "a"\n[services.w.env]\nDB_PASSWORD = "hunter2hunter2"\nPORT = "80"\n'
    )
    (warning,) = loaded.warnings
    assert warning.severity == "warning"
    assert warning.key_path == ("services", "w", "env", "DB_PASSWORD")
    assert (warning.line, warning.column) == (4, 15)
    assert str(warning).startswith("opendeploy.toml:4:15 services.w.env.DB_PASSWORD: warning: ")
    assert "hunter2" not in str(warning)
    assert '{ secret = "env:DB_PASSWORD" }' in str(warning)


def test_empty_sensitive_literal_is_not_a_warning(load) -> None:
    assert load('[project]\nname = "a"\n[services.w.env]\nDB_PASSWORD = ""\n').warnings == ()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.toml")
    (diagnostic,) = caught.value.diagnostics
    assert str(diagnostic).startswith(f"{tmp_path / 'nope.toml'}: file not found; run `odiac init`")
    assert caught.value.exit_code == 1


def test_toml_syntax_error_keeps_the_parser_position(problems) -> None:
    assert problems('[project]\nname = "a"\nport = \n') == [
        "opendeploy.toml:3:8: invalid TOML: Invalid value"
    ]


def test_toml_syntax_error_at_end_of_document(problems) -> None:
    (text,) = problems('[project]\nname = "a')
    assert text.startswith("opendeploy.toml:2:")
    assert "invalid TOML" in text


def test_not_utf8(config_file) -> None:
    path = config_file("")
    path.write_bytes(b'[project]\nname = "\xff"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert [str(d) for d in caught.value.diagnostics] == [
        "opendeploy.toml:2:9: the file is not valid UTF-8"
    ]


def test_error_message_counts_problems(diagnose, config_file) -> None:
    config_file('[project]\nname = "A"\n[services.w]\nport = 0\n')
    with pytest.raises(ConfigError) as caught:
        load_config(Path("opendeploy.toml"))
    assert caught.value.message == "opendeploy.toml is invalid (2 errors)"
