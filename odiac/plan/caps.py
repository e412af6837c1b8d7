"""The caps of an anonymous (pending) client agent, checked against the desired state.

The gateway refuses, service by service, what a pending agent may not have: more
than 1 CPU (request or limit), more than 1Gi of memory (request or limit), more than
one replica, more than one service per project. Checked when planning, against
exactly the values apply would send (unset fields are the gateway defaults), so that
apply refuses before it creates anything instead of leaving a half-made project.
Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from odiac.plan.normalise import desired_fields
from odiac.quantity import QuantityError, cpu_millicores, memory_bytes

if TYPE_CHECKING:
    from collections.abc import Callable

    from odiac.plan.inputs import DesiredState, LiveState

CPU_CAP = "1"
MEMORY_CAP = "1Gi"
REPLICA_CAP = 1
SERVICE_CAP = 1
#: Plain-language summary of the caps, for messages.
CAPS_TEXT = "at most 1 CPU, 1Gi of memory and 1 replica per service, 1 service per project"

#: (wire field, file key, parse, cap) in the order the gateway checks them.
_QUANTITIES: tuple[tuple[str, str, Callable[[str], int], str], ...] = (
    ("cpu_request", "cpu_request", cpu_millicores, CPU_CAP),
    ("cpu_limit", "cpu", cpu_millicores, CPU_CAP),
    ("memory_request", "memory_request", memory_bytes, MEMORY_CAP),
    ("memory_limit", "memory", memory_bytes, MEMORY_CAP),
)


#: What odiac sends for an unset size when the agent is anonymous: the values the
#: gateway asks pending clients to send explicitly (its own defaults exceed the caps).
ANONYMOUS_DEFAULTS: dict[str, str] = {
    "cpu_request": "500m",
    "cpu_limit": CPU_CAP,
    "memory_request": "512Mi",
    "memory_limit": MEMORY_CAP,
}
_PAIRS = (
    ("cpu_request", "cpu_limit", cpu_millicores),
    ("memory_request", "memory_limit", memory_bytes),
)


def fit_anonymous_defaults(desired: DesiredState) -> DesiredState:
    """Give every size the file leaves unset a value within the anonymous caps.

    A request never ends above its limit: an unset request follows a lower limit
    the file sets, and an unset limit rises to a higher request the file sets (which
    the caps then refuse by name).
    """
    services = {}
    for name, svc in desired.services.items():
        update: dict[str, str] = {}
        for request, limit, parse in _PAIRS:
            set_request, set_limit = svc.get(request), svc.get(limit)
            want_request = str(set_request or ANONYMOUS_DEFAULTS[request])
            want_limit = str(set_limit or ANONYMOUS_DEFAULTS[limit])
            try:
                if set_request is None and parse(want_request) > parse(want_limit):
                    want_request = want_limit
                if set_limit is None and parse(want_request) > parse(want_limit):
                    want_limit = want_request
            except QuantityError:
                pass  # an invalid quantity has its own error
            if set_request is None:
                update[request] = want_request
            if set_limit is None:
                update[limit] = want_limit
        services[name] = (
            svc.model_copy(update={"values": {**svc.values, **update}}) if update else svc
        )
    return desired.model_copy(update={"services": services})


@dataclass(frozen=True)
class CapProblem:
    """One value that does not fit; ``key_path`` points into ``opendeploy.toml``."""

    key_path: tuple[str, ...]
    message: str


def cap_problems(desired: DesiredState, live: LiveState) -> list[CapProblem]:
    """Every key of the desired state a pending agent's caps refuse, in file order."""
    problems: list[CapProblem] = []
    for name, svc in sorted(desired.services.items()):
        fields = desired_fields(svc)
        for field, key, parse, cap in _QUANTITIES:
            value = str(fields[field])
            try:
                over = parse(value) > parse(cap)
            except QuantityError:
                continue  # an invalid quantity has its own error
            if over:
                problems.append(
                    _problem(name, key, value, cap, set_in_file=bool(getattr(svc, field)))
                )
        replicas = fields["replicas"]
        if isinstance(replicas, int) and replicas > REPLICA_CAP:
            problems.append(
                _problem(name, "replicas", str(replicas), str(REPLICA_CAP), set_in_file=True)
            )
    existing = set(live.services) if live.project is not None else set()
    extra = sorted(set(desired.services) - existing)
    room = max(SERVICE_CAP - len(existing), 0)
    total = len(existing | set(desired.services))
    for name in extra[room:]:
        problems.append(
            CapProblem(
                ("services", name),
                f"service {name!r} would be service {total} of the project; an anonymous"
                f" agent may have {SERVICE_CAP}",
            )
        )
    return problems


def _problem(service: str, key: str, value: str, cap: str, *, set_in_file: bool) -> CapProblem:
    if set_in_file:
        return CapProblem(
            ("services", service, key),
            f"services.{service}.{key} = {value!r} is above the anonymous cap {cap!r}",
        )
    return CapProblem(
        ("services", service),
        f"services.{service}.{key} is not set, so the gateway default {value!r} applies,"
        f" above the anonymous cap {cap!r}; set {key} = {cap!r}",
    )


def ways_out(claim_url: str | None, *, fresh: bool) -> str:
    """What the user can do about a cap, as one hint."""
    claim = (
        "claim the agent (claim URL below; sign in and the caps are lifted)"
        if claim_url
        else "claim the agent after a first apply that fits (the claim URL is printed then)"
        if fresh
        else "claim the agent (`odiac auth claim` shows how)"
    )
    return (
        f"Lower the values to fit ({CAPS_TEXT}); or {claim}; or use a personal access"
        " token (set OPENDEPLOY_TOKEN), which has no such caps."
    )
