"""One piece of work for every environment of a file, concurrently.

Each environment gets its own session (its own overlay, project and gateway
connection); all of them run at once, so ten environments take about as long as
the slowest one. One failing environment never hides the others: its error is
returned in its place.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from odiac.engine.connect import open_session
from odiac.errors import OdiacError

if TYPE_CHECKING:
    import os
    from collections.abc import Awaitable, Callable

    from odiac.engine.session import Session

T = TypeVar("T")


@dataclass
class EnvResult(Generic[T]):
    """One environment's outcome: a value, or the error that stopped it."""

    environment: str
    project: str
    value: T | None = None
    error: OdiacError | None = None


async def for_each_environment(
    config_file: str | os.PathLike[str],
    environments: list[str],
    work: Callable[[Session], Awaitable[T]],
    *,
    gateway: str | None = None,
    token: str | None = None,
    allow_no_credential: bool = False,
    warn: Callable[[str], None] | None = None,
) -> list[EnvResult[T]]:
    """Run ``work`` in a session of every environment, concurrently (order kept).

    Sessions on the same gateway share one connection and one source scan and
    analysis. Arguments are those of :func:`~odiac.engine.connect.open_session`.
    """

    async def one(environment: str, shared: Session | None) -> EnvResult[T]:
        result: EnvResult[T] = EnvResult(environment, "")
        try:
            async with open_session(
                config_file,
                environment=environment,
                gateway=gateway,
                token=token,
                warn=warn,
                allow_no_credential=allow_no_credential,
                shared=shared,
            ) as session:
                result.project = session.loaded.config.project.name
                result.value = await work(session)
        except OdiacError as exc:
            result.error = exc
        return result

    # One connection for every environment on the same gateway: one credential
    # resolution, one connection pool (and one embedded gateway for "local").
    try:
        async with open_session(
            config_file,
            environment=environments[0],
            gateway=gateway,
            token=token,
            warn=warn,
            allow_no_credential=allow_no_credential,
        ) as connection:
            shared = dataclasses.replace(connection, memo={})
            return list(await asyncio.gather(*(one(env, shared) for env in environments)))
    except OdiacError as exc:
        # The connection itself failed (e.g. no credential): every environment says so.
        return [EnvResult(env, "", error=exc) for env in environments]
