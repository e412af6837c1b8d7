"""One pass over the source tree (analysis-rules 1.1-analysis-rules 1.2) and a lazy file index.

The walk lists names only; file contents are read on demand, at most once,
and never for files above :data:`MAX_READ_BYTES` (recorded as present, unread).
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from typing import TYPE_CHECKING

from odiac.source.ignore import GitIgnoreTree

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

MAX_READ_BYTES = 1024 * 1024
README_LINES = 200

NEVER_DESCEND = frozenset(
    {
        # dependency stores
        "node_modules", "vendor", ".venv", "venv", "__pypackages__", "bower_components",
        ".bundle", "deps",
        # VCS / caches
        ".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache",
        ".tox", ".nox", ".cache", ".turbo", ".gradle", ".m2", ".parcel-cache",
        # build output
        "dist", "target", ".next", ".nuxt", ".output", ".svelte-kit", ".vercel", ".netlify",
        "_build", "coverage", "storybook-static",
        # local tool state
        ".idea", ".vscode", ".devcontainer",
    }
)  # fmt: skip

# Dot-directories that build files, Dockerfiles or frameworks do reference.
KEPT_DOT_DIRS = frozenset(
    {".github", ".docker", ".streamlit", ".mvn", ".sqlx", ".moon", ".yarn", ".opendeploy"}
)

# Walked, but never services on their own (analysis-rules 1.2 last paragraph).
NEVER_SERVICES = frozenset(
    {
        "docs", "doc", "examples", "example", "samples", "demo", "test", "tests", "e2e",
        "cypress", "playwright", "benchmarks", "bench", "fixtures", "scripts", "tooling",
        "tools", ".github", "storybook", "playground",
    }
)  # fmt: skip


class SourceIndex:
    """The walked tree: relative POSIX paths, lazy cached reads, git-ignore checks."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.files: list[str] = []
        self.unread: set[str] = set()
        self._sizes: dict[str, int] = {}
        self._texts: dict[str, str | None] = {}
        self._ignores = GitIgnoreTree()
        self._dirs: dict[str, list[str]] = {}
        self.reads = 0
        self._walk()
        self._fileset = frozenset(self.files)

    # -- walk ---------------------------------------------------------------

    def _walk(self) -> None:
        stack = [""]
        while stack:
            rel_dir = stack.pop()
            abs_dir = self.root / rel_dir if rel_dir else self.root
            try:
                entries = sorted(os.scandir(abs_dir), key=lambda e: e.name)
            except OSError:
                continue
            names = [e.name for e in entries]
            if ".gitignore" in names:
                self._load_gitignore(rel_dir)
            files_here: list[str] = []
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if entry.is_symlink():
                    continue  # analysis-rules 1.1: symlinks are not followed
                if entry.is_dir(follow_symlinks=False):
                    if not self._skip_dir(entry.name, rel, abs_dir / entry.name):
                        stack.append(rel)
                elif entry.is_file(follow_symlinks=False):
                    if rel_dir == ".opendeploy" and entry.name != "project.json":
                        continue
                    files_here.append(entry.name)
                    self.files.append(rel)
                    try:
                        size = entry.stat(follow_symlinks=False).st_size
                    except OSError:
                        size = 0
                    self._sizes[rel] = size
                    if size > MAX_READ_BYTES:
                        self.unread.add(rel)
            self._dirs[rel_dir] = files_here
        self.files.sort()

    def _skip_dir(self, name: str, rel: str, path: Path) -> bool:
        if name in NEVER_DESCEND:
            return True
        if name == "env" and (path / "pyvenv.cfg").exists():
            return True
        if name.startswith(".") and name not in KEPT_DOT_DIRS:
            return True
        if name == "cache" and rel.startswith(".moon/"):
            return True
        # `out` and `build` are output only when the project git-ignores them.
        return name in {"out", "build"} and self.is_ignored(rel + "/")

    def _load_gitignore(self, rel_dir: str) -> None:
        path = (self.root / rel_dir / ".gitignore") if rel_dir else self.root / ".gitignore"
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        self._ignores.add(rel_dir, "\n".join(lines))

    # -- queries ------------------------------------------------------------

    def exists(self, rel: str) -> bool:
        """Whether ``rel`` is a walked file."""
        return rel in self._fileset

    def dir_exists(self, rel: str) -> bool:
        """Whether ``rel`` is a walked directory (holding at least one walked file)."""
        prefix = rel.rstrip("/") + "/"
        return rel in self._dirs or any(f.startswith(prefix) for f in self.files)

    def listdir(self, rel_dir: str) -> list[str]:
        """File names directly inside ``rel_dir`` (``""`` or ``"."`` is the root)."""
        return list(self._dirs.get(norm_dir(rel_dir), []))

    def subdirs(self, rel_dir: str) -> list[str]:
        """Walked sub-directory names directly inside ``rel_dir``."""
        base = norm_dir(rel_dir)
        prefix = f"{base}/" if base else ""
        found = {
            d[len(prefix) :].split("/", 1)[0]
            for d in self._dirs
            if d.startswith(prefix) and d != base and d
        }
        return sorted(found)

    def glob(self, rel_dir: str, pattern: str) -> list[str]:
        """Paths of files in ``rel_dir`` whose name matches ``pattern`` (analysis-rules 1.4: list, then read)."""
        base = norm_dir(rel_dir)
        return [
            join(base, name) for name in self.listdir(base) if fnmatch.fnmatchcase(name, pattern)
        ]

    def under(self, rel_dir: str) -> Iterator[str]:
        """Every walked file below ``rel_dir``."""
        base = norm_dir(rel_dir)
        if not base:
            yield from self.files
            return
        prefix = base + "/"
        for rel in self.files:
            if rel.startswith(prefix):
                yield rel

    def depth(self, rel: str) -> int:
        """Directories between the root and the file (analysis-rules 1.1)."""
        return rel.count("/")

    def is_ignored(self, rel: str) -> bool:
        """Whether git ignores ``rel`` (analysis-rules 1.5 "git-ignored"); a trailing ``/`` marks a folder.

        The same engine decides what the upload leaves out, so analysis and upload
        always see the same tree.
        """
        return self._ignores.ignored(rel)

    def read(self, rel: str, *, cache: bool = True) -> str | None:
        """File text (UTF-8, replacement on errors), or None when absent or too large.

        Bulk scans pass ``cache=False`` so that a large tree is not held in memory.
        """
        if rel in self._texts:
            return self._texts[rel]
        text: str | None = None
        if rel in self._fileset and rel not in self.unread:
            try:
                data = (self.root / rel).read_bytes()
                self.reads += 1
                text = data.decode("utf-8", errors="replace")
            except OSError:
                text = None
        if text is not None and os.path.basename(rel).upper().startswith("README"):
            text = "\n".join(text.splitlines()[:README_LINES])
        if cache:
            self._texts[rel] = text
        return text

    def lines(self, rel: str) -> list[str]:
        """File lines, empty when unreadable."""
        text = self.read(rel)
        return text.splitlines() if text is not None else []

    def find_line(
        self, rel: str, pattern: str | re.Pattern[str]
    ) -> tuple[int, re.Match[str]] | None:
        """First line (1-based) of ``rel`` matching ``pattern`` and its match."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        for number, line in enumerate(self.lines(rel), start=1):
            match = regex.search(line)
            if match:
                return number, match
        return None

    def line_of(self, rel: str, offset: int) -> int:
        """1-based line number of character ``offset`` in ``rel``."""
        text = self.read(rel) or ""
        return text.count("\n", 0, offset) + 1


def norm_dir(rel_dir: str) -> str:
    """``"."``/``"./"``/``""`` → ``""``; ``docker/..`` → ``""``; strips slashes otherwise.

    A path that leaves the root keeps its leading ``..`` so callers can refuse it.
    """
    cleaned = rel_dir.strip().replace("\\", "/").strip("/")
    if cleaned in {"", "."}:
        return ""
    cleaned = posixpath.normpath(cleaned)
    return "" if cleaned == "." else cleaned


def join(base: str, rel: str) -> str:
    """Join a service-relative path onto a repository-relative directory (normalised)."""
    base = norm_dir(base)
    return posixpath.normpath(f"{base}/{rel}" if base else rel) if rel else base


def escapes_root(rel: str) -> bool:
    """Whether a normalised repository-relative path points outside the root."""
    return rel == ".." or rel.startswith("../") or rel.startswith("/")
