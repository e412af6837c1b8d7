"""The plan key: secrets enter plans only as HMAC digests under it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from odiac.statedir import ensure_state_dir

PLAN_KEY = Path(".opendeploy/plan-key")
KEY_BYTES = 32


def load_plan_key(workdir: Path) -> bytes:
    """The plan key (``.opendeploy/plan-key``, mode 0600), created on first use.

    Secrets enter plans only as HMAC digests under this key, so a plan file alone
    cannot be used to brute-force a secret offline.
    """
    path = workdir / PLAN_KEY
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    if len(data) >= KEY_BYTES:
        return data[:KEY_BYTES]
    ensure_state_dir(path.parent)
    key = secrets.token_bytes(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    os.chmod(path, 0o600)
    return key
