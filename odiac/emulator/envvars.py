"""Environment variable rules: limits, sensitive keys, encryption at rest (gateway-api 9).

Values are stored encrypted with a keystream derived from the emulator's
secret (enough to keep plaintext out of the database file and state dumps;
this is an emulator, not a vault).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import TYPE_CHECKING, Any

from odiac.emulator.errors import bad_request

if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_KEY = 128
MAX_VALUE = 32 * 1024
_SENSITIVE_PARTS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "PRIVATE_KEY")
_CONNECTION_KEYS = (
    "DATABASE_URL", "DB_URL", "POSTGRES_URL", "POSTGRESQL_URL", "PG_URL", "MYSQL_URL",
    "MONGODB_URI", "MONGO_URL", "MONGO_URI", "REDIS_URL", "CLICKHOUSE_URL",
)  # fmt: skip
_BAD_KEY = re.compile(r"[=\s\x00]")


def sensitive(key: str) -> bool:
    """True for keys the platform encrypts at rest on service writes (9.5)."""
    upper = key.upper()
    if any(part in upper for part in _SENSITIVE_PARTS):
        return True
    return any(upper == k or upper.endswith(k) for k in _CONNECTION_KEYS)


def check(variables: Mapping[str, str]) -> None:
    """Apply the key and value limits of 9.4; raise 400 on the first violation."""
    for key, value in variables.items():
        if not key or len(key) > MAX_KEY:
            raise bad_request(f"invalid variable key: length must be 1-{MAX_KEY} characters")
        if _BAD_KEY.search(key):
            raise bad_request(f"invalid variable key {key!r}: no '=', whitespace or NUL allowed")
        if len(value.encode("utf-8")) > MAX_VALUE:
            raise bad_request(f"value of {key} exceeds {MAX_VALUE} bytes")


def seal(
    variables: Mapping[str, str], secret: str, *, encrypt_all: bool
) -> dict[str, dict[str, Any]]:
    """Stored form of a variable map; sensitive keys (or all) are encrypted."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in variables.items():
        if encrypt_all or sensitive(key):
            out[key] = {"v": _encrypt(value, secret), "encrypted": True}
        else:
            out[key] = {"v": value, "encrypted": False}
    return out


def decrypt(entry: Mapping[str, Any], secret: str) -> str:
    """Plaintext of one stored variable."""
    value = str(entry["v"])
    return _decrypt(value, secret) if entry.get("encrypted") else value


def plain(stored: Mapping[str, Mapping[str, Any]], secret: str) -> dict[str, str]:
    """Plaintext map of stored variables."""
    return {key: decrypt(entry, secret) for key, entry in stored.items()}


def _stream(secret: str, nonce: bytes, size: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(secret.encode() + nonce + counter.to_bytes(8, "big")).digest()
        counter += 1
    return bytes(out[:size])


def _encrypt(value: str, secret: str) -> str:
    data = value.encode("utf-8")
    nonce = secrets.token_bytes(12)
    cipher = bytes(a ^ b for a, b in zip(data, _stream(secret, nonce, len(data)), strict=True))
    return base64.b64encode(nonce + cipher).decode()


def _decrypt(value: str, secret: str) -> str:
    raw = base64.b64decode(value)
    nonce, cipher = raw[:12], raw[12:]
    data = bytes(a ^ b for a, b in zip(cipher, _stream(secret, nonce, len(cipher)), strict=True))
    return data.decode("utf-8")
