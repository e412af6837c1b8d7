"""Plan-time checks: catch at plan time what would otherwise fail half-way through apply.

* Subdomain availability (``check-subdomain``), skipped when the label is
  already this service's.
* Pending client agents (contract §5): the resource caps and the one-live-project
  rule are errors, so apply refuses before it creates anything; each names the
  ways out (lower the values, claim the agent, or use a token).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from odiac.gateway.errors import AuthenticationError, GatewayHTTPError
from odiac.plan.caps import cap_problems, ways_out

if TYPE_CHECKING:
    from odiac.gateway.auth import Credential
    from odiac.gateway.client import GatewayClient
    from odiac.plan.inputs import DesiredService, DesiredState, LiveState
    from odiac.state.refresh import Snapshot

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One plan-time check result; ``key_path`` points into ``opendeploy.toml``."""

    severity: Severity
    message: str
    key_path: tuple[str, ...] = ()
    hint: str | None = None
    claim_url: str | None = None


async def run_checks(
    client: GatewayClient,
    credential: Credential,
    desired: DesiredState,
    snapshot: Snapshot,
    *,
    pending: bool | None = None,
) -> list[Finding]:
    """Run every plan-time check concurrently; errors first, then warnings.

    ``pending`` is whether the credential is an anonymous agent, when the caller
    asked already (None: ask the gateway).
    """
    subdomains, agent = await asyncio.gather(
        check_subdomains(client, desired, snapshot),
        check_pending_agent(client, credential, desired, snapshot, pending=pending),
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
                Finding(
                    "error",
                    f"subdomain {label!r} is not a valid label",
                    path,
                    hint="Use 2-32 lowercase letters, digits and '-'.",
                )
            )
        elif isinstance(result, BaseException):
            raise result
        elif not result.available:
            findings.append(
                Finding(
                    "error",
                    f"subdomain {label!r} is not available ({result.reason or 'taken'})",
                    path,
                    hint="Choose another label.",
                )
            )
    return findings


async def check_pending_agent(
    client: GatewayClient,
    credential: Credential,
    desired: DesiredState,
    snapshot: Snapshot,
    *,
    pending: bool | None = None,
) -> list[Finding]:
    """Caps and the one-project rule, for a client agent not bound to an account yet."""
    if pending is None:
        pending = await is_pending_agent(client, credential)
    if not pending:
        return []  # a token, or a bound agent: the caps no longer apply
    # Shown only by the run that registered the agent; later runs point to `odiac auth claim`.
    claim = claim_link(credential) if credential.freshly_registered else None
    findings: list[Finding] = []
    if snapshot.live.project is None and snapshot.visible_projects:
        other = snapshot.visible_projects[0]
        claim_way = (
            "claim the agent (claim URL below)"
            if claim
            else "claim the agent (`odiac auth claim` shows how)"
        )
        findings.append(
            Finding(
                "error",
                f"this anonymous client agent already owns project {other.name!r} ({other.id})"
                f" and may own only one live project; nothing was created for"
                f" {desired.project.name!r}",
                ("project", "name"),
                hint=f"To deploy both, {claim_way} (sign in; the limit is lifted) or use a"
                " personal access token (OPENDEPLOY_TOKEN). Otherwise plan that project, or"
                " wait until it is collected after 6 idle hours.",
                claim_url=claim,
            )
        )
    findings.extend(cap_findings(desired, snapshot.live, claim_url=claim, fresh=False))
    for name, svc in sorted(desired.services.items()):
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


async def is_pending_agent(client: GatewayClient, credential: Credential) -> bool:
    """Whether ``credential`` is an anonymous client agent (no profile until it is bound)."""
    if credential.kind != "agent":
        return False
    try:
        await client.get_profile()
    except AuthenticationError:
        return True  # expected for a pending agent
    return False


def claim_link(credential: Credential) -> str | None:
    """Where the user claims this agent (the local gateway's page where it is served)."""
    url = credential.claim_url
    if url is None:
        return None
    from odiac.gateway.local import LOCAL_BASE_URL, LOCAL_SERVE_ORIGIN

    local_origin = LOCAL_BASE_URL.removesuffix("/api")
    if url.startswith(local_origin + "/"):
        return LOCAL_SERVE_ORIGIN + url[len(local_origin) :]
    return url


def cap_findings(
    desired: DesiredState, live: LiveState, *, claim_url: str | None, fresh: bool
) -> list[Finding]:
    """Every key above the anonymous caps, as errors naming the ways out."""
    hint = ways_out(claim_url, fresh=fresh)
    return [
        Finding("error", p.message, p.key_path, hint=hint, claim_url=claim_url)
        for p in cap_problems(desired, live)
    ]
