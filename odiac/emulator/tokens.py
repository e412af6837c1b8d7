"""Token minting, hashing and constant-time checks (gateway-api 2.1).

Plaintext tokens exist only in the response that issues them; the store keeps
their SHA-256 (tokens carry 256 bits of randomness, so a plain hash is enough).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import uuid

TOKEN_RE = re.compile(r"^od_[ka][0-9A-Za-z]{43}$")
_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def mint(kind: str) -> str:
    """A fresh ``od_<kind>`` token with a 43-character base62 body."""
    return f"od_{kind}" + "".join(secrets.choice(_BASE62) for _ in range(43))


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time string equality."""
    return hmac.compare_digest(a.encode(), b.encode())


def bind_signature(secret: str, agent_id: str) -> str:
    """The 16-hex-character bind seal of an agent (gateway-api 3.1.1)."""
    mac = hmac.new(secret.encode(), agent_id.encode(), hashlib.sha256).hexdigest()
    return mac[:16]


def new_secret() -> str:
    """A random server secret for bind seals and env encryption."""
    return secrets.token_hex(32)


def new_id() -> str:
    """A lowercase UUID v4."""
    return str(uuid.uuid4())
