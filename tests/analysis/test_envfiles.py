"""Env-file parsing and classification (analysis-rules §1.5, §7.2, §7.3)."""

from __future__ import annotations

import pytest

from odiac.analysis.envfiles import (
    classify_env_file,
    is_placeholder,
    is_platform_name,
    is_secret_name,
    parse_env_file,
)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        (".env.example", "template"), (".env.sample", "template"), (".env.template", "template"),
        (".env.dist", "template"), (".env.production.example", "template"),
        (".env.docker-sample", "template"), ("env.example", None), ("config.example.yml", None),
        (".env", "real"), (".env.production", "real"), (".env.local", "local"),
        (".env.production.local", "local"), (".flaskenv", "tool"), (".envrc", "tool"),
    ],
)  # fmt: skip
def test_classification(name: str, kind: str | None) -> None:
    """§1.5 template pattern; no other file is a template."""
    assert classify_env_file(name) == kind


def test_parsing_rules() -> None:
    """§1.5: export, quotes, trailing comments, commented keys are optional."""
    text = (
        "export A=1\n"
        "B='x # y'\n"
        'C="quoted"\n'
        "D=plain # comment\n"
        "# SENTRY_DSN=\n"
        "# just a comment\n"
        "E=\n"
        "not a line\n"
    )
    lines = {line.key: line for line in parse_env_file(text)}
    assert lines["A"].value == "1"
    assert lines["B"].value == "x # y"
    assert lines["C"].value == "quoted"
    assert lines["D"].value == "plain"
    assert lines["SENTRY_DSN"].commented is True
    assert lines["E"].value == ""
    assert set(lines) == {"A", "B", "C", "D", "SENTRY_DSN", "E"}


@pytest.mark.parametrize(
    "value",
    ["", "changeme", "change-me", "your-key-here", "xxx", "secret", "foo", "<token>", "{value}",
     "${OTHER}", "https://example.com", "TODO", "***", "..."],
)  # fmt: skip
def test_placeholders(value: str) -> None:
    """§7.3 placeholder pattern."""
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["info", "production", "8080", "https://api.stripe.com"])
def test_real_values_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_secret_and_platform_names() -> None:
    """§7.3 secret-shaped names; §7.2 platform names."""
    assert all(
        is_secret_name(n) for n in ("SECRET_KEY", "DB_PASSWORD", "STRIPE_API_KEY", "SENTRY_DSN")
    )
    assert not is_secret_name("LOG_LEVEL")
    assert all(
        is_platform_name(n)
        for n in ("PORT", "NODE_ENV", "npm_config_x", "RAILWAY_TOKEN", "TEST_DB")
    )
    assert not is_platform_name("DATABASE_URL")
