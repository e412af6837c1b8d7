"""Single-value rules of the file format, as plain functions.

Each ``*_problem`` function returns ``None`` for a valid value or a short,
user-facing sentence saying what is wrong. The models turn these sentences into
validation errors; other layers (``odiac init``, subdomain renames) may call the
functions directly so that every part of odiac applies the same rule.
"""

from __future__ import annotations

import re

from odiac.quantity import QuantityError, cpu_millicores, memory_bytes

DNS_LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$")
SUBDOMAIN_MIN, SUBDOMAIN_MAX = 2, 32
RESERVED_SUBDOMAINS: frozenset[str] = frozenset(
    {
        "www", "api", "admin", "dashboard", "console", "billing", "login", "auth", "status",
        "health", "ingress", "registry", "monitor", "grafana", "root", "ns1", "ns2", "mx",
    }
)  # fmt: skip
ENV_KEY_MAX = 128
ENV_VALUE_MAX_BYTES = 32 * 1024
REGION_RE = re.compile(r"^[a-z]{2}(?:-[a-z0-9]+)+$")
SECRET_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*$")
_ENV_KEY_FORBIDDEN = re.compile(r"[=\s\x00]")
_GATEWAY_RE = re.compile(r"^https?://[^/\s?#]+(?:/[^\s?#]*)?/api$")
UNITLESS_RE = re.compile(r"^([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
DEPENDENCY_PASSWORD_MIN = 8
#: Characters a dependency password must not contain (contract §3.4.2).
DEPENDENCY_PASSWORD_FORBIDDEN_RE = re.compile(r"""[\s'"`$\\;|&()!{}<>#~]""")


def quote(value: object) -> str:
    """Render a value the way a TOML file would spell it, for messages."""
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def dns_label_problem(name: str, what: str) -> str | None:
    """Names of projects, services and dependencies are lowercase DNS labels."""
    if DNS_LABEL_RE.match(name):
        return None
    return (
        f"{quote(name)} is not a valid {what} name: use 1-63 lowercase letters, digits "
        "and '-', starting and ending with a letter or digit"
    )


def subdomain_problem(label: str) -> str | None:
    """Contract §8: a 2-32 character label of ``[a-z0-9-]``, no edge hyphen, not reserved."""
    if "." in label:
        return f"{quote(label)} must be a label only (the part before .dev.opendeploy.run)"
    if not SUBDOMAIN_MIN <= len(label) <= SUBDOMAIN_MAX:
        return (
            f"{quote(label)} must be {SUBDOMAIN_MIN} to {SUBDOMAIN_MAX} characters long"
            f" (it has {len(label)})"
        )
    if label != label.lower() and SUBDOMAIN_RE.match(label.lower()):
        # Uppercase is rejected by the gateway, not lowercased (contract §8).
        return f"{quote(label)} must be lowercase: write {quote(label.lower())}"
    if not SUBDOMAIN_RE.match(label):
        return (
            f"{quote(label)} may only contain lowercase letters, digits and '-',"
            " and must not start or end with '-'"
        )
    if label in RESERVED_SUBDOMAINS:
        return f"{quote(label)} is a reserved subdomain"
    return None


def env_key_problem(key: str) -> str | None:
    """Contract §9.4: key of 1-128 characters without ``=``, whitespace or NUL."""
    if not key:
        return "an environment variable name must not be empty"
    if len(key) > ENV_KEY_MAX:
        return f"environment variable name is {len(key)} characters long (at most {ENV_KEY_MAX})"
    if _ENV_KEY_FORBIDDEN.search(key):
        return f"environment variable name {quote(key)} must not contain '=', whitespace or NUL"
    return None


def env_value_problem(value: str) -> str | None:
    """Contract §9.4: a value of at most 32 KiB of UTF-8. The value is never quoted back."""
    size = len(value.encode("utf-8"))
    if size > ENV_VALUE_MAX_BYTES:
        return f"value is {size} bytes of UTF-8 (at most {ENV_VALUE_MAX_BYTES})"
    return None


def secret_ref_problem(reference: str) -> str | None:
    """A secret reference is ``scheme:ref`` with a lowercase scheme and a non-empty ref."""
    scheme, sep, ref = reference.partition(":")
    if not sep or not ref:
        return (
            f'secret reference {quote(reference)} must look like "scheme:ref", e.g. "env:API_KEY"'
        )
    if not SECRET_SCHEME_RE.match(scheme):
        return (
            f"secret scheme {quote(scheme)} must start with a lowercase letter and contain"
            " only a-z, 0-9, '+', '.' and '-'"
        )
    return None


def gateway_url_problem(url: str) -> str | None:
    """``"local"`` or an http(s) base URL that ends in ``/api`` (no trailing slash)."""
    if url == "local":
        return None
    if url.endswith("/") and _GATEWAY_RE.match(url.rstrip("/")):
        return f"{quote(url)} must not end with '/': write {quote(url.rstrip('/'))}"
    if not _GATEWAY_RE.match(url):
        return (
            f'{quote(url)} is not a gateway URL: use "local" or an http(s) URL ending in'
            ' /api, e.g. "https://dashboard.dev.opendeploy.dev/api"'
        )
    return None


def region_problem(code: str) -> str | None:
    """Region codes look like ``us-east-1``."""
    if REGION_RE.match(code):
        return None
    return f'{quote(code)} is not a region code such as "us-east-1"'


def cpu_problem(text: str) -> str | None:
    """A CPU quantity such as ``"500m"``, ``"0.5"`` or ``"2"``, at least one millicore."""
    try:
        if cpu_millicores(text) <= 0:
            return f"{quote(text)} must be more than zero CPU"
    except QuantityError:
        return f'{quote(text)} is not a Kubernetes CPU quantity (e.g. "500m", "1")'
    return None


def memory_problem(text: str) -> str | None:
    """A memory quantity such as ``"512Mi"`` or ``"1Gi"``, at least one byte, with a unit.

    Kubernetes reads a bare number as bytes: ``"512"`` would be 512 bytes, never what
    anyone means, so the file format asks for a unit.
    """
    if UNITLESS_RE.match(text.strip()):
        return f'{quote(text)} has no unit (it would mean bytes); write "{text.strip()}Mi"'
    try:
        if memory_bytes(text) <= 0:
            return f"{quote(text)} must be more than zero bytes"
    except QuantityError:
        return f'{quote(text)} is not a Kubernetes memory quantity (e.g. "512Mi", "1Gi")'
    return None


def relative_path_problem(path: str) -> str | None:
    """Paths inside the source tree: relative, forward slashes, never leaving the tree."""
    if not path:
        return 'path must not be empty (use "." for the root)'
    if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        return f"{quote(path)} must be relative to the project folder"
    if ".." in re.split(r"[/\\]", path):
        return f"{quote(path)} must not leave the project folder ('..')"
    return None


def dependency_password_problem(password: str) -> str | None:
    """Contract §3.4.2: at least 8 characters, no whitespace, quotes or shell metacharacters.

    The message never quotes the password, its length or the character at fault: the
    same rule checks values resolved from secret references.
    """
    if len(password) < DEPENDENCY_PASSWORD_MIN:
        return f"a dependency password needs at least {DEPENDENCY_PASSWORD_MIN} characters"
    if DEPENDENCY_PASSWORD_FORBIDDEN_RE.search(password):
        return (
            "a dependency password must not contain whitespace, quotes, backtick, '$', '\\',"
            " ';', '|', '&', parentheses, '!', braces, angle brackets, '#' or '~'"
        )
    return None


def credential_problem(value: str) -> str | None:
    """A dependency username or database name: not empty (empty means the gateway default)."""
    if not value:
        return "must not be empty (leave the key out for the gateway default)"
    if "\x00" in value:
        return "must not contain NUL"
    return None


VOLUME_NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$")
VOLUME_NAME_MAX = 32
#: Mount paths the gateway refuses: system directories and everything under them.
SYSTEM_DIRS = (
    "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/boot", "/dev", "/proc", "/sys",
    "/root", "/var/run", "/run",
)  # fmt: skip


def volume_name_problem(name: str) -> str | None:
    """A volume name is a lowercase DNS label of at most 32 characters."""
    if len(name) > VOLUME_NAME_MAX:
        return f"volume name {quote(name)} has {len(name)} characters (at most {VOLUME_NAME_MAX})"
    if not VOLUME_NAME_RE.match(name):
        return (
            f"{quote(name)} is not a valid volume name: use lowercase letters, digits and '-',"
            " starting and ending with a letter or digit"
        )
    return None


def mount_path_problem(path: str) -> str | None:
    """An absolute path that is not the root or a system directory."""
    if not path.startswith("/"):
        return f'{quote(path)} must be an absolute path such as "/data"'
    if ".." in path.split("/"):
        return f"{quote(path)} must not contain '..'"
    clean = "/" + path.strip("/")
    if clean == "/":
        return 'a volume cannot be mounted at "/"'
    for system in SYSTEM_DIRS:
        if clean == system or clean.startswith(system + "/"):
            return f"{quote(path)} is inside the system directory {system}; use e.g. /data"
    return None


def mount_path(path: str) -> str:
    """The spelling the gateway stores (``"/data/"`` -> ``"/data"``)."""
    return "/" + path.strip("/")


def volume_size_problem(size: str) -> str | None:
    """A memory-style quantity of more than zero bytes, such as ``"5Gi"``."""
    try:
        if memory_bytes(size) <= 0:
            return f"{quote(size)} must be more than zero bytes"
    except QuantityError:
        return f'{quote(size)} is not a size such as "5Gi" or "500Mi"'
    return None
