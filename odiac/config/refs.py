"""Reference variables: an env value taken from a dependency or another service.

``MONGODB_URL = { ref = "mongodb.MONGODB_URI" }`` copies one connection variable of
the dependency ``mongodb`` under the name the app reads; ``{ ref = "services.api.url" }``
is the public URL of the service ``api`` and ``{ ref = "services.api.host" }`` its
host name on the project's private network. References are checked offline here
(names, connection keys) and resolved when odiac plans and applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from odiac.config.rules import quote
from odiac.config.sensitive import is_sensitive_key

#: Connection keys the gateway injects per engine (what a dependency reference may name).
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
#: What a service reference may name.
SERVICE_ATTRIBUTES: tuple[str, ...] = ("url", "host")
#: Public host names of services: ``<label>.dev.opendeploy.run``.
APP_DOMAIN = "dev.opendeploy.run"

REF_RE = re.compile(
    r"^(?:services\.[a-z0-9-]+\.[a-z]+|[a-z0-9]([a-z0-9-]*[a-z0-9])?\.[A-Za-z_][A-Za-z0-9_]*)$"
)


@dataclass(frozen=True)
class Reference:
    """A parsed reference: ``kind`` is ``"dependency"`` or ``"service"``."""

    kind: str
    name: str
    key: str

    @property
    def text(self) -> str:
        """The reference as written in the file."""
        prefix = "services." if self.kind == "service" else ""
        return f"{prefix}{self.name}.{self.key}"

    def sensitive(self, env_key: str) -> bool:
        """A value that may carry a password is never shown (by source or target key)."""
        return self.kind == "dependency" and (
            is_sensitive_key(self.key) or is_sensitive_key(env_key)
        )


def parse_ref(text: str) -> Reference | None:
    """Parse ``"<dependency>.<KEY>"`` or ``"services.<name>.<url|host>"``; None if malformed."""
    if not REF_RE.match(text):
        return None
    parts = text.split(".")
    if parts[0] == "services" and len(parts) == 3:
        return Reference("service", parts[1], parts[2])
    if len(parts) == 2:
        return Reference("dependency", parts[0], parts[1])
    return None


def ref_problem(text: str) -> str | None:
    """The shape rule of a reference (names are checked against the document later)."""
    if parse_ref(text) is None:
        return (
            f"{quote(text)} is not a reference: write "
            '"<dependency>.<VARIABLE>" (e.g. "db.DATABASE_URL"), "services.<name>.url" '
            'or "services.<name>.host"'
        )
    return None


def service_url(label: str) -> str:
    """The public URL of a service whose subdomain label is ``label``."""
    return f"https://{label}.{APP_DOMAIN}"
