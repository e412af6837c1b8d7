"""Who may use ``/_emulator/*``: not a web page, and only with the key when one is set.

A page the developer opens in a browser can send "simple" cross-origin requests
(``text/plain`` or form bodies, no preflight) to a local server. Browsers always
say where such a request comes from (``Origin``), so the control surface refuses

* any ``Origin`` other than the emulator itself reached on a loopback name (or
  its configured public URL): this also defeats DNS rebinding, where the page's
  own name is made to point at 127.0.0.1;
* ``Sec-Fetch-Site: cross-site``;
* a body, or a declared content type, that is not JSON (only a JSON request
  needs a CORS preflight, which the emulator never grants).

Then the ``X-Emulator-Key`` is checked when the emulator has one.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from odiac.emulator import tokens
from odiac.emulator.errors import json_response

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from odiac.emulator.world import World


def _loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def trusted_origin(world: World, request: Request, origin: str) -> bool:
    """True when ``origin`` is this emulator itself (loopback) or its public URL."""
    if world.public_base_url:
        public = urlsplit(world.public_base_url)
        if origin.lower() == f"{public.scheme}://{public.netloc}".lower():
            return True
    host = request.headers.get("host", "")
    parsed = urlsplit(f"//{host}")
    if not host or not _loopback(parsed.hostname or ""):
        return False
    return origin.lower() == f"{request.url.scheme}://{host}".lower()


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def refusal(world: World, request: Request) -> Response | None:
    """The answer refusing ``request``, or None when it may proceed."""
    origin = request.headers.get("origin")
    cross = request.headers.get("sec-fetch-site", "").lower() == "cross-site"
    if cross or (origin is not None and not trusted_origin(world, request, origin)):
        return json_response(
            {"error": "the control surface refuses requests from web pages (Origin)"}, 403
        )
    content_type = request.headers.get("content-type")
    length = request.headers.get("content-length", "").strip()
    has_body = "transfer-encoding" in request.headers or (length not in ("", "0"))
    if (content_type is not None or has_body) and not _is_json(content_type or ""):
        return json_response(
            {"error": "the control surface takes JSON only (Content-Type: application/json)"}, 415
        )
    if world.key is not None:
        given = request.headers.get("x-emulator-key", "")
        if not tokens.same(given, world.key):
            return json_response({"error": "emulator key required"}, 401)
    return None
