"""Sensitive environment-variable keys (gateway-api 9.5).

A key is sensitive, case-insensitively, when it contains ``PASSWORD``,
``PASSWD``, ``SECRET``, ``TOKEN`` or ``PRIVATE_KEY``, or when it is a database or
cache connection key: equal to, or ending in, one of the connection names below.
The list is exact on purpose: the gateway encrypts exactly these keys, and
odiac must agree with it on which values it may never show.
"""

from __future__ import annotations

SENSITIVE_FRAGMENTS: tuple[str, ...] = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "PRIVATE_KEY")
CONNECTION_KEYS: tuple[str, ...] = (
    "DATABASE_URL",
    "DB_URL",
    "POSTGRES_URL",
    "POSTGRESQL_URL",
    "PG_URL",
    "MYSQL_URL",
    "MONGODB_URI",
    "MONGO_URL",
    "MONGO_URI",
    "REDIS_URL",
    "CLICKHOUSE_URL",
)


def is_sensitive_key(key: str) -> bool:
    """Whether the gateway treats ``key`` as sensitive (gateway-api 9.5).

    Args:
        key: An environment variable name, in any case.

    Returns:
        True for keys such as ``DB_PASSWORD``, ``github_token`` or
        ``ANALYTICS_DATABASE_URL``; False for ``PORT`` or ``DATABASE_URL_POOL``.
    """
    upper = key.upper()
    if any(fragment in upper for fragment in SENSITIVE_FRAGMENTS):
        return True
    # "Equal to" is the special case of "ending in".
    return upper.endswith(CONNECTION_KEYS)
