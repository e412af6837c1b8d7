"""Walk a source folder into a sorted list of files, refusing hostile trees.

Refused with :class:`~odiac.errors.SourceError`: a symlink that points outside the
root, two names that collide on a case-insensitive file system, names that are
not valid UTF-8 or contain a backslash. Skipped with a warning: secret-like files,
dangling symlinks, symlinked directories and special files.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from odiac.errors import SourceError
from odiac.source.rules import Rules, is_secret_file

if TYPE_CHECKING:
    from collections.abc import Sequence

_NPMRC_HEAD = 64 * 1024


@dataclass(frozen=True)
class SourceFile:
    """One file of the archive."""

    arcname: str
    path: str
    size: int
    executable: bool


@dataclass(frozen=True)
class SourceListing:
    """The files of a source folder, sorted by archive name, and what was skipped."""

    root: Path
    files: list[SourceFile]
    warnings: list[str]

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def list_source(
    root: str | os.PathLike[str], exclude: Sequence[str] = (), include: Sequence[str] = ()
) -> SourceListing:
    """List the files that go into the archive of ``root``.

    Args:
        root: The source folder.
        exclude: ``[source].exclude`` globs (gitignore syntax, relative to ``root``).
        include: Globs that override the default exclusions and ``.gitignore``.

    Raises:
        SourceError: The folder is missing or hostile (see module docstring).
    """
    base = Path(root)
    if not base.is_dir():
        raise SourceError(f"source folder {base} does not exist or is not a folder")
    real_root = os.path.realpath(base)
    rules = Rules.build(exclude, include)
    files: list[SourceFile] = []
    warnings: list[str] = []
    pending = [""]
    while pending:
        prefix = pending.pop()
        directory = os.path.join(real_root, prefix)
        _load_gitignore(rules, directory, prefix, warnings)
        with os.scandir(directory) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                rel = prefix + _checked_name(entry.name, prefix)
                _visit(entry, rel, real_root, rules, files, pending, warnings)
    files.sort(key=lambda f: f.arcname.encode("utf-8"))
    _refuse_case_collisions(files)
    return SourceListing(base, files, warnings)


def _visit(
    entry: os.DirEntry[str],
    rel: str,
    real_root: str,
    rules: Rules,
    files: list[SourceFile],
    pending: list[str],
    warnings: list[str],
) -> None:
    is_link = entry.is_symlink()
    is_dir = entry.is_dir(follow_symlinks=False)
    if rules.excluded(rel, is_dir):
        return
    if is_dir:
        pending.append(rel + "/")
        return
    path = entry.path
    if is_link:
        target = os.path.realpath(path)
        if os.path.commonpath([real_root, target]) != real_root:
            raise SourceError(
                f"refusing to archive {rel}: it is a symlink pointing outside the source folder"
            )
        if not os.path.exists(target):
            warnings.append(f"skipped {rel}: dangling symlink")
            return
        if os.path.isdir(target):
            warnings.append(f"skipped {rel}: symlinked directories are not followed")
            return
        path = target
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        warnings.append(f"skipped {rel}: not a regular file")
        return
    head = _read_head(path) if entry.name == ".npmrc" else None
    if is_secret_file(rel, head):
        warnings.append(f"excluded {rel}: secret-like file, never uploaded (set its values as env)")
        return
    files.append(SourceFile(rel, path, info.st_size, bool(info.st_mode & 0o111)))


def _load_gitignore(rules: Rules, directory: str, prefix: str, warnings: list[str]) -> None:
    path = os.path.join(directory, ".gitignore")
    if not os.path.isfile(path):
        return
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            rules.add_gitignore(prefix, handle.read())
    except OSError as exc:
        warnings.append(f"could not read {prefix}.gitignore: {exc.strerror}")


def _checked_name(name: str, prefix: str) -> str:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise SourceError(
            f"refusing to archive {prefix}{name!r}: the name is not valid UTF-8"
        ) from None
    if "\\" in name:
        raise SourceError(f"refusing to archive {prefix}{name!r}: backslash in a file name")
    return name


def _read_head(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(_NPMRC_HEAD)


def _refuse_case_collisions(files: list[SourceFile]) -> None:
    """Two names equal on a case-insensitive file system would overwrite each other."""
    seen: dict[str, str] = {}
    for item in files:
        parts = item.arcname.split("/")
        for depth in range(1, len(parts) + 1):
            name = "/".join(parts[:depth])
            key = unicodedata.normalize("NFC", name).casefold()
            other = seen.setdefault(key, name)
            if other != name:
                raise SourceError(
                    f"refusing to archive: {other!r} and {name!r} collide on "
                    "case-insensitive file systems",
                    hint="Rename one of them or exclude it with [source].exclude.",
                )
