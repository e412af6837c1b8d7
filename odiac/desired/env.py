"""Environment values of the desired state: secrets resolved, dependency env merged.

Merge order per service (contract §9.8, later wins): the connection env of every
dependency the service ``uses`` (in ``uses`` order), then the file's own ``env``.
Resolved secret values stay in memory only and are registered with
:mod:`odiac.redact` the moment they are known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from odiac.config.model import SecretRef
from odiac.config.sensitive import is_sensitive_key
from odiac.errors import SecretError
from odiac.plan.inputs import DesiredValue, FromDependency, LiteralValue
from odiac.redact import register

if TYPE_CHECKING:
    from odiac.config.model import EnvValue
    from odiac.plan.inputs import LiveDependency

#: Connection keys the gateway returns per engine (contract §3.4.2); used to name the
#: keys of a dependency that does not exist yet (values known after apply).
ENGINE_ENV_KEYS: dict[str, tuple[str, ...]] = {
    "postgres": (
        "DATABASE_URL",
        "POSTGRES_USER",
        "POSTGRES_PASSWORD",
        "POSTGRES_HOST",
        "POSTGRES_PORT",
        "POSTGRES_DB",
    ),
    "mysql": (
        "DATABASE_URL",
        "MYSQL_URL",
        "MYSQL_USER",
        "MYSQL_PASSWORD",
        "MYSQL_HOST",
        "MYSQL_PORT",
        "MYSQL_DATABASE",
    ),
    "mongodb": (
        "MONGODB_URI",
        "MONGO_USER",
        "MONGO_PASSWORD",
        "MONGO_HOST",
        "MONGO_PORT",
        "MONGO_DATABASE",
    ),
    "redis": ("REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"),
    "clickhouse": (
        "CLICKHOUSE_URL",
        "CLICKHOUSE_HOST",
        "CLICKHOUSE_PORT",
        "CLICKHOUSE_USER",
        "CLICKHOUSE_PASSWORD",
        "CLICKHOUSE_DB",
    ),
}

#: ``resolve(ref) -> value`` for one ``scheme:ref`` secret reference.
SecretResolver = Callable[[SecretRef], str]


def resolve_env_map(
    values: Mapping[str, EnvValue], resolve: SecretResolver, *, where: str
) -> dict[str, DesiredValue]:
    """Turn a file env table into desired values, resolving secret references.

    Args:
        values: ``[services.<name>.env]`` (or ``build_env``) after the overlay.
        resolve: Resolves one reference through the secret backend hook.
        where: Key path prefix for error messages (``services.web.env``).

    Raises:
        SecretError: A reference could not be resolved (names the key, never a value).
    """
    out: dict[str, DesiredValue] = {}
    for key, raw in values.items():
        if isinstance(raw, SecretRef):
            try:
                value = resolve(raw)
            except SecretError as exc:
                raise SecretError(f"{where}.{key}: {exc.message}", hint=exc.hint) from exc
            register(value)
            out[key] = LiteralValue.of(value, sensitive=True)
        else:
            sensitive = is_sensitive_key(key)
            if sensitive:
                # Written literally, but the key says secret (contract §9.5): mask it too.
                register(raw)
            out[key] = LiteralValue.of(raw, sensitive=sensitive)
    return out


def dependency_env(
    uses: list[str],
    engines: Mapping[str, str],
    live: Mapping[str, LiveDependency],
) -> dict[str, DesiredValue]:
    """Connection env of the dependencies a service uses, as planner references.

    The keys come from the live dependency's ``env_vars`` when it exists, else from the
    engine's documented key set; values are resolved by the planner (or are known
    after apply). Every dependency value is sensitive: they are credentials.
    """
    merged: dict[str, DesiredValue] = {}
    for name in uses:
        live_dep = live.get(name)
        keys = (
            sorted(live_dep.env_vars)
            if live_dep is not None and live_dep.env_vars
            else ENGINE_ENV_KEYS.get(engines.get(name, ""), ())
        )
        for key in keys:
            merged[key] = FromDependency(dependency=name, key=key)
    return merged
