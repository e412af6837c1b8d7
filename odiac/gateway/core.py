"""The single place where odiac sends HTTP requests to a gateway.

It builds canonical paths (gateway-api 1.3), adds Bearer auth and the stable
``User-Agent``, never follows redirects, retries idempotent reads only, logs
redacted traffic to ``odiac.http`` and turns every failure into a
:class:`~odiac.gateway.errors.GatewayError`.

Connections come from :class:`ShardedPool`: a refresh fans out one read per
service at once, and a single httpcore pool rescans (and polls the socket of)
every connection it holds each time a request starts or ends, so its cost grows
with the square of the fan-out. Many small pools keep every scan short.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from odiac import __version__
from odiac.gateway.errors import (
    GatewayError,
    GatewayHTTPError,
    GatewayProtocolError,
    GatewayTransportError,
)
from odiac.gateway.responses import http_error, parse_retry_after, redirect_error
from odiac.gateway.traffic import describe_body, describe_text
from odiac.redact import redact, register

log = logging.getLogger("odiac.http")

READ_METHODS = frozenset({"GET", "HEAD"})
# A read is safe to repeat; a 500 from a flaky upstream usually passes (contract gateway-api failure 30
# covers mutations, which are never retried here).
_RETRY_STATUSES = frozenset({500, 502, 503, 504})
# The four collection roots registered WITH a trailing slash (gateway-api 1.3).
_COLLECTION_RE = re.compile(r"^/v1/(?:projects|deployments|regions|projects/[^/]+/services)/?$")
# Valid with and without the slash; never redirected (gateway-api 1.3 exception).
_EITHER_FORM = frozenset({"/v1/service-domains", "/v1/service-domains/"})

Sleep = Callable[[float], Awaitable[None]]


def canonical_path(path: str) -> str:
    """The form of ``path`` the gateway serves without a redirect (gateway-api quirk 1-gateway-api quirk 3)."""
    if path in _EITHER_FORM:
        return path
    if _COLLECTION_RE.match(path):
        return path.rstrip("/") + "/"
    return path.rstrip("/") or "/"


@dataclass(frozen=True)
class RequestRecord:
    """One round trip, as reported to the ``on_request`` callback."""

    method: str
    path: str
    status: int | None
    elapsed: float
    attempt: int


class _Release(httpx.AsyncByteStream):
    """A response body that frees its pool slot once, when it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        release, self._release = self._release, None
        try:
            await self._stream.aclose()
        finally:
            if release is not None:
                release()


class ShardedPool(httpx.AsyncBaseTransport):
    """Connection pooling over ``shards`` small httpcore pools.

    Each request goes to the pool with the fewest requests in flight (the first on
    a tie, so sequential requests keep reusing one warm connection); it counts as
    in flight until its body is closed, exactly as long as it holds a connection.

    Args:
        shards: Number of pools.
        per_shard: Connections (all kept alive when idle) per pool.
        tls: Load the CA bundle for ``https://`` (tens of milliseconds). A pool for an
            ``http://`` gateway skips it and refuses ``https://`` requests outright.
    """

    def __init__(self, shards: int = 50, per_shard: int = 2, *, tls: bool = True) -> None:
        self.tls = tls
        # One TLS context for all pools: building one loads the CA bundle. Without
        # TLS, a context that verifies but trusts no CA: it can never connect, so
        # nothing is weakened even if a request slipped past the scheme check.
        self.ssl_context = (
            httpx.create_ssl_context() if tls else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        )
        limits = httpx.Limits(max_connections=per_shard, max_keepalive_connections=per_shard)
        self._pools = [
            httpx.AsyncHTTPTransport(verify=self.ssl_context, limits=limits) for _ in range(shards)
        ]
        self._in_flight = [0] * shards

    @property
    def in_flight(self) -> list[int]:
        """Requests holding a connection, per pool."""
        return list(self._in_flight)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.tls and request.url.scheme != "http":
            raise httpx.UnsupportedProtocol(
                f"this connection pool serves http:// only, not {request.url.scheme}://"
            )
        index = min(range(len(self._pools)), key=self._in_flight.__getitem__)
        self._in_flight[index] += 1

        def release() -> None:
            self._in_flight[index] -= 1

        try:
            response = await self._pools[index].handle_async_request(request)
        except BaseException:
            release()
            raise
        if isinstance(response.stream, httpx.AsyncByteStream):
            response.stream = _Release(response.stream, release)
        else:  # not from an async pool: no connection is held
            release()
        return response

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()


