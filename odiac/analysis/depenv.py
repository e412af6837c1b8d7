"""Dependency variables under the names the app reads (analysis-rules §6.6).

A managed dependency injects its connection variables under fixed names
(:data:`odiac.config.refs.ENGINE_ENV_KEYS`). An app that reads another name
for the same value (``MONGODB_URL``, ``POSTGRES_URL``, ``DB_HOST``…) gets a
reference variable: ``MONGODB_URL = { ref = "mongodb.MONGODB_URI" }``.
"""

from __future__ import annotations

from odiac.config.refs import ENGINE_ENV_KEYS

# What each injected key is, per engine.
_INJECTED: dict[str, dict[str, str]] = {
    "postgres": {"url": "DATABASE_URL", "host": "POSTGRES_HOST", "port": "POSTGRES_PORT",
                 "name": "POSTGRES_DB", "user": "POSTGRES_USER", "password": "POSTGRES_PASSWORD"},
    "mysql": {"url": "DATABASE_URL", "host": "MYSQL_HOST", "port": "MYSQL_PORT",
              "name": "MYSQL_DATABASE", "user": "MYSQL_USER", "password": "MYSQL_PASSWORD"},
    "mongodb": {"url": "MONGODB_URI", "host": "MONGO_HOST", "port": "MONGO_PORT",
                "name": "MONGO_DATABASE", "user": "MONGO_USER", "password": "MONGO_PASSWORD"},
    "redis": {"url": "REDIS_URL", "host": "REDIS_HOST", "port": "REDIS_PORT",
              "password": "REDIS_PASSWORD"},
    "clickhouse": {"url": "CLICKHOUSE_URL", "host": "CLICKHOUSE_HOST", "port": "CLICKHOUSE_PORT",
                   "name": "CLICKHOUSE_DB", "user": "CLICKHOUSE_USER",
                   "password": "CLICKHOUSE_PASSWORD"},
}  # fmt: skip

# Engine-neutral names: they follow the service's primary database.
_GENERIC: dict[str, tuple[str, ...]] = {
    "url": ("DATABASE_URL", "DB_URL", "DATABASE_URI", "DB_URI", "SQLALCHEMY_DATABASE_URI",
            "DATABASE_CONNECTION_STRING", "DB_CONNECTION_STRING", "DIRECT_URL",
            "DATABASE_DIRECT_URL", "MIGRATE_DATABASE_URL"),
    "host": ("DB_HOST", "DB_HOSTNAME", "DATABASE_HOST", "SQL_HOST"),
    "port": ("DB_PORT", "DATABASE_PORT", "SQL_PORT"),
    "name": ("DB_NAME", "DB_DATABASE", "DB_DBNAME", "DATABASE_NAME", "SQL_DATABASE"),
    "user": ("DB_USER", "DB_USERNAME", "DATABASE_USER", "DATABASE_USERNAME", "SQL_USER"),
    "password": ("DB_PASSWORD", "DB_PASS", "DATABASE_PASSWORD", "SQL_PASSWORD"),
}  # fmt: skip

# Engine-specific names the engine does not inject.
_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "postgres": {
        "url": ("POSTGRES_URL", "POSTGRESQL_URL", "POSTGRES_URI", "PG_URL", "PG_CONNECTION_STRING",
                "POSTGRES_CONNECTION_STRING"),
        "host": ("PGHOST", "PG_HOST", "POSTGRES_HOSTNAME", "POSTGRES_SERVER"),
        "port": ("PGPORT", "PG_PORT"),
        "name": ("PGDATABASE", "PG_DATABASE", "POSTGRES_DATABASE", "POSTGRES_DBNAME", "POSTGRES_NAME"),
        "user": ("PGUSER", "PG_USER", "POSTGRES_USERNAME"),
        "password": ("PGPASSWORD", "PG_PASSWORD", "POSTGRES_PASS"),
    },
    "mysql": {
        "url": ("MYSQL_URI", "MYSQL_DATABASE_URL", "MARIADB_URL"),
        "host": ("MYSQL_HOSTNAME", "MYSQL_SERVER", "MARIADB_HOST"),
        "port": ("MARIADB_PORT",),
        "name": ("MYSQL_DB", "MYSQL_DBNAME", "MYSQL_NAME", "MARIADB_DATABASE"),
        "user": ("MYSQL_USERNAME", "MARIADB_USER"),
        "password": ("MYSQL_PASS", "MARIADB_PASSWORD"),
    },
    "mongodb": {
        "url": ("MONGO_URL", "MONGODB_URL", "MONGO_URI", "MONGO_DB_URI", "MONGODB_CONNECTION_STRING",
                "MONGO_CONNECTION_STRING", "MONGODB_CONNECTION_URI", "MONGO_DB_URL"),
        "host": ("MONGODB_HOST", "MONGO_HOSTNAME"),
        "port": ("MONGODB_PORT",),
        "name": ("MONGODB_DATABASE", "MONGO_DB", "MONGO_DB_NAME", "MONGO_DBNAME", "MONGODB_DB",
                 "MONGODB_NAME", "MONGODB_DB_NAME"),
        "user": ("MONGODB_USER", "MONGO_USERNAME", "MONGODB_USERNAME"),
        "password": ("MONGODB_PASSWORD", "MONGO_PASS"),
    },
    "redis": {
        "url": ("REDIS_URI", "REDIS_CONNECTION_STRING", "REDIS_DSN", "CELERY_BROKER_URL",
                "BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL", "RQ_REDIS_URL",
                "REDIS_CACHE_URL", "REDIS_QUEUE_URL", "VALKEY_URL"),
        "host": ("REDIS_HOSTNAME", "REDIS_SERVER", "VALKEY_HOST"),
        "port": ("VALKEY_PORT",),
        "password": ("REDIS_PASS", "REDIS_AUTH", "VALKEY_PASSWORD"),
    },
    "clickhouse": {
        "url": ("CLICKHOUSE_URI", "CLICKHOUSE_DSN"),
        "name": ("CLICKHOUSE_DATABASE",),
        "user": ("CLICKHOUSE_USERNAME",),
    },
}  # fmt: skip

_PRIMARY_ORDER = ("postgres", "mysql", "mongodb", "clickhouse")


def injected(name: str, engines: list[str]) -> str | None:
    """The engine among ``engines`` that injects ``name`` itself, if one does."""
    return next((e for e in engines if name in ENGINE_ENV_KEYS.get(e, ())), None)


def reference(name: str, engines: list[str]) -> str | None:
    """``"<engine>.<INJECTED>"`` for a name the app reads but no engine injects."""
    if injected(name, engines):
        return None
    for engine in engines:
        for kind, names in _ALIASES.get(engine, {}).items():
            if name in names:
                return f"{engine}.{_INJECTED[engine][kind]}"
    primary = next((e for e in _PRIMARY_ORDER if e in engines), None)
    if primary is None:
        return None
    for kind, names in _GENERIC.items():
        if name in names and kind in _INJECTED[primary]:
            return f"{primary}.{_INJECTED[primary][kind]}"
    return None
