"""The ``dotenv:`` secret backend: ``{ secret = "dotenv:.env.production#STRIPE_KEY" }``.

The part before the last ``#`` is a dotenv file (relative to the folder of
``opendeploy.toml``), the part after it the key; the syntax is described in
:mod:`odiac_secrets._dotenv`. ``.env`` files are never uploaded with the
source; a file under another name inside the project folder is warned about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac.plugin import SecretBackend, SecretContext, hookimpl
from odiac_secrets._common import failure, local_path, warn_if_uploadable
from odiac_secrets._dotenv import DotenvSyntaxError, parse_dotenv
from odiac_secrets.file import read_secret_file

if TYPE_CHECKING:
    from collections.abc import Iterator


def resolve_dotenv(ref: str, ctx: SecretContext) -> str:
    """Return the value of ``KEY`` in the dotenv file of ``path#KEY``.

    Raises:
        SecretError: The reference lacks ``#KEY``, the file is missing, unreadable
            or malformed (the line is named, never its text), or has no such key.
    """
    reference = f"dotenv:{ref}"
    raw_path, sep, key = ref.rpartition("#")
    if not sep or not raw_path or not key:
        raise failure(reference, "expected dotenv:path/to/.env#KEY")
    path = local_path(ctx, raw_path)
    text = read_secret_file(reference, path)
    try:
        values = parse_dotenv(text)
    except DotenvSyntaxError as exc:
        raise failure(reference, f"{path} is not a valid dotenv file: {exc}") from None
    if key not in values:
        known = ", ".join(sorted(values)) or "none"
        raise failure(reference, f"{path} has no key {key} (keys: {known})")
    warn_if_uploadable(reference, ctx, path)
    return values[key]


@hookimpl
def odiac_secret_backends() -> Iterator[SecretBackend]:
    yield SecretBackend(
        scheme="dotenv",
        resolver=resolve_dotenv,
        priority=30,
        description="reads KEY from a dotenv file: dotenv:path/to/.env#KEY",
    )