class HTTPCore:
    """Sends requests, maps failures to errors and retries safe reads."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None,
        timeout: float,
        user_agent: str | None,
        max_read_retries: int,
        on_request: Callable[[RequestRecord], None] | None,
        sleep: Sleep | None,
        backoff: float,
        max_retry_after: float,
    ) -> None:
        register(token)
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._max_read_retries = max(0, max_read_retries)
        self._on_request = on_request
        self._sleep: Sleep = sleep or asyncio.sleep
        self._backoff = backoff
        self._max_retry_after = max_retry_after
        self.round_trips = 0
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport if transport is not None else ShardedPool(tls=needs_tls(base_url)),
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={
                "User-Agent": user_agent or f"odiac/{__version__}",
                "Accept": "application/json",
            },
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        authenticated: bool = True,
        timeout: float | None = None,
    ) -> Any:
        """Send one logical request and return its decoded JSON body (None if empty)."""
        path = canonical_path(path)
        query = {k: v for k, v in (params or {}).items() if v is not None}
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._send_once(
                    method,
                    path,
                    attempt,
                    json_body=json_body,
                    params=query,
                    files=files,
                    data=data,
                    authenticated=authenticated,
                    timeout=timeout,
                )
                return self._decode(method, path, response)
            except GatewayError as exc:
                delay = self._retry_delay(method, exc, attempt)
                if delay is None:
                    raise
                log.debug("retrying %s %s in %.2fs after: %s", method, path, delay, exc)
                await self._sleep(delay)

    @asynccontextmanager
    async def stream(
        self, path: str, params: dict[str, Any] | None = None
    ) -> AsyncIterator[httpx.Response]:
        """Open a streaming GET (no read timeout, no retries); yields the 2xx response."""
        path = canonical_path(path)
        started = time.monotonic()
        timeout = httpx.Timeout(self._client.timeout.connect, read=None)
        try:
            async with self._client.stream(
                "GET", path, params=params, headers=self._headers(True), timeout=timeout
            ) as response:
                self._record("GET", path, response.status_code, started, 1)
                if response.status_code >= 300:
                    await response.aread()
                    self._decode("GET", path, response)
                yield response
        except httpx.HTTPError as exc:
            raise self._transport_error("GET", path, exc) from None

    # -- internals -------------------------------------------------------------

    def _headers(self, authenticated: bool) -> dict[str, str]:
        if authenticated and self._token:
            return {"Authorization": f"Bearer {self._token}"}
        return {}

    async def _send_once(
        self,
        method: str,
        path: str,
        attempt: int,
        *,
        json_body: Any,
        params: dict[str, Any],
        files: dict[str, Any] | None,
        data: dict[str, Any] | None,
        authenticated: bool,
        timeout: float | None,
    ) -> httpx.Response:
        if log.isEnabledFor(logging.DEBUG):
            shown = f" {redact(str(params))}" if params else ""
            body = f" body={describe_body(json_body)}" if json_body is not None else ""
            form = f" form={describe_body(data)}" if data else ""
            log.debug("-> %s %s%s%s%s", method, path, shown, body, form)
        started = time.monotonic()
        kwargs: dict[str, Any] = {}
        if timeout is not None:
            kwargs["timeout"] = httpx.Timeout(timeout)
        try:
            response = await self._client.request(
                method,
                path,
                json=json_body,
                params=params or None,
                files=files,
                data=data,
                headers=self._headers(authenticated),
                **kwargs,
            )
        except httpx.HTTPError as exc:
            self._record(method, path, None, started, attempt)
            raise self._transport_error(method, path, exc) from None
        self._record(method, path, response.status_code, started, attempt)
        return response

    def _record(
        self, method: str, path: str, status: int | None, started: float, attempt: int
    ) -> None:
        self.round_trips += 1
        elapsed = time.monotonic() - started
        if status is not None:
            log.debug("<- %s %s %s (%.0f ms)", status, method, path, elapsed * 1000)
        if self._on_request is not None:
            self._on_request(RequestRecord(method, path, status, elapsed, attempt))

    def _decode(self, method: str, path: str, response: httpx.Response) -> Any:
        status = response.status_code
        if 300 <= status < 400:
            raise redirect_error(method, path, status, response.headers.get("location", ""))
        content_type = response.headers.get("content-type", "")
        if status >= 400:
            raise http_error(
                method,
                path,
                status,
                content=response.content,
                content_type=content_type,
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        if not response.content.strip():
            return None
        try:
            body = json.loads(response.content)
        except (ValueError, UnicodeDecodeError, RecursionError):
            text = response.content.decode("utf-8", "replace")
            raise GatewayProtocolError(
                f"{method} {path} answered {status} with {describe_text(content_type, text)} "
                "instead of JSON",
                method=method,
                path=path,
                ambiguous=method not in READ_METHODS,
            ) from None
        if log.isEnabledFor(logging.DEBUG):
            log.debug("<- body %s", describe_body(body))
        return body

    def _transport_error(
        self, method: str, path: str, exc: httpx.HTTPError
    ) -> GatewayTransportError:
        # Nothing reached the server when the connection was never made.
        never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
        if isinstance(exc, httpx.TimeoutException):
            what = "timed out"
        elif never_sent:
            what = "could not connect"
        else:
            what = "lost the connection"
        ambiguous = method not in READ_METHODS and not never_sent
        suffix = (
            " (the change may have been applied: read back before retrying)" if ambiguous else ""
        )
        return GatewayTransportError(
            f"{method} {path} {what}: {type(exc).__name__}{_detail(exc)}{suffix}",
            method=method,
            path=path,
            ambiguous=ambiguous,
            playbook="failure-30" if ambiguous else None,
        )

    def _retry_delay(self, method: str, exc: GatewayError, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when the error must surface."""
        if method not in READ_METHODS or attempt > self._max_read_retries:
            return None
        backoff = min(self._backoff * float(2 ** (attempt - 1)), 30.0)
        if isinstance(exc, GatewayTransportError):
            return backoff
        if not isinstance(exc, GatewayHTTPError):
            return None
        retry_after = exc.fields.get("retry_after")
        if exc.status in (429, 503) and isinstance(retry_after, int):
            return float(retry_after) if retry_after <= self._max_retry_after else None
        if exc.status in _RETRY_STATUSES:
            return backoff
        return None


def needs_tls(base_url: str) -> bool:
    """Anything but a plain ``http://`` gateway gets the CA bundle (fail safe)."""
    return not base_url.strip().lower().startswith("http://")


def _detail(exc: httpx.HTTPError) -> str:
    text = str(exc).strip()
    return f" ({redact(text)})" if text else ""
