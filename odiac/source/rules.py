"""Which files of a source folder go into the archive (contract §7.1.4, analysis rules §10).

Precedence, strongest first: ``.opendeploy/`` is never included; secret-like files
(``.env``, keys, credentials) are never included and produce a warning; the user's
``[source].exclude`` globs; the user's ``include`` globs (which override the
defaults and ``.gitignore``); the default exclusions; ``.gitignore`` files at any
depth (git's rules via pathspec, the deepest matching file wins).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pathspec import GitIgnoreSpec

from odiac.source.ignore import GitIgnoreTree

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Directory names excluded at any depth (contract §7.1.4 plus analysis rules §10).
DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".turbo",
        ".cache",
        "dist",
        "build",
        "target",
        ".next",
        ".nuxt",
        ".output",
        ".svelte-kit",
        "_build",
        ".idea",
        ".vscode",
    }
)
DEFAULT_EXCLUDED_SUFFIXES = (".pyc", ".pyo")
NEVER_DIR = ".opendeploy"

#: File names (globs) that are never uploaded, wherever they are.
SENSITIVE_NAMES = (
    ".pypirc",
    ".netrc",
    ".git-credentials",
    ".pgpass",
    ".envrc",
    ".htpasswd",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.ppk",
    "*.tfstate",
    "*.tfstate.*",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    "credentials.json",
    "service-account*.json",
    "*kubeconfig*",
)
#: Paths (relative to any folder) that are never uploaded.
SENSITIVE_PATHS = (
    ".streamlit/secrets.toml",
    ".aws/credentials",
    ".docker/config.json",
)

_ENV_TEMPLATE = re.compile(r"^\.env([.-][A-Za-z0-9_-]+)?[.-](example|sample|template|dist)$")
_SECRET_NAMES = re.compile("|".join(fnmatch.translate(pattern) for pattern in SENSITIVE_NAMES))
_SECRET_PATHS = SENSITIVE_PATHS
_NPMRC_AUTH = re.compile(rb"_authToken|_auth\b|_password|username\s*=")


def is_env_file(name: str) -> bool:
    """``.env`` or ``.env.<mode>``, but not a template such as ``.env.example``."""
    return (name == ".env" or name.startswith(".env.")) and not _ENV_TEMPLATE.match(name)


def is_secret_file(relpath: str, read_head: bytes | None = None) -> bool:
    """Whether a file is secret material that is never uploaded (analysis rules §10).

    Args:
        relpath: Path relative to the source root, ``/``-separated.
        read_head: The first bytes of the file, needed only for ``.npmrc``.
    """
    name = relpath.rsplit("/", 1)[-1]
    if is_env_file(name) or _SECRET_NAMES.match(name):
        return True
    if any(relpath == path or relpath.endswith("/" + path) for path in _SECRET_PATHS):
        return True
    if name.startswith("id_") and not name.endswith(".pub") and "/.ssh/" in "/" + relpath:
        return True  # every private key of an ssh folder, whatever its algorithm
    return name == ".npmrc" and read_head is not None and bool(_NPMRC_AUTH.search(read_head))


@dataclass
class Rules:
    """Exclusion rules for one source root; ``.gitignore`` files are added while walking."""

    exclude: GitIgnoreSpec
    include: GitIgnoreSpec
    gitignores: GitIgnoreTree = field(default_factory=GitIgnoreTree)

    @classmethod
    def build(cls, exclude: Sequence[str] = (), include: Sequence[str] = ()) -> Rules:
        return cls(GitIgnoreSpec.from_lines(exclude), GitIgnoreSpec.from_lines(include))

    def add_gitignore(self, dir_prefix: str, text: str) -> None:
        """Register the ``.gitignore`` of directory ``dir_prefix`` (``""`` or ``"a/b/"``)."""
        self.gitignores.add(dir_prefix, text)

    def excluded(self, relpath: str, is_dir: bool) -> bool:
        """Whether ``relpath`` (no trailing slash) is left out; secrets are checked apart."""
        parts = relpath.split("/")
        if NEVER_DIR in (parts if is_dir else parts[:-1]):
            return True
        probe = relpath + "/" if is_dir else relpath
        if self.exclude.patterns and self.exclude.match_file(probe):
            return True
        if self.include.patterns and self.include.match_file(probe):
            return False
        if is_dir and parts[-1] in DEFAULT_EXCLUDED_DIRS:
            return True
        if not is_dir and parts[-1].endswith(DEFAULT_EXCLUDED_SUFFIXES):
            return True
        return bool(self.gitignores) and self.gitignores.ignored(relpath, is_dir)

    def excluded_path(self, relpath: str) -> bool:
        """Whether a file, or a folder above it, is left out (what a link points at)."""
        parts = relpath.split("/")
        folders = ("/".join(parts[:depth]) for depth in range(1, len(parts)))
        return any(self.excluded(d, True) for d in folders) or self.excluded(relpath, False)
