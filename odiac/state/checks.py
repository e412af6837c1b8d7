"""Plan-time checks: catch at plan time what would otherwise fail half-way through apply.

* Subdomain availability (``check-subdomain``), skipped when the label is
  already this service's.
* Pending client agents (contract §5): the resource caps are *warnings* (the
  gateway decides and answers a structured 403, which apply shows cleanly), and
  the one-live-project rule is an error naming the project the agent already owns.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from odiac.gateway.errors import AuthenticationError, GatewayHTTPError
from odiac.plan import fields as table
from odiac.quantity import QuantityError, cpu_millicores, memory_bytes

if TYPE_CHECKING:
    from odiac.gateway.auth import Credential
    from odiac.gateway.client import GatewayClient
    from odiac.plan.inputs import DesiredService, DesiredState
    from odiac.state.refresh import Snapshot

Severity = Literal["error", "warning"]

#: Pending-agent caps (contract §5.1), in the order the gateway checks them.
CPU_CAP_MILLI = 1000
MEMORY_CAP_BYTES = 2**30
REPLICA_CAP = 1
SERVICE_CAP = 1


@dataclass(frozen=True)
class Finding:
    """One plan-time check result; ``key_path`` points into ``opendeploy.toml``."""

    severity: Severity
    message: str
    key_path: tuple[str, ...] = ()
    hint: str | None = None


async def run_checks(
    client: GatewayClient,
    credential: Credential,
    desired: DesiredState,
    snapshot: Snapshot,
) -> list[Finding]:
    """Run every plan-time check concurrently; errors first, then warnings."""
    subdomains, agent = await asyncio.gather(
        check_subdomains(client, desired, snapshot),
        check_pending_agent(client, credential, desired, snapshot),
    )
    findings = [*subdomains, *agent]
    return sorted(findings, key=lambda f: f.severity != "error")


async def check_subdomains(
    client: GatewayClient, desired: DesiredState, snapshot: Snapshot
) -> list[Finding]:
    """Each wanted subdomain must be free, unless it already belongs to the service."""
    wanted: list[tuple[str, str]] = []
    for name, svc in sorted(desired.services.items()):
        if svc.subdomain is None:
            continue
        live_svc = snapshot.live.services.get(name)
        auto = live_svc.auto_domain if live_svc else None
        if auto is not None and auto.label == svc.subdomain:
            continue
        wanted.append((name, svc.subdomain))
    results = await asyncio.gather(
        *(client.check_subdomain(label) for _, label in wanted), return_exceptions=True
    )
    findings: list[Finding] = []
    for (name, label), result in zip(wanted, results, strict=True):
        path = ("services", name, "subdomain")
        if isinstance(result, GatewayHTTPError) and result.status == 400:
            findings.append(
                Finding("error", f"subdomain {label!r} is not a valid label", path, hint="F24")
            )
        elif isinstance(result, BaseException):
            raise result
        elif not result.available:
            row = "F24" if result.reason == "reserved" else "F23"
            findings.append(
                Finding(
                    "error",
                    f"subdomain {label!r} is not available ({result.reason or 'taken'})",
                    path,
                    hint=f"{row}: choose another label.",
                )
            )
    return findings


async def check_pending_agent(
    client: GatewayClient,
    credential: Credential,
    desired: DesiredState,
    snapshot: Snapshot,
) -> list[Finding]:
    """Caps and the one-project rule, for a client agent not bound to an account yet."""
    if credential.kind != "agent":
        return []
    try:
        await client.get_profile()
        return []  # bound: the caps no longer apply (contract §2.3)
    except AuthenticationError:
        pass  # expected for a pending agent (F2)
    findings: list[Finding] = []
    if snapshot.live.project is None and snapshot.visible_projects:
        other = snapshot.visible_projects[0]
        findings.append(
            Finding(
                "error",
                f"this client agent already owns project {other.name!r} ({other.id}); a "
                "pending agent may own only one live project",
                ("project", "name"),
                hint="F6: use that project's name in opendeploy.toml, wait for it to be "
                "collected after 6 idle hours, or bind the agent and use a personal "
                "access key (OPENDEPLOY_TOKEN).",
            )
        )
    if len(desired.services) > SERVICE_CAP:
        findings.append(
            Finding(
                "warning",
                f"{len(desired.services)} services, but a pending agent may have "
                f"{SERVICE_CAP} per project; the gateway will refuse the others (F4)",
                ("services",),
            )
        )
    for name, svc in sorted(desired.services.items()):
        findings.extend(_cap_warnings(name, svc))
        findings.extend(_volume_quota(name, svc, snapshot))
    return findings


def _volume_quota(name: str, svc: DesiredService, snapshot: Snapshot) -> list[Finding]:
    """New volumes of a pending agent: the gateway's allowance is not published, so this
    is a warning naming the 403 it may answer, never a guess at a number."""
    live = snapshot.live.services.get(name)
    have = live.volumes if live is not None else {}
    new = [v for key, v in sorted(svc.volumes.items()) if not v.detach and key not in have]
    if not new:
        return []
    sizes = ", ".join(f"{v.name} {v.size}" for v in new)
    return [
        Finding(
            "warning",
            f"services.{name}.volumes: {sizes} would be created by a client agent not bound to"
            " an account; its volume space is limited and the gateway may refuse it with 403"
            " quota_exceeded",
            ("services", name, "volumes", new[0].name),
            hint="Bind the agent to your account to lift the limit, or keep volumes small.",
        )
    ]


def _cap_warnings(name: str, svc: DesiredService) -> list[Finding]:
    checks = [
        ("cpu_request", "cpu_request", cpu_millicores, CPU_CAP_MILLI, "1"),
        ("cpu_limit", "cpu", cpu_millicores, CPU_CAP_MILLI, "1"),
        ("memory_request", "memory_request", memory_bytes, MEMORY_CAP_BYTES, "1Gi"),
        ("memory_limit", "memory", memory_bytes, MEMORY_CAP_BYTES, "1Gi"),
    ]
    findings: list[Finding] = []
    for field, key, parse, cap, shown in checks:
        value = str(svc.get(field) or table.field(field).default)
        try:
            over = parse(value) > cap
        except QuantityError:
            continue
        if over:
            origin = "" if svc.get(field) else " (the gateway default when unset)"
            findings.append(_cap(name, key, f"{value}{origin}", shown))
    wanted = svc.get("replicas")
    replicas = wanted if isinstance(wanted, int) else 1
    if replicas > REPLICA_CAP:
        findings.append(_cap(name, "replicas", str(replicas), str(REPLICA_CAP)))
    return findings


def _cap(service: str, key: str, value: str, limit: str) -> Finding:
    return Finding(
        "warning",
        f"services.{service}.{key} = {value} is above the pending-agent cap {limit}; the "
        "gateway will refuse it with 403 agent_quota_exceeded (F4)",
        ("services", service, key),
        hint="Set it within the cap, or bind the agent to your account.",
    )
