"""Helpers shared by the built-in secret backends: paths, warnings, failures."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from odiac.errors import SecretError
from odiac.source import is_secret_file

if TYPE_CHECKING:
    from odiac.plugin import SecretContext


def failure(reference: str, why: str, *, hint: str | None = None) -> SecretError:
    """A :class:`SecretError` naming the reference and the reason (never a value)."""
    return SecretError(f"secret reference {reference}: {why}", hint=hint)


def warn(reference: str, message: str) -> None:
    """Report a problem that does not stop the run (shown as a plan warning)."""
    # stacklevel is irrelevant: odiac records these and shows only the message.
    warnings.warn(f"secret reference {reference}: {message}", UserWarning, stacklevel=2)


def local_path(ctx: SecretContext, raw: str) -> Path:
    """``raw`` resolved against the folder of ``opendeploy.toml`` (``~`` expanded)."""
    path = Path(raw).expanduser()
    return path if path.is_absolute() else ctx.workdir / path


def warn_if_uploadable(reference: str, ctx: SecretContext, path: Path) -> None:
    """Warn when a secret file lies in the project folder under a name the source
    archive does not leave out on its own (only ``.env*``, keys and credentials are)."""
    try:
        rel = path.resolve().relative_to(ctx.workdir.resolve()).as_posix()
    except ValueError:
        return  # outside the project folder: never part of the source
    if rel.startswith(".opendeploy/") or is_secret_file(rel):
        return
    warn(
        reference,
        f"{rel} is inside the project folder and may be uploaded with the source;"
        f' add "{rel}" to [source].exclude or keep it outside the project',
    )
