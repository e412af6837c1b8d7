"""The ``keyring:`` secret backend: ``{ secret = "keyring:shop/stripe" }``.

Reads the password of ``service/name`` from the operating system's keychain
through the optional ``keyring`` package (``pip install 'odiac[keyring]'``).
The part before the last ``/`` is the keyring service, the rest the user name.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from odiac.plugin import SecretBackend, SecretContext, hookimpl
from odiac_secrets._common import failure

if TYPE_CHECKING:
    from collections.abc import Iterator


def _keyring_module(reference: str) -> Any:
    try:
        # Imported lazily: keyring is an optional extra and slow to import.
        return importlib.import_module("keyring")
    except ImportError:
        raise failure(
            reference,
            "the keyring package is not installed",
            hint="pip install keyring (or: pip install 'odiac[keyring]')",
        ) from None


def resolve_keyring(ref: str, ctx: SecretContext) -> str:
    """Return the keychain password of ``service/name``.

    Raises:
        SecretError: The reference is not ``service/name``, keyring is not installed,
            the keychain fails, or holds no such entry.
    """
    del ctx
    reference = f"keyring:{ref}"
    service, sep, name = ref.rpartition("/")
    if not sep or not service or not name:
        raise failure(reference, "expected keyring:service/name")
    keyring = _keyring_module(reference)
    try:
        value = keyring.get_password(service, name)
    except Exception as exc:  # every keychain backend raises its own types
        raise failure(reference, f"the keychain failed ({type(exc).__name__})") from None
    if value is None:
        raise failure(reference, f"no keychain entry for service {service!r}, name {name!r}")
    return str(value)


@hookimpl
def odiac_secret_backends() -> Iterator[SecretBackend]:
    yield SecretBackend(
        scheme="keyring",
        resolver=resolve_keyring,
        priority=50,
        description="reads service/name from the OS keychain (optional extra: keyring)",
    )
