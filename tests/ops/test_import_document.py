"""``build_document``: a live project as opendeploy.toml, decided from data alone."""

from __future__ import annotations

import tomllib
from pathlib import Path

from syrupy.assertion import SnapshotAssertion

from odiac.config.loader import load_config
from odiac.gateway.models import DependencyStatus, Project, Service, ServiceDomain
from odiac.ops.importer import LiveProjectData, build_document, detect_uses

PG = {
    "DATABASE_URL": "postgresql://u:pw-pg-123456@db.svc:5432/app",
    "POSTGRES_USER": "u",
    "POSTGRES_PASSWORD": "pw-pg-123456",
    "POSTGRES_HOST": "db.svc",
    "POSTGRES_PORT": "5432",
    "POSTGRES_DB": "app",
}
REDIS = {"REDIS_URL": "redis://:pw-redis-7890@cache:6379/0", "REDIS_HOST": "cache"}
MYSQL = {"DATABASE_URL": "mysql://u:pw-my-5555@my:3306/app", "MYSQL_HOST": "my"}


def _dep(did: str, name: str, engine: str, env: dict[str, str]) -> DependencyStatus:
    return DependencyStatus(id=did, display_name=name, type=engine, status="running", env_vars=env)


def _data() -> LiveProjectData:
    web = Service(
        id="s-web",
        name="web",
        type="web",
        port=8000,
        language="python",
        cpu_limit="1",
        cpu_request="500m",
        memory_limit="1Gi",
        memory_request="512Mi",
        replicas=2,
        health_check_path="/healthz",
        start_command="gunicorn app:app",
        runtime_variables={
            **PG,
            **REDIS,
            "LOG_LEVEL": "info",
            "API_TOKEN": "tok-web-abcdef",
        },
        build_variables={"NPM_TOKEN": "npm-secret-999", "NODE_ENV": "production"},
    )
    worker = Service(
        id="s-worker",
        name="worker",
        type="worker",
        source_path="worker/",
        replicas=1,
        runtime_variables={**PG, "API_TOKEN": "tok-worker-zzz", "POSTGRES_HOST": "override"},
    )
    return LiveProjectData(
        project=Project(id="p1", name="shop", description="Shop", repo_url="file://upload"),
        region_code="us-east-1",
        services=[web, worker],
        domains={
            "s-web": [
                ServiceDomain(
                    id="d1",
                    service_id="s-web",
                    domain="shop-web.dev.opendeploy.run",
                    type="auto",
                    status="active",
                )
            ]
        },
        dependencies=[
            _dep("dep-1", "db", "postgres", PG),
            _dep("dep-2", "Main Cache", "redis", REDIS),
        ],
    )


def test_document_is_complete_and_loads(tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    result = build_document(_data(), gateway="local")
    text = result.text()
    assert text == snapshot
    path = tmp_path / "opendeploy.toml"
    path.write_text(text)
    config = load_config(path, "staging").config
    web = config.services["web"]
    assert web.uses == ["db", "redis"]
    assert web.subdomain == "shop-web"
    assert web.replicas == 2
    assert config.dependencies["redis"].display_name == "Main Cache"
    assert config.services["worker"].path == "worker"


def test_no_secret_value_reaches_the_file() -> None:
    text = build_document(_data(), gateway="local").text()
    for secret in (
        "pw-pg-123456",
        "pw-redis-7890",
        "tok-web-abcdef",
        "tok-worker-zzz",
        "npm-secret",
    ):
        assert secret not in text
    doc = tomllib.loads(text)
    assert doc["services"]["web"]["env"] == {
        "API_TOKEN": {"secret": "env:API_TOKEN"},
        "LOG_LEVEL": "info",
    }
    assert doc["services"]["web"]["build_env"] == {
        "NODE_ENV": "production",
        "NPM_TOKEN": {"secret": "env:NPM_TOKEN"},
    }


def test_required_variables_are_listed_and_clashing_keys_get_service_prefixes() -> None:
    result = build_document(_data(), gateway="local")
    required = {r.variable: r.used_by for r in result.required}
    assert required == {
        "API_TOKEN": ["services.web.env.API_TOKEN"],
        "NPM_TOKEN": ["services.web.build_env.NPM_TOKEN"],
        "WORKER_API_TOKEN": ["services.worker.env.API_TOKEN"],
        # An overridden dependency key stays, as a secret: it is a connection detail.
        "POSTGRES_HOST": ["services.worker.env.POSTGRES_HOST"],
    }


def test_default_gateway_is_not_written() -> None:
    text = build_document(_data(), gateway="https://dashboard.dev.opendeploy.dev/api").text()
    assert "[gateway]" not in text


def test_uses_order_reproduces_the_later_wins_merge() -> None:
    """Contract §9.8: two engines share DATABASE_URL; the one whose value is live came last."""
    env = {**PG, **MYSQL}
    deps = [("pg", _dep("a", "pg", "postgres", PG)), ("my", _dep("b", "my", "mysql", MYSQL))]
    uses, covered = detect_uses(env, deps)
    assert uses == ["pg", "my"]
    assert covered == set(env)


def test_a_dependency_is_not_used_when_its_keys_are_missing() -> None:
    env = {"DATABASE_URL": PG["DATABASE_URL"]}
    uses, covered = detect_uses(env, [("db", _dep("a", "db", "postgres", PG))])
    assert uses == []
    assert covered == set()
