"""Test kit for gateway-client tests: a scripted gateway behind httpx.MockTransport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from odiac.gateway.client import GatewayClient

BASE = "https://gw.example.test/api"
# Token-shaped but fake; planted so tests can prove it never leaks.
TOKEN = "od_a" + "Q7x" * 14 + "k"
assert len(TOKEN) == 47

T = TypeVar("T")

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to completion (tests stay plain functions)."""
    return asyncio.run(coro)


def reply(
    status: int = 200, body: Any = None, *, headers: dict[str, str] | None = None
) -> httpx.Response:
    """A JSON answer (or an empty one when ``body`` is None)."""
    if body is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


def text_reply(
    status: int, text: str, content_type: str = "text/plain; charset=utf-8"
) -> httpx.Response:
    return httpx.Response(status, content=text.encode(), headers={"content-type": content_type})


@dataclass
class ScriptedGateway:
    """Answers scripted replies per (method, path); anything else gets the router's plain 404.

    Each route holds a queue of replies; the last one repeats. ``requests`` records every
    request that reached the transport, ``sleeps`` every backoff delay the client asked for.
    """

    routes: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)

    def on(self, method: str, path: str, *replies: Reply) -> None:
        self.routes[(method, "/api" + path)] = list(replies)

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        queue = self.routes.get((request.method, request.url.raw_path.decode().split("?")[0]))
        if not queue:
            return text_reply(404, "404 page not found")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer

    async def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def client(self, token: str | None = TOKEN, **options: Any) -> GatewayClient:
        options.setdefault("sleep", self._sleep)
        return GatewayClient(BASE, token, transport=httpx.MockTransport(self.handler), **options)

    def body(self, index: int = -1) -> Any:
        """The JSON body of a recorded request."""
        return json.loads(self.requests[index].content)

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.raw_path.decode()}" for r in self.requests]
