"""``--all-envs``: run one read-only command for every declared environment at once
(:func:`odiac.engine.environments.for_each_environment` does the work)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from odiac.engine.environments import EnvResult

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from odiac.cli.context import GlobalOptions
    from odiac.engine.session import Session

T = TypeVar("T")

__all__ = ["EnvResult", "declared_environments", "for_each_environment"]


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
    from odiac.engine.environments import for_each_environment as run

    return await run(
        options.config_file,
        declared_environments(options),
        work,
        gateway=options.gateway_override,
        token=token,
        allow_no_credential=allow_no_credential,
        warn=warn,
    )
