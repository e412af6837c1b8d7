"""Service domains: auto rows, subdomain renames, custom domains (gateway-api 3.9, 8)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from odiac.emulator import schemas, views
from odiac.emulator.auth import load_child, owns
from odiac.emulator.clock import rfc3339
from odiac.emulator.decode import decode, validate
from odiac.emulator.errors import bad_request, conflict, json_response
from odiac.emulator.fixtures import APP_SUFFIX, CNAME_TARGET, RESERVED_LABELS
from odiac.emulator.tokens import new_id

if TYPE_CHECKING:
    from starlette.responses import Response

    from odiac.emulator.routing import Ctx, RouteTable

LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$")
_DOMAIN_RE = re.compile(
    r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$"
)
_PUBLIC_SUFFIXES = frozenset(
    [
        "co.uk",
        "org.uk",
        "ac.uk",
        "gov.uk",
        "com.au",
        "net.au",
        "org.au",
        "co.jp",
        "co.nz",
        "com.br",
        "com.cn",
        "co.in",
        "co.za",
        "github.io",
        "herokuapp.com",
        "vercel.app",
        "netlify.app",
    ]
)
RETRY_WINDOW_S = 1800


def label_ok(label: str) -> bool:
    """Format rules of section 8 (2-32 chars, lowercase, no edge hyphens)."""
    return len(label) >= 2 and LABEL_RE.match(label) is not None


def _taken(ctx: Ctx, label: str, except_id: str | None = None) -> bool:
    return any(row["id"] != except_id for row in ctx.world.store.find("domain", label=label))


async def list_domains(ctx: Ctx) -> Response:
    """GET /v1/service-domains?service_id=: bare array, exact filters (3.9.1)."""
    service_id = ctx.query("service_id")
    if not service_id:
        raise bad_request("service_id is required")
    kind, environment = ctx.query("type"), ctx.query("environment")
    if kind is not None and kind not in ("auto", "custom"):
        raise bad_request("invalid type")
    service, _project = load_child(ctx.world.store, ctx.me, "service", service_id, "service")
    rows = sorted(
        ctx.world.store.find("domain", service_id=service["id"]), key=lambda d: d["created_at"]
    )
    out = [
        views.domain(r, ctx.now)
        for r in rows
        if (kind is None or r["type"] == kind)
        and (environment is None or r["environment"] == environment)
    ]
    return json_response(out)


async def check_subdomain(ctx: Ctx) -> Response:
    """GET /v1/service-domains/check-subdomain/{label} (3.9.2)."""
    label = ctx.params["label"]
    if not label_ok(label):
        raise bad_request("invalid subdomain format")
    if label in RESERVED_LABELS:
        return json_response({"available": False, "reason": "reserved"})
    if _taken(ctx, label):
        return json_response({"available": False, "reason": "taken"})
    return json_response({"available": True})


async def rename(ctx: Ctx) -> Response:
    """PUT /v1/service-domains/{id}/subdomain: rename the auto row in place (3.9.3)."""
    values = decode(schemas.RENAME_SUBDOMAIN, await ctx.body())
    validate(schemas.RENAME_SUBDOMAIN, values)
    label = values["subdomain"]
    if not label_ok(label):
        raise bad_request("invalid subdomain format")
    if label in RESERVED_LABELS:
        raise bad_request("subdomain is reserved")
    row, _project = load_child(ctx.world.store, ctx.me, "domain", ctx.params["id"], "domain")
    if row["type"] != "auto":
        raise bad_request("only auto domains can be renamed")
    if _taken(ctx, label, except_id=row["id"]):
        raise conflict("subdomain already taken")
    row.update(label=label, domain=f"{label}.{APP_SUFFIX}", updated_at=ctx.now)
    ctx.world.store.put("domain", row)
    return json_response(views.domain(row, ctx.now))


async def get_domain(ctx: Ctx) -> Response:
    """GET /v1/service-domains/{id} (3.9.4)."""
    row, _project = load_child(ctx.world.store, ctx.me, "domain", ctx.params["id"], "domain")
    return json_response(views.domain(row, ctx.now))


def _domain_ok(domain: str) -> bool:
    if not _DOMAIN_RE.match(domain) or domain in _PUBLIC_SUFFIXES:
        return False
    return not (domain == APP_SUFFIX or domain.endswith("." + APP_SUFFIX))


async def create_custom(ctx: Ctx) -> Response:
    """POST /v1/service-domains/: custom domain, bound credentials only (3.9.5)."""
    values = decode(schemas.CREATE_DOMAIN, await ctx.body())
    if values.get("type") != "custom":
        raise bad_request("auto domains are managed by the platform")
    validate(schemas.CREATE_DOMAIN, values)
    domain = values["domain"]
    if not _domain_ok(domain):
        raise bad_request("Invalid domain format")
    service, project = load_child(
        ctx.world.store, ctx.me, "service", values["service_id"], "service"
    )
    if ctx.world.store.find("domain", domain=domain):
        raise conflict("domain is already wired to a service")
    fail = ctx.world.take_fault({"domain_fail"}, ctx.request.method, ctx.request.url.path)
    row: dict[str, Any] = {
        "id": new_id(),
        "service_id": service["id"],
        "project_id": project["id"],
        "domain": domain,
        "label": None,
        "environment": values.get("environment") or "staging",
        "type": "custom",
        "status": "pending",
        "ssl_enabled": values.get("ssl_enabled", True),
        "is_primary": values.get("is_primary", False),
        "cname_target": CNAME_TARGET,
        "retry_count": 0,
        "fail": fail is not None,
        "started_at": ctx.now,
        "created_at": ctx.now,
    }
    ctx.world.store.put("domain", row)
    return json_response(views.domain(row, ctx.now), 201)


async def update_domain(ctx: Ctx) -> Response:
    """PUT /v1/service-domains/{id}: partial flag update (3.9.6)."""
    values = decode(schemas.UPDATE_DOMAIN, await ctx.body())
    row, project = load_child(ctx.world.store, ctx.me, "domain", ctx.params["id"], "domain")
    if "service_id" in values:
        service, _p = load_child(
            ctx.world.store, ctx.me, "service", values["service_id"], "service"
        )
        if service["project_id"] != project["id"]:
            raise bad_request("service does not belong to the domain's project")
        row["service_id"] = service["id"]
    for key in ("is_primary", "ssl_enabled", "description"):
        if key in values:
            row[key] = values[key]
    ctx.world.store.put("domain", row)
    return json_response(views.domain(row, ctx.now))


async def retry(ctx: Ctx) -> Response:
    """POST /v1/service-domains/{id}/retry: failed custom rows within 30 min."""
    row, _project = load_child(ctx.world.store, ctx.me, "domain", ctx.params["id"], "domain")
    if row["type"] != "custom":
        raise bad_request("Only custom domains can be retried")
    status, failed_at = views.custom_status(row, ctx.now)
    if status != "failed" or failed_at is None:
        raise bad_request("Only failed domains can be retried")
    if ctx.now - failed_at > RETRY_WINDOW_S:
        raise bad_request("Retry window expired (30 minutes)")
    fail = ctx.world.take_fault({"domain_fail"}, ctx.request.method, ctx.request.url.path)
    row.update(started_at=ctx.now, fail=fail is not None, retry_count=row.get("retry_count", 0) + 1)
    ctx.world.store.put("domain", row)
    return json_response(views.domain(row, ctx.now))


async def upload_ssl(ctx: Ctx) -> Response:
    """POST /v1/service-domains/{id}/ssl: PEM check only; the key is never stored."""
    values = decode(schemas.SSL_UPLOAD, await ctx.body())
    validate(schemas.SSL_UPLOAD, values)
    cert, key = values["certificate"], values["private_key"]
    if "-----BEGIN CERTIFICATE-----" not in cert or not re.search(
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----", key
    ):
        raise bad_request("invalid PEM")
    row, _project = load_child(ctx.world.store, ctx.me, "domain", ctx.params["id"], "domain")
    row["ssl_enabled"] = True  # the key itself is never stored
    ctx.world.store.put("domain", row)
    return json_response(views.domain(row, ctx.now))


async def delete_domain(ctx: Ctx) -> Response:
    """DELETE /v1/service-domains/{id} (PAT / bound agents)."""
    row, _project = load_child(ctx.world.store, ctx.me, "domain", ctx.params["id"], "domain")
    ctx.world.store.delete("domain", row["id"])
    return json_response({"message": "Domain deleted successfully, resources are being cleaned up"})


async def dns_check(ctx: Ctx) -> Response:
    """GET /v1/dns/check: answered from the custom rows' states."""
    domain = ctx.query("domain") or ""
    if not domain:
        raise bad_request("domain is required")
    domain_type = ctx.query("domain_type") or "custom"
    propagated = domain_type == "auto"
    if not propagated:
        for row in ctx.world.store.find("domain", domain=domain):
            project = ctx.world.store.get("project", row["project_id"])
            if project is None or not owns(ctx.me, project):
                continue
            propagated = views.custom_status(row, ctx.now)[0] in ("verified", "active")
    expected = [ip for ip in (ctx.query("expected_ip") or "").split(",") if ip]
    return json_response(
        {
            "domain": domain,
            "propagated": propagated,
            "progress": 100 if propagated else 0,
            "results": [{"resolver": "emulator", "propagated": propagated}],
            "http_reachable": propagated,
            "checked_at": rfc3339(ctx.now),
            "expected_ips": expected,
        }
    )


def routes(table: RouteTable) -> None:
    """Add this module's routes."""
    for root in ("/v1/service-domains", "/v1/service-domains/"):
        table.add("GET", root, list_domains)
        table.add("POST", root, create_custom, consent="custom_domain")
    table.add("GET", "/v1/service-domains/check-subdomain/{label}", check_subdomain)
    table.add("PUT", "/v1/service-domains/{id}/subdomain", rename)
    table.add("GET", "/v1/service-domains/{id}", get_domain)
    table.add("PUT", "/v1/service-domains/{id}", update_domain)
    table.add("DELETE", "/v1/service-domains/{id}", delete_domain)
    table.add("POST", "/v1/service-domains/{id}/retry", retry, consent="custom_domain")
    table.add("POST", "/v1/service-domains/{id}/ssl", upload_ssl, consent="security_sensitive")
    table.add("GET", "/v1/dns/check", dns_check)
