"""Env files (analysis-rules §1.5) and env-name classification (§7.1-§7.3).

Templates describe which keys exist; values of real ``.env`` files are never
read into the analysis (only their key names, to classify them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

TEMPLATE_RE = re.compile(r"^\.env([.-][A-Za-z0-9_-]+)?[.-](example|sample|template|dist)$")
VALID_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LINE_RE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|KEY|PRIVATE|CREDENTIAL|DSN", re.IGNORECASE)
PLACEHOLDER = re.compile(
    r"^$|^(change|replace)[-_ ]?me|^(todo|tbd|fixme|placeholder|dummy|secret|password|foo|bar"
    r"|x{3,}|\*+|\.{3})$|^your[-_ ]|[-_ ]here$|^<.*>$|^\$?\{.*\}$|example\.(com|org|net)",
    re.IGNORECASE,
)

_PLATFORM_EXACT = frozenset(
    {
        "PORT", "HOST", "HOSTNAME", "PHX_SERVER", "NODE_ENV", "PATH", "HOME", "PWD", "TZ",
        "LANG", "CI", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV",
        "GEM_HOME", "JAVA_OPTS", "DYNO",
    }
)  # fmt: skip
_PLATFORM_PREFIX = (
    "npm_", "BUNDLE_", "VERCEL", "NETLIFY", "RENDER", "RAILWAY_", "FLY_", "KUBERNETES_",
    "TEST_", "PYTEST_", "JEST_",
)  # fmt: skip

EnvFileKind = Literal["template", "real", "local", "tool"]


@dataclass(frozen=True)
class EnvLine:
    """One ``KEY=value`` line of an env file."""

    key: str
    value: str
    line: int
    commented: bool


def classify_env_file(name: str) -> EnvFileKind | None:
    """Kind of an env file by its base name, or None when it is no env file."""
    if TEMPLATE_RE.match(name):
        return "template"
    if name in {".flaskenv", ".envrc"}:
        return "tool"
    if name == ".env.local" or (name.startswith(".env.") and name.endswith(".local")):
        return "local"
    if name == ".env" or re.match(r"^\.env\.[A-Za-z0-9_-]+$", name):
        return "real"
    return None


def parse_env_file(text: str) -> list[EnvLine]:
    """Parse env-file text with the §1.5 rules (quotes, comments, ``export``)."""
    result: list[EnvLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        commented = line.startswith("#")
        if commented:
            line = line.lstrip("#").strip()
        match = _LINE_RE.match(line)
        if not match:
            continue
        key, value = match[1], _value(match[2])
        result.append(EnvLine(key=key, value=value, line=number, commented=commented))
    return result


def _value(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] in "'\"" and raw[-1] == raw[0]:
        return raw[1:-1]
    if raw and raw[0] in "'\"":
        end = raw.find(raw[0], 1)
        if end > 0:
            return raw[1:end]
    comment = re.search(r"\s#", raw)
    return (raw[: comment.start()] if comment else raw).strip()


def is_placeholder(value: str) -> bool:
    """Whether a template/code value is a placeholder (§7.3), never a default."""
    return bool(PLACEHOLDER.search(value.strip()))


# Configuration, not credentials: ports, hosts, switches, levels, durations, sizes, paths.
CONFIG_NAME = re.compile(
    r"(_PORT|_HOST|_HOSTNAME|_HOSTS|_ADDR|_USE_TLS|_TLS|_SSL|_USE_SSL|_SECURE|_INSECURE|_DEBUG"
    r"|_ENABLED|_DISABLED|_TIMEOUT|_TTL|_EXPIRES?_IN|_EXPIRY|_EXPIRATION|_EXPIRE|_MINUTES|_SECONDS"
    r"|_HOURS|_DAYS|_MS|_LEVEL|_MODE|_ALGORITHM|_ALG|_LENGTH|_SIZE|_LIMIT|_MAX|_MIN|_COUNT"
    r"|_WORKERS|_THREADS|_CONCURRENCY|_REGION|_PATH|_FILE|_DIR|_NAME|_FORMAT|_PREFIX|_VERSION"
    r"|_ENV|_ENVIRONMENT|_LOCALE|_LANGUAGE|_TIMEZONE|_INTERVAL|_RETRIES|_DRIVER|_ENGINE)$"
    r"|^(LOG|LOGGING)_|^(ENABLE|DISABLE|USE|IS|ALLOW|SHOW|SKIP|FEATURE|FF)_"
    r"|^(DEBUG|SERVER_NAME|ENVIRONMENT|APP_ENV|APP_DEBUG|TIMEZONE|LOCALE|WORKERS|THREADS"
    r"|WEB_CONCURRENCY|VERBOSE|SECURE|HTTPS|SSL|TLS)$"
)


def is_config_name(name: str) -> bool:
    """Whether a name is shaped like a configuration value (a port, host, switch, level…).

    Such values are plain settings: never secrets, never secret references.
    """
    return bool(CONFIG_NAME.search(name.upper()))


def is_secret_name(name: str) -> bool:
    """Whether a name is secret-shaped (§7.3): it never gets a default.

    A configuration-shaped name (``TOKEN_EXPIRES_IN``, ``SSL_KEY_PATH``) is not a secret.
    """
    return bool(SECRET_NAME.search(name)) and not is_config_name(name)


def is_platform_name(name: str) -> bool:
    """Platform- or tool-provided names never emitted as requirements (§7.2)."""
    return name in _PLATFORM_EXACT or name.startswith(_PLATFORM_PREFIX)


def is_valid_name(name: str) -> bool:
    """§7.1 name validity."""
    return bool(VALID_NAME.match(name))
