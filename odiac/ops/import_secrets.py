"""What ``odiac import`` must treat as secret besides sensitive key names.

A live value is written as an ``env:`` reference, never as text, when the gateway
stores it encrypted, or when it equals (or contains) a secret this run knows: a
value a reference of the folder's existing ``opendeploy.toml`` resolves to, the
credential, or anything token-shaped. The check goes through the one redaction
layer, so "known secret" means the same thing as everywhere else in odiac.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from odiac.errors import OdiacError
from odiac.redact import MASK, redact

if TYPE_CHECKING:
    from pathlib import Path


def is_known_secret(value: str) -> bool:
    """Whether output would mask ``value`` (a registered secret, or token-shaped)."""
    return bool(value) and redact(value).count(MASK) > value.count(MASK)


def learn_existing_secrets(config_path: Path, environment: str | None) -> int:
    """Resolve the secret references of an existing ``opendeploy.toml`` (registering each
    value for redaction); a file that does not load, or a reference that does not
    resolve, is skipped. Returns how many values were learnt."""
    if not config_path.is_file():
        return 0
    from odiac.config.loader import load_config
    from odiac.desired.secrets import RunSecrets, secret_references
    from odiac.plugin.manager import get_plugin_manager
    from odiac.plugin.types import SecretContext

    try:
        loaded = load_config(config_path, environment)
    except OdiacError:
        return 0
    context = SecretContext(workdir=config_path.resolve().parent, environment=loaded.environment)
    run = RunSecrets(get_plugin_manager(), context)
    learnt = 0
    for reference in secret_references(loaded.config):
        with contextlib.suppress(OdiacError):
            run.resolve(reference.ref)
            learnt += 1
    return learnt
