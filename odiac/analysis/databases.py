"""Managed-dependency signals and the decision rule (analysis-rules 6).

Analyzers report driver packages as *strong* signals only when they are
direct runtime dependencies; the guards of analysis-rules 6.3 (lockfile-only, dev groups,
indirect requires, commented lines) are applied by the analyzer that reads the
manifest, which then reports nothing or a weak signal.
"""

from __future__ import annotations

import re

ENGINE_ORDER = ("postgres", "mysql", "mongodb", "clickhouse", "redis")
PRIMARY_ORDER = ("postgres", "mysql", "mongodb", "clickhouse")

DRIVERS: dict[str, dict[str, str]] = {
    "npm": {
        "pg": "postgres", "postgres": "postgres", "pg-promise": "postgres",
        "@neondatabase/serverless": "postgres", "@vercel/postgres": "postgres",
        "slonik": "postgres", "mysql": "mysql", "mysql2": "mysql", "mongoose": "mongodb",
        "mongodb": "mongodb", "@typegoose/typegoose": "mongodb", "redis": "redis",
        "ioredis": "redis", "bullmq": "redis", "bull": "redis",
        "@clickhouse/client": "clickhouse",
    },
    "python": {
        "psycopg": "postgres", "psycopg2": "postgres", "psycopg2-binary": "postgres",
        "psycopg-binary": "postgres", "asyncpg": "postgres", "pg8000": "postgres",
        "pymysql": "mysql", "mysqlclient": "mysql", "mysql-connector-python": "mysql",
        "aiomysql": "mysql", "pymongo": "mongodb", "motor": "mongodb",
        "mongoengine": "mongodb", "beanie": "mongodb", "redis": "redis", "rq": "redis",
        "django-redis": "redis", "arq": "redis", "clickhouse-connect": "clickhouse",
        "clickhouse-driver": "clickhouse",
    },
    "go": {
        "github.com/lib/pq": "postgres", "github.com/jackc/pgx": "postgres",
        "gorm.io/driver/postgres": "postgres", "github.com/go-sql-driver/mysql": "mysql",
        "gorm.io/driver/mysql": "mysql", "go.mongodb.org/mongo-driver": "mongodb",
        "github.com/redis/go-redis": "redis", "github.com/go-redis/redis": "redis",
        "github.com/ClickHouse/clickhouse-go": "clickhouse",
    },
    "ruby": {"pg": "postgres", "mysql2": "mysql", "trilogy": "mysql", "mongoid": "mongodb",
             "redis": "redis", "sidekiq": "redis", "resque": "redis"},
    "php": {"ext-pdo_pgsql": "postgres", "ext-pgsql": "postgres", "ext-pdo_mysql": "mysql",
            "ext-mysqli": "mysql", "predis/predis": "redis", "ext-redis": "redis",
            "mongodb/mongodb": "mongodb", "ext-mongodb": "mongodb"},
    "rust": {"tokio-postgres": "postgres", "postgres": "postgres", "mysql": "mysql",
             "mysql_async": "mysql", "mongodb": "mongodb", "redis": "redis",
             "clickhouse": "clickhouse"},
    "jvm": {"org.postgresql:postgresql": "postgres", "com.mysql:mysql-connector-j": "mysql",
            "mysql:mysql-connector-java": "mysql", "org.mariadb.jdbc:mariadb-java-client": "mysql",
            "org.springframework.boot:spring-boot-starter-data-mongodb": "mongodb",
            "org.springframework.boot:spring-boot-starter-data-redis": "redis"},
    "elixir": {"postgrex": "postgres", "myxql": "mysql", "mongodb_driver": "mongodb",
               "redix": "redis", "ch": "clickhouse"},
    "dotnet": {"npgsql": "postgres", "npgsql.entityframeworkcore.postgresql": "postgres",
               "mysqlconnector": "mysql", "pomelo.entityframeworkcore.mysql": "mysql",
               "mongodb.driver": "mongodb", "stackexchange.redis": "redis"},
}  # fmt: skip

