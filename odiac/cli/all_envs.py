"""``--all-envs``: run one read-only command for every declared environment at once.

Each environment gets its own session (its own overlay, project and gateway
connection); all of them run concurrently, so ten environments take about as long
as the slowest one. One failing environment never hides the others: its error is
reported in its place and in the summary.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from odiac.errors import OdiacError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from odiac.cli.context import GlobalOptions
    from odiac.cli.session import Session

T = TypeVar("T")


@dataclass
class EnvResult(Generic[T]):
    """One environment's outcome: a value, or the error that stopped it."""

    environment: str
    project: str
    value: T | None = None
    error: OdiacError | None = None


def declared_environments(options: GlobalOptions) -> list[str]:
    """Every environment the file declares, the default first (patterns excluded)."""
    from odiac.config.loader import load_config

    overrides = {"gateway.url": options.gateway} if options.gateway else None
    return list(load_config(options.config_file, None, overrides=overrides).environments)


async def for_each_environment(
    options: GlobalOptions,
    work: Callable[[Session], Awaitable[T]],
    *,
    token: str | None,
    allow_no_credential: bool = False,
    warn: Callable[[str], None] | None = None,
) -> list[EnvResult[T]]:
    """Run ``work`` in a session of every declared environment, concurrently."""
    from odiac.cli.session import open_session

    environments = declared_environments(options)

    async def one(environment: str, shared: Session | None) -> EnvResult[T]:
        scoped = dataclasses.replace(options, environment=environment)
        result: EnvResult[T] = EnvResult(environment, "")
        try:
            async with open_session(
                scoped,
                flag_token=token,
                allow_register=False,
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
    first = dataclasses.replace(options, environment=environments[0])
    try:
        async with open_session(
            first,
            flag_token=token,
            allow_register=False,
            warn=warn,
            allow_no_credential=allow_no_credential,
        ) as connection:
            shared = dataclasses.replace(connection, memo={})
            return list(await asyncio.gather(*(one(env, shared) for env in environments)))
    except OdiacError as exc:
        # The connection itself failed (e.g. no credential): every environment says so.
        return [EnvResult(env, "", error=exc) for env in environments]
