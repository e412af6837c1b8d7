"""Dependency credentials in the plan: shown on create, compared with what is live.

The gateway sets ``username``, ``password`` and ``database_name`` when it creates a
dependency and offers no way to change them afterwards (gateway-api 3.4.2), so a
difference between the file and a live dependency's connection env is a
``manual`` action, never an update. Values are compared by keyed digest and shown
only when the file holds them as a plain (non-sensitive) literal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac.plan.inputs import secret_digest
from odiac.plan.model import FieldChange, Manual

if TYPE_CHECKING:
    from odiac.plan.inputs import DesiredDependency, DesiredState, LiteralValue, LiveDependency
    from odiac.plan.model import Impact

CREDENTIAL_FIELDS: tuple[str, ...] = ("username", "password", "database_name")

#: The connection env key holding each credential, per engine (gateway-api 3.4.2 table).
#: Redis has neither user nor database name: it takes only a password.
CREDENTIAL_ENV_KEYS: dict[str, dict[str, str]] = {
    "postgres": {
        "username": "POSTGRES_USER",
        "password": "POSTGRES_PASSWORD",
        "database_name": "POSTGRES_DB",
    },
    "mysql": {
        "username": "MYSQL_USER",
        "password": "MYSQL_PASSWORD",
        "database_name": "MYSQL_DATABASE",
    },
    "mongodb": {
        "username": "MONGO_USER",
        "password": "MONGO_PASSWORD",
        "database_name": "MONGO_DATABASE",
    },
    "redis": {"password": "REDIS_PASSWORD"},
    "clickhouse": {
        "username": "CLICKHOUSE_USER",
        "password": "CLICKHOUSE_PASSWORD",
        "database_name": "CLICKHOUSE_DB",
    },
}

CHANGE_REASON = (
    "the gateway cannot change the credentials of an existing dependency; change them in "
    "the dashboard, or remove them from opendeploy.toml to keep the live ones"
)


def create_changes(dep: DesiredDependency, hmac_key: bytes) -> list[FieldChange]:
    """The credential lines of a ``create_dependency`` (sensitive ones as digests)."""
    return [
        _change(field, value, None, hmac_key, impact="create")
        for field, value in dep.credentials().items()
    ]


def drift_action(
    name: str, dep: DesiredDependency, live: LiveDependency, engine: str, hmac_key: bytes
) -> Manual | None:
    """A ``manual`` action when the file's credentials differ from the live ones.

    A credential the live connection env does not report (an engine without it, or
    a gateway that sent no ``env_vars``) cannot be compared and is left alone.
    """
    keys = CREDENTIAL_ENV_KEYS.get(engine, {})
    changes = []
    for field, value in dep.credentials().items():
        live_value = live.env_vars.get(keys.get(field, ""))
        if live_value is None:
            continue
        before = live_value.get_secret_value()
        if before != _plain(value):  # in memory only; the plan keeps digests
            changes.append(_change(field, value, before, hmac_key, impact="manual"))
    if not changes:
        return None
    address = f"dependency.{name}"
    return Manual(
        id=f"manual.{address}.credentials",
        address=address,
        impact="manual",
        changes=changes,
        reason=CHANGE_REASON,
    )


def credential_digests(desired: DesiredState, hmac_key: bytes) -> dict[str, str]:
    """Keyed digest of every credential the file sets, by ``dependencies.<name>.<field>``.

    A saved plan holds these so that apply refuses it when a credential changed
    (a rotated password) since planning.
    """
    return {
        f"dependencies.{name}.{field}": secret_digest(_plain(value), hmac_key)
        for name, dep in sorted(desired.dependencies.items())
        for field, value in dep.credentials().items()
    }


def _plain(value: LiteralValue) -> str:
    return value.value.get_secret_value()


def _change(
    field: str, value: LiteralValue, before: str | None, hmac_key: bytes, *, impact: Impact
) -> FieldChange:
    after = _plain(value)
    # The live side of a secret is hidden too: the file says this field is a secret.
    hidden = value.sensitive
    return FieldChange(
        path=field,
        before=None if hidden else before,
        after=None if hidden else after,
        before_absent=before is None,
        before_sensitive=hidden and before is not None,
        after_sensitive=hidden,
        before_digest=secret_digest(before, hmac_key) if hidden and before is not None else None,
        after_digest=secret_digest(after, hmac_key) if hidden else None,
        impact=impact,
    )
