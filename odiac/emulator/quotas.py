"""Pending-agent resource caps (gateway-api 5.1), run before body validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odiac.emulator.errors import bad_request, gateway_error
from odiac.emulator.quantity import QuantityError, cpu_millicores, memory_bytes

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

CREATE_DEFAULTS: dict[str, Any] = {
    "cpu_request": "500m",
    "cpu_limit": "2",
    "memory_request": "1Gi",
    "memory_limit": "4Gi",
    "replicas": 1,
}
QUANTITIES: tuple[tuple[str, Callable[[str], int], str, int], ...] = (
    ("cpu_request", cpu_millicores, "1", 1000),
    ("cpu_limit", cpu_millicores, "1", 1000),
    ("memory_request", memory_bytes, "1Gi", 2**30),
    ("memory_limit", memory_bytes, "1Gi", 2**30),
)


def check_pending_caps(values: Mapping[str, Any], services_after: int | None) -> None:
    """Raise 403 ``agent_quota_exceeded`` for the first field over the guest cap.

    Unparsable quantities are left to the handler's 400.
    """
    for field, parse, limit_text, limit in QUANTITIES:
        requested = values.get(field)
        if not isinstance(requested, str):
            continue
        try:
            amount = parse(requested)
        except QuantityError:
            continue
        if amount > limit:
            raise _exceeded(field, requested, limit_text)
    replicas = values.get("replicas")
    if isinstance(replicas, int) and replicas > 1:
        raise _exceeded("replicas", replicas, 1)
    if services_after is not None and services_after > 1:
        raise _exceeded("services", services_after, 1)


def check_quantities(values: Mapping[str, Any]) -> None:
    """400 for a resource field that is not a Kubernetes quantity."""
    for field, parse, _limit_text, _limit in QUANTITIES:
        value = values.get(field)
        if value is None:
            continue
        try:
            parse(value)
        except QuantityError:
            raise bad_request(f'invalid resource quantity for {field}: "{value}"') from None
    replicas = values.get("replicas")
    if replicas is not None and replicas < 0:
        raise bad_request("replicas must not be negative")


def _exceeded(field: str, requested: object, limit: object) -> Exception:
    return gateway_error(
        403,
        "agent_quota_exceeded",
        f"{field} {requested} exceeds the unbound-agent limit of {limit}; "
        "bind this client agent to an OpenDeploy account to raise it.",
        field=field,
        requested=requested,
        limit=limit,
    )
