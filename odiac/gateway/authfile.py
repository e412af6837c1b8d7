"""The auth file ``.opendeploy/auth.json`` (format version 1, contract 2.5).

Reading never rewrites the file: a wrong version aborts with the file untouched.
Looser permissions are repaired (``chmod 600``) with a warning, never by deletion.
Writing creates the parent with mode 0700 and the file with umask 077, then
``chmod 600``.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from odiac.errors import CredentialError
from odiac.redact import register
from odiac.statedir import ensure_state_dir

if TYPE_CHECKING:
    from pathlib import Path

FORMAT_VERSION = 1
_FIELDS = ("api_key", "gateway", "agent_id", "bind_sig", "claim_url")
_TOLERATED_MODES = (0o600, 0o400)


@dataclass(frozen=True, repr=False)
class AuthFileData:
    """The fields of a version-1 auth file (``api_key`` is never shown by repr)."""

    api_key: str
    gateway: str | None = None
    agent_id: str | None = None
    bind_sig: str | None = None
    claim_url: str | None = None

    def __repr__(self) -> str:
        return f"AuthFileData(gateway={self.gateway!r}, agent_id={self.agent_id!r})"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": FORMAT_VERSION, "api_key": self.api_key}
        for key in ("gateway", "agent_id", "bind_sig", "claim_url"):
            value = getattr(self, key)
            if value:
                data[key] = value
        return data


def read_auth_file(path: Path) -> AuthFileData | None:
    """Load the auth file; None when it is missing, empty, or has an empty ``api_key``.

    Raises:
        CredentialError: unreadable, not JSON, not an object, a version other than 1,
            or a field of the wrong type (the file is left exactly as it was).
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CredentialError(f"Cannot read the auth file {path}: {exc.strerror}") from None
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise CredentialError(
            f"The auth file {path} is not valid JSON; odiac left it untouched.",
            hint="Fix or remove the file yourself, then run again.",
        ) from None
    if not isinstance(data, dict):
        raise CredentialError(
            f"The auth file {path} does not hold a JSON object; odiac left it untouched."
        )
    version = data.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        shown = "no version" if version is None else f"version {json.dumps(version)}"
        raise CredentialError(
            f"The auth file {path} has {shown}; this odiac reads format version "
            f"{FORMAT_VERSION} only. The file was left untouched.",
            hint="Use the odiac release that wrote it, or set OPENDEPLOY_TOKEN.",
        )
    wrong = [
        f"{key} is {type(data[key]).__name__.replace('dict', 'object').replace('list', 'array')}"
        for key in _FIELDS
        if data.get(key) is not None and not isinstance(data[key], str)
    ]
    if wrong:
        # Never replaced by a fresh registration: the key in it may be the only copy.
        raise CredentialError(
            f"The auth file {path} is malformed ({', '.join(wrong)}; text expected); "
            "odiac left it untouched.",
            hint="Fix the file yourself (the key may be its only copy), or set OPENDEPLOY_TOKEN.",
        )
    api_key = _text(data, "api_key")
    bind_sig = _text(data, "bind_sig")
    register(api_key)
    register(bind_sig)
    if not api_key:
        return None
    return AuthFileData(
        api_key=api_key,
        gateway=_text(data, "gateway"),
        agent_id=_text(data, "agent_id"),
        bind_sig=bind_sig,
        claim_url=_text(data, "claim_url"),
    )


def loose_mode(path: Path) -> int | None:
    """The file's permission bits when looser than 0600/0400, else None."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode in _TOLERATED_MODES or not mode & 0o077:
        return None
    return mode


def repair_mode(path: Path) -> None:
    """Restrict the file to its owner (``chmod 600``)."""
    os.chmod(path, 0o600)


def write_auth_file(path: Path, data: AuthFileData) -> None:
    """Write the full object atomically with mode 0600 (parent directory 0700)."""
    parent = path.parent
    ensure_state_dir(parent)
    text = json.dumps(data.to_json(), indent=2) + "\n"
    old_umask = os.umask(0o077)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".auth-", suffix=".tmp", dir=parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    finally:
        os.umask(old_umask)
    os.chmod(path, 0o600)


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None
