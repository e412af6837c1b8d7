"""Text of the end-of-apply report (contract §7.1.8) and of failures.

Pure functions returning lines; the CLI prints them. Env values never appear:
dependencies list the injected key names only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from odiac.apply.events import ApplyResult
    from odiac.gateway.auth import Credential

CLAIM_EXPIRY = "6h"
_WIDTH = 15


def _row(label: str, *cells: str) -> str:
    return f"{label + ':':<{_WIDTH}}" + "  ".join(cells)


def failure_lines(result: ApplyResult) -> list[str]:
    """Each failed action with its message, playbook hint and log tail."""
    lines: list[str] = []
    for failed in result.by_outcome("failed"):
        lines.append(f"Error: {failed.action_id}: {failed.detail}")
        if failed.log_tail:
            lines.append(f"  Last {len(failed.log_tail)} log lines:")
            lines.extend(f"    {line}" for line in failed.log_tail)
        if failed.hint:
            lines.append(f"  Hint: {failed.hint}")
    return lines


def outcome_lines(result: ApplyResult) -> list[str]:
    """Skipped / manual, one line each, then the summary (failures: :func:`failure_lines`)."""
    lines: list[str] = []
    for kind in ("skipped", "manual"):
        for item in result.by_outcome(kind):
            lines.append(f"{kind}: {item.action_id}: {item.detail}")
    lines.append(result.summary())
    return lines


def report_lines(result: ApplyResult, *, local: bool) -> list[str]:
    """The project / services / deployments / db lines."""
    if not result.project_id:
        return []
    lines = [_row("project_id", result.project_id)]
    for svc in result.services:
        where = svc.url or ("(no URL yet)" if svc.public else "(no public URL: not a web service)")
        lines.append(_row("services", svc.name, svc.service_id, where))
    for svc in result.services:
        if svc.deployment_id:
            lines.append(
                _row(
                    "deployments",
                    svc.name,
                    svc.deployment_id,
                    f"status={svc.deployment_status or 'unknown'}",
                )
            )
    for dep in result.dependencies:
        lines.append(
            _row("db", dep.engine, dep.dependency_id, f"injected=[{','.join(dep.injected)}]")
        )
    if local and any(s.url for s in result.services):
        lines.append(_row("live check", "skipped (the local gateway cannot serve app hosts)"))
    return lines


def claim_url(result: ApplyResult, credential: Credential, *, local: bool = False) -> str | None:
    """The claim URL to show, for an agent registered by this run only (contract 2.4).

    After a successful deploy the app URL is appended. The URL carries the bind
    signature, which odiac otherwise redacts: callers show it whole, once. The
    in-process local gateway has no address of its own, so its claim page is shown
    where ``odiac emulator serve`` (on the same database) answers by default.
    """
    url = credential.claim_url
    if not credential.freshly_registered or not url:
        return None
    from odiac.gateway.auth import claim_url_with_app

    if local:
        from odiac.gateway.local import LOCAL_BASE_URL, LOCAL_SERVE_ORIGIN

        local_origin = LOCAL_BASE_URL.removesuffix("/api")
        if url.startswith(local_origin + "/"):
            url = LOCAL_SERVE_ORIGIN + url[len(local_origin) :]

    app_url = next(
        (s.url for s in result.services if s.url and s.deployment_status == "success"), None
    )
    return claim_url_with_app(url, app_url) if app_url else url


def claim_lines(result: ApplyResult, credential: Credential, *, local: bool = False) -> list[str]:
    """The claim block of contract 7.1.8 (empty unless this run registered the agent)."""
    url = claim_url(result, credential, local=local)
    if url is None:
        return []
    lines = [
        _row("claim", url),
        _row("expires", CLAIM_EXPIRY),
        _row("status", "waiting on the user to sign in"),
    ]
    if local:
        from odiac.gateway.local import LOCAL_DB

        lines.append(_row("claim now", "odiac auth claim  (binds it to a local user at once)"))
        lines.append(_row("claim page", f"serve it with: odiac emulator serve --db {LOCAL_DB}"))
    return lines
