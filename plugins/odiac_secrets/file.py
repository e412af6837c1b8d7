"""The ``file:`` secret backend: ``{ secret = "file:secrets/stripe_key" }``.

The value is the file's text with one trailing newline removed. A relative path
resolves against the folder of ``opendeploy.toml``. A file that other users may
read (permissions looser than 0600) is used, with a warning.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

from odiac.plugin import SecretBackend, SecretContext, hookimpl
from odiac_secrets._common import failure, local_path, warn, warn_if_uploadable

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def strip_newline(text: str) -> str:
    """Remove one trailing line break (``\\n`` or ``\\r\\n``), as editors add one."""
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith("\n") else text


def read_secret_file(reference: str, path: Path) -> str:
    """Read a secret file as UTF-8 text, failing with a reason that names ``reference``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise failure(reference, f"no such file: {path}") from None
    except IsADirectoryError:
        raise failure(reference, f"{path} is a directory, not a file") from None
    except PermissionError:
        raise failure(reference, f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise failure(reference, f"cannot read {path}: {exc.strerror or 'I/O error'}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise failure(reference, f"{path} is not UTF-8 text") from None


def warn_if_readable_by_others(reference: str, path: Path) -> None:
    """Warn when group or other users may read or write the file (mode looser than 0600)."""
    if os.name != "posix":
        return  # Windows ACLs do not map onto mode bits
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return
    if mode & 0o077:
        warn(reference, f"{path} has mode {mode:04o}, looser than 0600; run: chmod 600 {path}")


def resolve_file(ref: str, ctx: SecretContext) -> str:
    """Return the contents of the file ``ref`` without its trailing newline.

    Raises:
        SecretError: The path is empty, missing, unreadable, a directory, or not UTF-8.
    """
    reference = f"file:{ref}"
    if not ref:
        raise failure(reference, "no path after 'file:'")
    path = local_path(ctx, ref)
    value = strip_newline(read_secret_file(reference, path))
    warn_if_readable_by_others(reference, path)
    warn_if_uploadable(reference, ctx, path)
    return value


@hookimpl
def odiac_secret_backends() -> Iterator[SecretBackend]:
    yield SecretBackend(
        scheme="file",
        resolver=resolve_file,
        priority=20,
        description="reads the value from a file (one trailing newline removed; mode 0600)",
    )
