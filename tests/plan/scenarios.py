"""Planner scenarios: a desired state and a live state each, built from plain data.

``live_matching(desired)`` builds the live state an apply of ``desired`` leaves
behind; each scenario then changes one thing on one side, the way a user edit or
an out-of-band change through the gateway would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, SecretStr

from odiac.plan.inputs import (
    DesiredDependency,
    DesiredProject,
    DesiredService,
    DesiredSource,
    DesiredState,
    FromDependency,
    LiteralValue,
    LiveDependency,
    LiveDeployment,
    LiveDomain,
    LiveProject,
    LiveService,
    LiveState,
)
from odiac.plan.normalise import default_quantity, deployment_description

M = TypeVar("M", bound=BaseModel)
HMAC_KEY = b"test-plan-key-0123456789abcdef"
SOURCE_A = "sha256:" + "a" * 64
SOURCE_B = "sha256:" + "b" * 64
CONFIG = "sha256:" + "c" * 64
DB_URL = "postgresql://shop:pw-db-9d1c@shop-postgres.ns.svc.cluster.local:5432/shop"
API_KEY = "sk-live-initial-8c2f"


def desired_state(**changes: object) -> DesiredState:
    """The reference app: one Postgres database, one web service using it."""
    web = DesiredService(
        type="web",
        port=8000,
        language="python",
        framework="flask",
        cpu_limit="1",
        memory_limit="1Gi",
        health_check_path="/healthz",
        start_command="gunicorn app:app",
        subdomain="shop-demo",
        uses=["db"],
        env={
            "DATABASE_URL": FromDependency(dependency="db", key="DATABASE_URL"),
            "API_KEY": LiteralValue.of(API_KEY, sensitive=True),
            "LOG_LEVEL": LiteralValue.of("info"),
        },
    )
    base = DesiredState(
        project=DesiredProject(name="shop", region="us-east-1", description="demo shop"),
        source=DesiredSource(kind="archive", digest=SOURCE_A, file_count=42, total_bytes=1_234_567),
        dependencies={"db": DesiredDependency(engine="postgres")},
        services={"web": web},
        config_digest=CONFIG,
    )
    return base.model_copy(update=changes)


def with_service(desired: DesiredState, name: str, **changes: object) -> DesiredState:
    services = dict(desired.services)
    services[name] = _revalidate(services[name], changes)
    return _revalidate(desired, {"services": services})


def live_matching(desired: DesiredState) -> LiveState:
    """The live state right after a successful apply of ``desired``."""
    deps = {
        name: LiveDependency(
            id=f"dep-{name}",
            engine=dep.engine,
            env_vars={"DATABASE_URL": DB_URL, "POSTGRES_PASSWORD": "pw-db-9d1c"},
        )
        for name, dep in desired.dependencies.items()
    }
    services = {}
    for name, svc in desired.services.items():
        env = {}
        for key, value in svc.env.items():
            if isinstance(value, FromDependency):
                env[key] = deps[value.dependency].env_vars[value.key].get_secret_value()
            else:
                env[key] = value.value.get_secret_value()
        deployment = LiveDeployment(
            id=f"dpl-{name}-1",
            status="success",
            description=deployment_description(desired, name),
            created_at="2026-01-01T00:00:00Z",
        )
        services[name] = LiveService(
            id=f"svc-{name}",
            type=svc.type,
            path="",
            port=svc.port,
            language=svc.language,
            framework=svc.framework,
            # What apply sends: the gateway defaults, a request never above its limit.
            cpu_limit=svc.cpu_limit or default_quantity(svc, "cpu_limit"),
            cpu_request=svc.cpu_request or default_quantity(svc, "cpu_request"),
            memory_limit=svc.memory_limit or default_quantity(svc, "memory_limit"),
            memory_request=svc.memory_request or default_quantity(svc, "memory_request"),
            replicas=svc.replicas or 1,
            health_check_path=svc.health_check_path,
            start_command=svc.start_command,
            env=env,
            latest_deployment=deployment,
            running_deployment=deployment,
            domains=[LiveDomain(id=f"dom-{name}", label=svc.subdomain or f"auto{name}")],
        )
    project = LiveProject(
        id="prj-shop",
        name=desired.project.name,
        region_id="reg-1",
        description=desired.project.description,
        source_bound=True,
        bound_source_digest=desired.source.digest,
    )
    return LiveState(project=project, dependencies=deps, services=services)


def live_service(live: LiveState, name: str, **changes: object) -> LiveState:
    services = dict(live.services)
    services[name] = _revalidate(services[name], changes)
    return _revalidate(live, {"services": services})


def _revalidate(model: M, changes: dict[str, object]) -> M:
    """``model_copy(update=...)`` without skipping validation (plain str -> SecretStr)."""
    return type(model).model_validate({**dict(model), **changes})


def _env(live: LiveState, name: str, **values: str) -> dict[str, SecretStr]:
    env = dict(live.services[name].env)
    env.update({k: SecretStr(v) for k, v in values.items()})
    return env


# --------------------------------------------------------------------------- scenarios


def fresh_create() -> tuple[DesiredState, LiveState]:
    return desired_state(), LiveState()


def no_changes() -> tuple[DesiredState, LiveState]:
    desired = desired_state()
    return desired, live_matching(desired)


def resize_only() -> tuple[DesiredState, LiveState]:
    desired = with_service(desired_state(), "web", cpu_limit="500m", memory_limit="512Mi")
    return desired, live_matching(desired_state())


def env_rotation() -> tuple[DesiredState, LiveState]:
    base = desired_state()
    env = {**base.services["web"].env, "LOG_LEVEL": LiteralValue.of("debug")}
    env["FEATURE_X"] = LiteralValue.of("on")
    return with_service(base, "web", env=env), live_matching(base)


def secret_rotated() -> tuple[DesiredState, LiveState]:
    base = desired_state()
    env = {
        **base.services["web"].env,
        "API_KEY": LiteralValue.of("sk-live-rotated-5e1a", sensitive=True),
    }
    return with_service(base, "web", env=env), live_matching(base)


def new_dependency() -> tuple[DesiredState, LiveState]:
    """Q42: a cache added to a running service; REDIS_URL is known only after apply."""
    base = desired_state()
    desired = base.model_copy(
        update={"dependencies": {**base.dependencies, "cache": DesiredDependency(engine="redis")}}
    )
    env = {
        **base.services["web"].env,
        "REDIS_URL": FromDependency(dependency="cache", key="REDIS_URL"),
    }
    desired = with_service(desired, "web", env=env, uses=["db", "cache"])
    return desired, live_matching(base)


def service_removed() -> tuple[DesiredState, LiveState]:
    base = desired_state()
    two = base.model_copy(
        update={"services": {**base.services, "worker": DesiredService(type="worker")}}
    )
    return base, live_matching(two)


def type_change() -> tuple[DesiredState, LiveState]:
    base = desired_state()
    return base, live_service(live_matching(base), "web", type="worker")


def subdomain_rename() -> tuple[DesiredState, LiveState]:
    base = desired_state()
    live = live_matching(base)
    domain = LiveDomain(id="dom-web", label="k3xq9z2a")
    return base, live_service(live, "web", domains=[domain])


def live_rollback() -> tuple[DesiredState, LiveState]:
    """Q48: the live service was rolled back to a deployment of older source."""
    desired = desired_state()
    older = desired_state(
        source=DesiredSource(digest=SOURCE_B, file_count=40, total_bytes=1_200_000)
    )
    live = live_matching(desired)
    rollback = LiveDeployment(
        id="dpl-web-3",
        status="success",
        description=deployment_description(older, "web"),
        is_rollback=True,
        rollback_of="dpl-web-0",
    )
    return desired, live_service(
        live, "web", latest_deployment=rollback, running_deployment=rollback
    )


def quantity_normalisation() -> tuple[DesiredState, LiveState]:
    desired = with_service(desired_state(), "web", cpu_limit="1000m", memory_limit="1024Mi")
    live = live_service(live_matching(desired), "web", cpu_limit="1", memory_limit="1Gi")
    return desired, live


def source_changed() -> tuple[DesiredState, LiveState]:
    desired = desired_state(
        source=DesiredSource(digest=SOURCE_B, file_count=43, total_bytes=1_300_000)
    )
    return desired, live_matching(desired_state())


def previous_deploy_failed() -> tuple[DesiredState, LiveState]:
    """Source bound and deployed, but the deployment failed: deploy again, no upload."""
    desired = desired_state(
        source=DesiredSource(digest=SOURCE_B, file_count=43, total_bytes=1_300_000)
    )
    live = live_matching(desired_state())
    failed = LiveDeployment(
        id="dpl-web-2", status="failed", description=deployment_description(desired, "web")
    )
    live = live.model_copy(
        update={"project": live.project.model_copy(update={"bound_source_digest": SOURCE_B})}  # type: ignore[union-attr]
    )
    return desired, live_service(live, "web", latest_deployment=failed)


def env_drift_out_of_band() -> tuple[DesiredState, LiveState]:
    """Someone edited the env on the gateway: a removed key and a changed value."""
    desired = desired_state()
    live = live_matching(desired)
    env = _env(live, "web", LOG_LEVEL="trace", DEBUG="1")
    return desired, live_service(live, "web", env=env)


DESIRED_CANARY = "canary-desired-4b1e8f0c2a"
LIVE_CANARY = "canary-live-93d7a61e55"
DEP_CANARY = "canary-dep-0f2c7e9b31"


def canary_secrets() -> tuple[DesiredState, LiveState]:
    """Secrets on both sides and in a dependency's env: none may ever be rendered."""
    desired, live = secret_rotated()
    env = {
        **desired.services["web"].env,
        "API_KEY": LiteralValue.of(DESIRED_CANARY, sensitive=True),
        "STRIPE_KEY": LiteralValue.of(DESIRED_CANARY + "-2", sensitive=True),
    }
    desired = with_service(desired, "web", env=env)
    live_env = {**live.services["web"].env, "API_KEY": LIVE_CANARY, "OLD_SECRET": LIVE_CANARY}
    live = live_service(live, "web", env=live_env)
    dep = LiveDependency(id="dep-db", engine="postgres", env_vars={"DATABASE_URL": DEP_CANARY})
    return desired, live.model_copy(update={"dependencies": {"db": dep}})


SCENARIOS: dict[str, Callable[[], tuple[DesiredState, LiveState]]] = {
    f.__name__: f
    for f in (
        fresh_create,
        no_changes,
        resize_only,
        env_rotation,
        secret_rotated,
        new_dependency,
        service_removed,
        type_change,
        subdomain_rename,
        live_rollback,
        quantity_normalisation,
        source_changed,
        previous_deploy_failed,
        env_drift_out_of_band,
    )
}
