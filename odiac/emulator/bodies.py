"""Request bodies read with a ceiling, enforced while they stream in.

A declared ``Content-Length`` over the limit is refused before a byte is read;
a body without one (chunked) is cut off as soon as it passes the limit, so the
emulator never buffers more than the limit of any request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac.emulator.errors import ApiError

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.types import Message, Receive

TOO_LARGE = "request body too large"


class BodyTooLarge(Exception):
    """The body passed its limit (raised from inside a limited ``receive``)."""


def too_large(limit: int, message: str = TOO_LARGE) -> ApiError:
    """The 413 answer, with the limit in bytes."""
    return ApiError(413, {"error": message, "limit": limit})


def declared_over(request: Request, limit: int) -> bool:
    """True when the declared ``Content-Length`` is already over ``limit``."""
    declared = request.headers.get("content-length", "").strip()
    return declared.isdigit() and int(declared) > limit


async def read(request: Request, limit: int, message: str = TOO_LARGE) -> bytes:
    """The whole body, or a 413 as soon as it is known to exceed ``limit`` bytes."""
    if declared_over(request, limit):
        raise too_large(limit, message)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit, message)
        chunks.append(chunk)
    return b"".join(chunks)


def limited(receive: Receive, limit: int) -> Receive:
    """A ``receive`` that raises :class:`BodyTooLarge` once ``limit`` bytes passed."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return wrapped
