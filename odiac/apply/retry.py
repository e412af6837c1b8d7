"""Mutations that never duplicate: look up first, re-read after an ambiguous failure.

A mutating request that times out, loses its connection or gets a 5xx may have
been committed (contract gateway-api failure 30). Before any create odiac looks the resource up by
its stable name and adopts it (gateway-api failure 7); after an ambiguous failure it reads again and
retries at most once, only if the read shows nothing happened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from odiac.gateway.errors import GatewayError, GatewayHTTPError, GatewayTransportError

T = TypeVar("T")
Lookup = Callable[[], Awaitable[T | None]]

#: Pause before repeating a mutation that never reached the gateway (a restart,
#: a blip in the network): long enough for a restarting gateway to listen again.
UNSENT_RETRY_DELAY_S = 1.0


def is_ambiguous(exc: BaseException) -> bool:
    """Whether a failed mutation may nevertheless have been committed."""
    if isinstance(exc, GatewayTransportError):
        return bool(exc.ambiguous)
    if isinstance(exc, GatewayHTTPError):
        return exc.status >= 500
    return isinstance(exc, GatewayError) and bool(exc.ambiguous)


def was_never_sent(exc: BaseException) -> bool:
    """Whether a failed mutation certainly did not reach the gateway (safe to repeat)."""
    return isinstance(exc, GatewayTransportError) and not exc.ambiguous


async def repeat_if_unsent(call: Callable[[], Awaitable[T]]) -> T:
    """Run ``call``; if it could not even connect, wait a moment and run it once more."""
    try:
        return await call()
    except GatewayTransportError as exc:
        if not was_never_sent(exc):
            raise
    await asyncio.sleep(UNSENT_RETRY_DELAY_S)
    return await call()


async def create_once(
    create: Callable[[], Awaitable[T]],
    lookup: Lookup[T],
    *,
    adopt_on: Callable[[GatewayHTTPError], bool] | None = None,
) -> tuple[T, bool]:
    """Create a resource unless it exists; never create it twice.

    Args:
        create: Issues the create request and returns the resource.
        lookup: Finds the resource by its stable name (None when absent).
        adopt_on: Extra errors after which a lookup may find the resource (a 409
            "name already exists", gateway-api failure 7).

    Returns:
        ``(resource, adopted)``: adopted is True when it already existed.
    """
    found = await lookup()
    if found is not None:
        return found, True
    try:
        return await repeat_if_unsent(create), False
    except GatewayError as exc:
        conflict = isinstance(exc, GatewayHTTPError) and adopt_on is not None and adopt_on(exc)
        if not (is_ambiguous(exc) or conflict):
            raise
        found = await lookup()
        if found is not None:
            return found, True
        if conflict:
            raise
    return await create(), False


async def mutate_once(
    mutate: Callable[[], Awaitable[T]],
    settled: Lookup[T] | None = None,
) -> T:
    """Run an idempotent mutation; after an ambiguous failure, re-read, then retry once.

    Args:
        mutate: The request (a full replace or a partial update: repeating it is safe).
        settled: Reads the state back; a non-None answer means the change is already
            there and no retry is needed.
    """
    try:
        return await repeat_if_unsent(mutate)
    except GatewayError as exc:
        if not is_ambiguous(exc):
            raise
    if settled is not None:
        found = await settled()
        if found is not None:
            return found
    return await mutate()
