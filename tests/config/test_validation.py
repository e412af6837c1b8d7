"""Single problems, each at its exact position, through the real loader."""

from __future__ import annotations

import pytest

from odiac.config.loader import load_config

HEAD = '[project]\nname = "shop"\n'


def test_missing_name_points_at_the_project_table(problems) -> None:
    assert problems('[project]\nregion = "us-east-1"\n') == [
        "opendeploy.toml:1:2 project.name: required key is missing"
    ]


def test_unsupported_version(problems) -> None:
    assert problems("version = 2\n" + HEAD) == [
        "opendeploy.toml:1:11 version: unsupported format version 2: this odiac reads version 1"
    ]


def test_unknown_top_level_key_suggests_the_section(problems) -> None:
    assert problems(HEAD + "[environment.production]\n") == [
        'opendeploy.toml:3:2 environment: unknown key "environment" (did you mean "environments"?)'
    ]


def test_unknown_key_without_close_match_lists_the_allowed_ones(problems) -> None:
    (text,) = problems(HEAD + '[gateway]\nendpoint = "local"\n')
    assert (
        text == 'opendeploy.toml:4:1 gateway.endpoint: unknown key "endpoint" (allowed here: url)'
    )


def test_git_token_must_be_a_secret_reference(problems) -> None:
    text = HEAD + '[source]\ngit = "https://g.example/r.git"\ntoken = "ghp_literal"\n'
    assert problems(text) == [
        "opendeploy.toml:5:9 source.token: expected a secret reference such as"
        ' { secret = "env:NAME" }, got a string'
    ]


def test_branch_without_git(problems) -> None:
    assert problems(HEAD + '[source]\nbranch = "main"\n') == [
        'opendeploy.toml:4:1 source.branch: "branch" needs "git"'
    ]


def test_cpu_request_above_limit(problems) -> None:
    text = HEAD + '[services.w]\ncpu = "500m"\ncpu_request = "0.6"\n'
    assert problems(text) == [
        'opendeploy.toml:5:15 services.w.cpu_request: cpu_request "0.6" is more than cpu "500m":'
        " a request may not exceed its limit"
    ]


@pytest.mark.parametrize(("request_", "limit"), [("1000m", "1"), ("1", "1000m"), ("1024Mi", "1Gi")])
def test_q20_equal_quantities_are_within_limits(load, request_: str, limit: str) -> None:
    """Q20: "1000m" is exactly one CPU and "1024Mi" exactly 1Gi."""
    kind = "memory" if request_.endswith(("i", "Gi")) else "cpu"
    loaded = load(HEAD + f'[services.w]\n{kind} = "{limit}"\n{kind}_request = "{request_}"\n')
    service = loaded.config.services["w"].model_dump()
    assert service[kind] == service[f"{kind}_request"]


def test_subdomain_taken_by_an_overlay_is_reported_at_the_overlay(problems) -> None:
    text = HEAD + (
        '[services.a]\nsubdomain = "shop"\n[services.b]\nsubdomain = "shop-b"\n'
        '[environments.production.services.b]\nsubdomain = "shop"\n'
    )
    assert problems(text, "production") == [
        'opendeploy.toml:8:13 environments.production.services.b.subdomain: subdomain "shop"'
        ' is already used by service "a"; subdomains are unique'
    ]


def test_combination_problem_names_the_environment(problems) -> None:
    """The overlay sets the limit; the base's request then exceeds it."""
    text = HEAD + (
        '[services.w]\nmemory_request = "1Gi"\n'
        '[environments.production.services.w]\nmemory = "512Mi"\n'
    )
    assert problems(text, "production") == [
        'opendeploy.toml:4:18 services.w.memory_request: memory_request "1Gi" is more than'
        ' memory "512Mi": a request may not exceed its limit (with environment "production")'
    ]


def test_q34_env_value_over_32_kib_is_refused_without_echo(problems) -> None:
    value = "v" * 32769
    (text,) = problems(HEAD + f'[services.w.env]\nBIG = "{value}"\nOK = "{"v" * 32768}"\n')
    assert (
        text
        == "opendeploy.toml:4:7 services.w.env.BIG: value is 32769 bytes of UTF-8 (at most 32768)"
    )


def test_q34_env_key_over_128_characters(problems) -> None:
    (text,) = problems(HEAD + f'[services.w.env]\n{"K" * 129} = "x"\n{"K" * 128} = "y"\n')
    assert text.startswith("opendeploy.toml:4:1 services.w.env.")
    assert text.endswith("environment variable name is 129 characters long (at most 128)")


def test_environments_must_be_tables_with_label_names(problems) -> None:
    assert problems("environments = 3\n" + HEAD) == [
        "opendeploy.toml:1:16 environments: expected a table, got an integer"
    ]
    assert problems(HEAD + "[environments.Prod.project]\nname = 'x'\n", "staging") == [
        'opendeploy.toml:3:15 environments.Prod: "Prod" is not a valid environment name: use 1-63'
        " lowercase letters, digits and '-', starting and ending with a letter or digit"
    ]


def test_overlay_cannot_hold_unknown_sections(problems) -> None:
    assert problems(HEAD + "[environments.production.servces.web]\nport = 1\n", "production") == [
        'opendeploy.toml:3:26 environments.production.servces: "servces" is not a section an'
        ' environment can override (did you mean "services"?)'
    ]


def test_overlay_keys_are_validated_like_the_base(problems) -> None:
    text = HEAD + "[services.w]\nport = 80\n[environments.production.services.w]\nprot = 81\n"
    assert problems(text, "production") == [
        'opendeploy.toml:6:1 environments.production.services.w.prot: unknown key "prot"'
        ' (did you mean "port"?)'
    ]


def test_env_value_table_must_be_a_secret_reference(problems) -> None:
    found = problems(HEAD + '[services.w.env]\nA = { value = "x" }\n')
    assert found == [
        "opendeploy.toml:4:1 services.w.env.A.secret: required key is missing",
        'opendeploy.toml:4:7 services.w.env.A.value: unknown key "value" (allowed here: secret)',
    ]


def test_uses_must_name_dns_labels_and_declared_dependencies(problems) -> None:
    found = problems(HEAD + '[dependencies.db]\ntype = "redis"\n[services.w]\nuses = ["DB"]\n')
    assert found[0].startswith(
        'opendeploy.toml:6:9 services.w.uses[0]: "DB" is not a valid dependency name'
    )
    assert found[1] == (
        'opendeploy.toml:6:9 services.w.uses[0]: unknown dependency "DB"; declared dependencies: "db"'
    )


def test_loaded_config_is_frozen(load) -> None:
    from pydantic import ValidationError

    config = load(HEAD).config
    with pytest.raises(ValidationError):
        config.project.name = "other"  # type: ignore[misc]


def test_same_file_loads_identically_twice(config_file) -> None:
    path = config_file(HEAD + '[services.w]\ncpu = "2000m"\n')
    assert load_config(path) == load_config(path)