_IMAGES: tuple[tuple[str, str], ...] = (
    ("postgis/postgis", "postgres"), ("timescale/timescaledb", "postgres"),
    ("pgvector/pgvector", "postgres"), ("supabase/postgres", "postgres"),
    ("postgres", "postgres"), ("mysql", "mysql"), ("mariadb", "mysql"), ("percona", "mysql"),
    ("mongodb/mongodb-community-server", "mongodb"), ("mongo", "mongodb"),
    ("redis", "redis"), ("valkey/valkey", "redis"), ("valkey", "redis"),
    ("eqalpha/keydb", "redis"), ("clickhouse/clickhouse-server", "clickhouse"),
    ("clickhouse", "clickhouse"),
)  # fmt: skip

EXTERNAL_IMAGES = frozenset(
    {
        "rabbitmq", "kafka", "zookeeper", "elasticsearch", "opensearch", "meilisearch",
        "typesense", "qdrant", "minio", "memcached", "nats", "mailpit", "mailhog", "maildev",
        "smtp",
    }
)  # fmt: skip
PROXY_IMAGES = frozenset({"nginx", "caddy", "traefik", "haproxy", "envoy"})

DB_ENV = re.compile(
    r"^(DATABASE_URL|MYSQL_\w+|POSTGRES_\w+|PG_\w+|PG(HOST|USER|PASSWORD|DATABASE|PORT)"
    r"|REDIS_URL|MONGO\w*|CLICKHOUSE_\w+)$"
)
SCHEMES = (
    ("postgres", "postgres"), ("postgresql", "postgres"), ("mysql", "mysql"),
    ("mariadb", "mysql"), ("mongodb", "mongodb"), ("mongodb+srv", "mongodb"),
    ("redis", "redis"), ("rediss", "redis"), ("clickhouse", "clickhouse"),
)  # fmt: skip


def image_name(image: str) -> str:
    """Image repository without registry host or tag: ``docker.io/library/postgres:16`` → ``postgres``."""
    ref = image.split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        ref = ref[: len(ref) - len(last)] + last.split(":", 1)[0]
    parts = ref.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if parts[:1] == ["library"]:
        parts = parts[1:]
    return "/".join(parts).lower()


def engine_of_image(image: str) -> str | None:
    """Managed engine of a compose image (analysis-rules 2.2, analysis-rules 6.2), or None."""
    name = image_name(image)
    for known, engine in _IMAGES:
        if name == known:
            return engine
    return None


def image_kind(image: str) -> str | None:
    """``external`` or ``proxy`` for images odiac never builds, else None."""
    base = image_name(image).rsplit("/", 1)[-1]
    if base in EXTERNAL_IMAGES or base.startswith("cp-kafka"):
        return "external"
    if base in PROXY_IMAGES:
        return "proxy"
    return None


def engine_of_env(name: str) -> str | None:
    """Engine decided by an engine-specific env name (analysis-rules 6.4); DATABASE_URL has none."""
    if name.startswith(("POSTGRES_", "PG_")) or re.match(
        r"^PG(HOST|USER|PASSWORD|DATABASE|PORT)$", name
    ):
        return "postgres"
    if name.startswith("MYSQL_") and not name.startswith("MYSQL_ATTR_"):
        return "mysql"  # MYSQL_ATTR_* are PDO driver options of a config block (6.3)
    if name.startswith("MONGO"):
        return "mongodb"
    if name == "REDIS_URL":
        return "redis"
    if name.startswith("CLICKHOUSE_"):
        return "clickhouse"
    return None


def engine_of_url(value: str) -> str | None:
    """Engine of a connection URL by its scheme (``postgres://`` → postgres)."""
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    scheme = scheme.split("+", 1)[0] if scheme != "mongodb+srv" else scheme
    return dict(SCHEMES).get(scheme)


def primary(engines: set[str]) -> str:
    """analysis-rules 6.5 ``database_type``."""
    for engine in PRIMARY_ORDER:
        if engine in engines:
            return engine
    return "redis" if "redis" in engines else ""


def normalise_py(name: str) -> str:
    """PEP 503 name normalisation (``Django_Redis`` → ``django-redis``)."""
    return re.sub(r"[-_.]+", "-", name).lower()
