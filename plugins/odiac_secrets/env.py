"""The ``env:`` secret backend: ``{ secret = "env:NAME" }`` reads ``$NAME``."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from odiac.errors import SecretError
from odiac.plugin import SecretBackend, SecretContext, hookimpl

if TYPE_CHECKING:
    from collections.abc import Iterator


def resolve_env(ref: str, ctx: SecretContext) -> str:
    """Return the value of the environment variable ``ref``.

    Raises:
        SecretError: ``ref`` is empty or the variable is not set.
    """
    if not ref:
        raise SecretError("secret reference env:: no variable name after 'env:'")
    value = os.environ.get(ref)
    if value is None:
        raise SecretError(f"secret reference env:{ref}: environment variable {ref} is not set")
    return value


@hookimpl
def odiac_secret_backends() -> Iterator[SecretBackend]:
    yield SecretBackend(
        scheme="env",
        resolver=resolve_env,
        priority=10,
        description="reads the value from an environment variable of the odiac process",
    )
