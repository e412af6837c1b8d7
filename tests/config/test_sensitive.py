"""Sensitive-key classification, exactly as contract §9.5 lists it."""

from __future__ import annotations

import pytest

from odiac.config.sensitive import is_sensitive_key


@pytest.mark.parametrize(
    "key",
    [
        # Contains one of the fragments, in any case and position.
        "PASSWORD",
        "DB_PASSWORD",
        "smtp_passwd",
        "CLIENT_SECRET",
        "SecretKey",
        "GITHUB_TOKEN",
        "tokenizer_model",  # a substring match, as the contract says
        "JWT_PRIVATE_KEY",
        # Connection keys: equal to, or ending in.
        "DATABASE_URL",
        "database_url",
        "ANALYTICS_DATABASE_URL",
        "DB_URL",
        "POSTGRES_URL",
        "POSTGRESQL_URL",
        "PG_URL",
        "MYSQL_URL",
        "MONGODB_URI",
        "MONGO_URL",
        "MONGO_URI",
        "REDIS_URL",
        "CACHE_REDIS_URL",
        "CLICKHOUSE_URL",
    ],
)
def test_sensitive_keys(key: str) -> None:
    assert is_sensitive_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "PORT",
        "LOG_LEVEL",
        "DATABASE_URL_POOL_SIZE",  # connection names count only at the end
        "REDIS_URL_TIMEOUT",
        "DATABASE",
        "POSTGRES_HOST",
        "PRIVATE",  # "PRIVATE_KEY" is the fragment, not "PRIVATE"
        "KEY",
        "",
    ],
)
def test_plain_keys(key: str) -> None:
    assert not is_sensitive_key(key)


def test_q35_keys_the_gateway_encrypts_are_sensitive() -> None:
    """Q35: DATABASE_URL, DB_PASSWORD and GITHUB_TOKEN are stored encrypted."""
    assert all(map(is_sensitive_key, ["DATABASE_URL", "DB_PASSWORD", "GITHUB_TOKEN"]))
