"""The gateway route table and the Go-router path rules (gateway-api 1.3, 3.12).

Routes are matched on the path below ``/api``. Four collection roots are
registered with a trailing slash; everything else without one. A path that only
differs from a registered route by its trailing slash is redirected.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.responses import Response

from odiac.emulator import bodies

if TYPE_CHECKING:
    from starlette.requests import Request

    from odiac.emulator.auth import Caller
    from odiac.emulator.world import World


@dataclass
class Ctx:
    """One request as a handler sees it."""

    request: Request
    world: World
    caller: Caller | None
    params: dict[str, str]
    now: float
    _body: bytes | None = field(default=None, repr=False)

    async def body(self, limit: int | None = None, message: str = bodies.TOO_LARGE) -> bytes:
        """The raw request body (read once), 413 beyond ``limit`` bytes.

        The limit defaults to the ``json_body_max_bytes`` setting.
        """
        if self._body is None:
            if limit is None:
                limit = int(self.world.settings["json_body_max_bytes"])
            self._body = await bodies.read(self.request, limit, message)
        return self._body

    @property
    def me(self) -> Caller:
        """The authenticated caller (routes behind authentication only)."""
        if self.caller is None:  # pragma: no cover - a routing bug, not a client error
            raise RuntimeError("route needs an authenticated caller")
        return self.caller

    def query(self, name: str) -> str | None:
        """A query parameter, or None."""
        return self.request.query_params.get(name)


Handler = Callable[[Ctx], Awaitable[Response]]


@dataclass(frozen=True)
class Route:
    """One registered route."""

    method: str
    path: str
    handler: Handler
    anonymous: bool = False
    consent: str = ""
    regex: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.path)
        object.__setattr__(self, "regex", re.compile(f"^{pattern}$"))

    def match(self, path: str) -> dict[str, str] | None:
        """Path parameters when ``path`` fits this route."""
        found = self.regex.match(path)
        return None if found is None else found.groupdict()


class RouteTable:
    """All gateway routes below ``/api``."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(
        self,
        method: str,
        path: str,
        handler: Handler,
        *,
        anonymous: bool = False,
        consent: str = "",
    ) -> None:
        """Register one route; ``consent`` names the newer-profile consent kind it needs."""
        self.routes.append(Route(method, path, handler, anonymous, consent))

    def lookup(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route for ``method`` and ``path``; literal segments win over parameters."""
        best: tuple[Route, dict[str, str]] | None = None
        for route in self.routes:
            if route.method != method:
                continue
            params = route.match(path)
            if params is None:
                continue
            if best is None or len(params) < len(best[1]):
                best = (route, params)
        return best

    def path_known(self, path: str) -> bool:
        """True when any method is registered on ``path``."""
        return any(route.match(path) is not None for route in self.routes)

    def redirect_target(self, path: str) -> str | None:
        """The other slash form of ``path`` when only that form is registered."""
        if path.rstrip("/") == "/v1/service-domains":
            return None  # both forms are valid (gateway-api 1.3)
        if self.path_known(path):
            return None
        other = path[:-1] if path.endswith("/") else path + "/"
        if other and self.path_known(other):
            return other
        return None


def tier_gated(method: str, path: str) -> bool:
    """Routes closed to pending agents with ``bind_required`` (gateway-api 5.2)."""
    if path == "/v1/billing" or path.startswith("/v1/billing/"):
        return True
    if method == "POST" and path.rstrip("/") == "/v1/service-domains":
        return True
    parts = path.strip("/").split("/")
    return (
        method == "POST"
        and len(parts) == 4
        and parts[:2] == ["v1", "service-domains"]
        and parts[3] in ("retry", "ssl")
    )
