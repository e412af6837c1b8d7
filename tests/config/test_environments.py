"""Environments as isolated stacks: overlay selection, project names and labels."""

from __future__ import annotations

import tomllib

import pytest

from odiac.config.schema import build_schema
from odiac.errors import UsageError
from tests.config.test_schema import _errors

BASE = """
    [project]
    name = "shop"

    [services.web]
    port = 8000
    subdomain = "shop"

    [environments.production]
    project = "shop-live"

    [environments.production.services.web]
    replicas = 3
    subdomain = "shop-live"

    [environments.qa.services.web]
    replicas = 2

    [environments."pr-*".services.web]
    cpu = "250m"
"""


def test_default_environment_keeps_the_base_project_and_label(load) -> None:
    loaded = load(BASE, None)
    assert (loaded.environment, loaded.default_environment) == ("staging", "staging")
    assert loaded.config.project.name == "shop"
    assert loaded.config.services["web"].subdomain == "shop"
    assert loaded.environments == ("staging", "production", "qa")


def test_explicit_project_and_label_of_an_overlay_win(load) -> None:
    loaded = load(BASE, "production")
    assert loaded.config.project.name == "shop-live"
    assert loaded.config.services["web"].subdomain == "shop-live"
    assert loaded.config.services["web"].replicas == 3


def test_other_environments_get_name_dash_env_and_a_derived_label(load) -> None:
    loaded = load(BASE, "qa")
    assert loaded.config.project.name == "shop-qa"
    assert loaded.config.services["web"].subdomain == "shop-qa"
    assert loaded.overlay_name == "qa"


def test_a_preview_takes_the_first_matching_pattern(load) -> None:
    loaded = load(BASE, "pr-42")
    assert loaded.overlay_name == "pr-*"
    assert loaded.config.project.name == "shop-pr-42"
    assert loaded.config.services["web"].subdomain == "shop-pr-42"
    assert loaded.config.services["web"].cpu == "250m"


def test_exact_name_beats_a_pattern(load) -> None:
    loaded = load(BASE + '\n    [environments.pr-1.services.web]\n    cpu = "2"\n', "pr-1")
    assert (loaded.overlay_name, loaded.config.services["web"].cpu) == ("pr-1", "2")


def test_an_environment_without_overlay_runs_the_base(load) -> None:
    loaded = load(BASE, "demo")
    assert loaded.overlay_name is None
    assert loaded.config.project.name == "shop-demo"
    assert loaded.config.services["web"].replicas is None
    assert loaded.warnings == ()


def test_the_default_environment_is_configurable(load) -> None:
    text = BASE.replace('name = "shop"', 'name = "shop"\n    default_environment = "qa"')
    loaded = load(text, None)
    assert (loaded.environment, loaded.config.project.name) == ("qa", "shop")
    assert loaded.config.services["web"].subdomain == "shop"
    staging = load(text, "staging")
    assert (staging.config.project.name, staging.environments[0]) == ("shop-staging", "qa")


@pytest.mark.parametrize(
    ("environment", "fragment"),
    [
        ("Prod", '"Prod" is not a valid environment name'),
        ("pr_1", '"pr_1" is not a valid environment name'),
        ("pr-*", "is a pattern; name one environment"),
        ("pr-" + "1" * 40, 'cannot form the subdomain of service "web"'),
        ("x" * 63, "cannot form a project name"),
    ],
)
def test_a_name_that_cannot_form_names_is_a_usage_error(load, environment, fragment) -> None:
    with pytest.raises(UsageError) as caught:
        load(BASE, environment)
    assert fragment in caught.value.message
    assert caught.value.exit_code == 64


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (
            '\n    [environments.prod]\n    project = "shop"\n',
            'environments "staging" and "prod" would share project "shop"',
        ),
        (
            '\n    [environments."pr-*".project]\n    name = "previews"\n',
            "a pattern overlay cannot name a project",
        ),
        (
            '\n    [environments."pr-*".services.web]\n    subdomain = "pr"\n',
            "a pattern overlay cannot fix a subdomain",
        ),
        (
            '\n    [environments.qa.project]\n    default_environment = "qa"\n',
            '"default_environment" cannot be set per environment',
        ),
    ],
)
def test_names_that_would_collide_are_refused(problems, extra, fragment) -> None:
    text = BASE.replace('[environments."pr-*".services.web]\n    cpu = "250m"\n', "")
    assert any(fragment in line for line in problems(text + extra, None)), problems(
        text + extra, None
    )


def test_schema_knows_default_environment_project_short_form_and_patterns() -> None:
    schema = build_schema()
    assert "default_environment" in schema["$defs"]["ProjectSection"]["properties"]
    assert "default_environment" not in schema["$defs"]["ProjectSectionOverlay"]["properties"]
    document = tomllib.loads(
        '[project]\nname = "a"\ndefault_environment = "production"\n'
        '[environments.production]\nproject = "a-live"\n'
        '[environments."pr-*".services.web]\nreplicas = 1\n'
    )
    assert _errors(schema, document, schema) == []
    bad = tomllib.loads('[project]\nname = "a"\n[environments."PR_*".services.web]\nreplicas = 1\n')
    assert _errors(schema, bad, schema) != []
