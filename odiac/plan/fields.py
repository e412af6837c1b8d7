"""The one table of service fields that odiac manages.

Every layer that handles a plain service field reads :data:`SERVICE_FIELDS`: the
desired-state builder (which ``opendeploy.toml`` key), refresh and the applier
(which gateway field), the planner (how to compare, what a change costs, what a
deployment bakes in) and ``odiac import`` (how a live value is written back).
Adding a field is one row here plus its key in :mod:`odiac.config.model`.

Env, subdomain, ``uses`` and volumes are not plain fields: they have their own
requests and their own planning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from odiac.config import rules
from odiac.quantity import QuantityError, normalize_cpu, normalize_memory

if TYPE_CHECKING:
    from collections.abc import Callable

    from odiac.plan.model import Impact

#: A field value: what TOML and the gateway's JSON can both carry.
FieldValue = str | int | bool | list[str] | None


def _same(value: FieldValue) -> FieldValue:
    return value


def _cpu(value: FieldValue) -> FieldValue:
    try:
        return normalize_cpu(str(value))
    except QuantityError:
        return value  # shown as-is; it differs from any valid desired value


def _memory(value: FieldValue) -> FieldValue:
    try:
        return normalize_memory(str(value))
    except QuantityError:
        return value


def source_path(value: FieldValue) -> FieldValue:
    """``"./api/"`` and ``"api"`` name the same folder; empty is the root ``"."``."""
    cleaned = str(value or "").strip().strip("/")
    while cleaned.startswith("./"):
        cleaned = cleaned[2:]
    cleaned = "" if cleaned == "." else cleaned
    return cleaned or "."


def _names(value: FieldValue) -> FieldValue:
    # Sibling services start before this one: a set, kept in one spelling.
    return sorted({str(v) for v in value}) if isinstance(value, list) else value


def _url_path(value: str) -> str | None:
    return None if value.startswith("/") else "must start with /"


def _port(value: int) -> str | None:
    return None if 1 <= value <= 65535 else "out of range"


@dataclass(frozen=True)
class ServiceField:
    """One managed field of a service.

    Attributes:
        name: Name in the desired/live state and in the plan (``"cpu_limit"``).
        toml: Key in ``[services.<name>]`` (``"cpu"``).
        wire: Field of the gateway's Service object and its create/update bodies.
        impact: What an update of the field does to the running workload.
        normalise: Brings a desired or live value to one spelling before comparing.
        default: The gateway's value when the field is not sent; None means an unset
            key is not managed (the live value is left alone).
        rebuild: Baked into a build: part of the config digest of a deployment.
        unset: Live values that mean "not set" (the gateway's zero value).
        file_problem: For ``odiac import``: why a live value cannot be written to the
            file (None when it can).
        digest_when_unset: Enters the config digest even when unset (keeps the digests
            of deployments made before the field was added unchanged when False).
        omit_at_create: A value not sent in the create body (the gateway's own).
    """

    name: str
    toml: str
    wire: str
    impact: Impact
    normalise: Callable[[FieldValue], FieldValue] = _same
    default: FieldValue = None
    rebuild: bool = False
    unset: tuple[FieldValue, ...] = ("", None)
    file_problem: Callable[[FieldValue], str | None] | None = None
    digest_when_unset: bool = False
    omit_at_create: FieldValue = None

    def live(self, wire_value: FieldValue) -> FieldValue:
        """A gateway value as the live state keeps it (None when unset)."""
        return None if wire_value in self.unset else wire_value

    def compared(self, value: FieldValue) -> FieldValue:
        """The value compared by the planner: the default when unset (an empty list is
        unset too), normalised."""
        if value is None or value == []:
            value = self.default
        return None if value is None else self.normalise(value)


def _checked(problem: Callable[[str], str | None]) -> Callable[[FieldValue], str | None]:
    def check(value: FieldValue) -> str | None:
        if not isinstance(value, str) or "\n" in value:
            return "not a single-line text"
        return problem(value)

    return check


def _port_problem(value: FieldValue) -> str | None:
    return _port(value) if isinstance(value, int) and not isinstance(value, bool) else "no port"


_NO_VALUE: tuple[FieldValue, ...] = ("", None)
_LIST_UNSET: tuple[FieldValue, ...] = ([], None)

#: Every managed field, in the order ``odiac import`` writes them.
SERVICE_FIELDS: tuple[ServiceField, ...] = (
    ServiceField("path", "path", "source_path", "redeploy", source_path, default=".",
                 rebuild=True, unset=("", ".", None), digest_when_unset=True, omit_at_create="."),
    ServiceField("port", "port", "port", "rolling restart", unset=(0, None),
                 file_problem=_port_problem),
    ServiceField("language", "language", "language", "redeploy", rebuild=True,
                 digest_when_unset=True),
    ServiceField("framework", "framework", "framework", "redeploy", rebuild=True,
                 digest_when_unset=True),
    ServiceField("cpu_limit", "cpu", "cpu_limit", "rolling restart", _cpu, default="2",
                 file_problem=_checked(rules.cpu_problem)),
    ServiceField("cpu_request", "cpu_request", "cpu_request", "rolling restart", _cpu,
                 default="500m", file_problem=_checked(rules.cpu_problem)),
    ServiceField("memory_limit", "memory", "memory_limit", "rolling restart", _memory,
                 default="4Gi", file_problem=_checked(rules.memory_problem)),
    ServiceField("memory_request", "memory_request", "memory_request", "rolling restart",
                 _memory, default="1Gi", file_problem=_checked(rules.memory_problem)),
    ServiceField("replicas", "replicas", "replicas", "in place", default=1, unset=(None,)),
    ServiceField("health_check_path", "health_check_path", "health_check_path",
                 "rolling restart", file_problem=_checked(_url_path)),
    ServiceField("readiness_path", "readiness_path", "readiness_path", "rolling restart",
                 file_problem=_checked(_url_path)),
    ServiceField("build_command", "build_command", "build_command", "redeploy", rebuild=True,
                 digest_when_unset=True),
    ServiceField("start_command", "start_command", "start_command", "redeploy", rebuild=True,
                 digest_when_unset=True),
    ServiceField("dockerfile", "dockerfile", "dockerfile_path", "redeploy", rebuild=True,
                 file_problem=_checked(rules.relative_path_problem), digest_when_unset=True),
    ServiceField("dockerfile_inline", "dockerfile_inline", "dockerfile", "redeploy",
                 rebuild=True),
    ServiceField("build_context", "build_context", "build_context", "redeploy", rebuild=True,
                 file_problem=_checked(rules.relative_path_problem)),
    ServiceField("internal_only", "internal_only", "internal_only", "in place", unset=(None,)),
    ServiceField("auto_scaling", "auto_scaling", "auto_scaling", "in place", unset=(None,)),
    ServiceField("depends_on", "depends_on", "dependencies", "in place", _names,
                 unset=_LIST_UNSET),
)  # fmt: skip


def field(name: str) -> ServiceField:
    """The row of one field (KeyError when the table has none)."""
    for row in SERVICE_FIELDS:
        if row.name == name:
            return row
    raise KeyError(name)
