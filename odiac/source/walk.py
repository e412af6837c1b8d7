"""Walk a source folder into a sorted list of files, refusing hostile trees.

Refused with :class:`~odiac.errors.SourceError`: two names that collide on a
case-insensitive file system, names that are not valid UTF-8 or contain a
backslash. Left out and named: sensitive files (``SourceListing.sensitive``); a
link whose target is outside the folder, excluded or sensitive (the rules apply
to what a link points at, and a hard link to a sensitive file is left out too);
dangling links, linked folders and special files. Left out silently: the files
this very process writes its output to (a redirected stdout or stderr).
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from odiac.errors import SourceError
from odiac.source.rules import NEVER_DIR, Rules, is_secret_file

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
    sensitive: list[str] = field(default_factory=list)

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
    walk = _Walk(os.path.realpath(base), Rules.build(exclude, include))
    walk.run()
    walk.files.sort(key=lambda f: f.arcname.encode("utf-8"))
    _refuse_case_collisions(walk.files)
    return SourceListing(base, walk.files, walk.warnings, walk.sensitive)


class _Walk:
    """One walk: files in walk order, links resolved once every ``.gitignore`` is known."""

    def __init__(self, real_root: str, rules: Rules) -> None:
        self.root = real_root
        self.rules = rules
        self.files: list[SourceFile] = []
        self.warnings: list[str] = []
        self.sensitive: list[str] = []
        self.links: list[str] = []
        self.shared: dict[str, tuple[int, int]] = {}  # files with more than one hard link
        self.own = own_output_files()
        self.secret_inodes: set[tuple[int, int]] = _inodes_of(os.path.join(real_root, NEVER_DIR))

    def run(self) -> None:
        pending = [""]
        while pending:
            prefix = pending.pop()
            directory = os.path.join(self.root, prefix)
            _load_gitignore(self.rules, directory, prefix, self.warnings)
            with os.scandir(directory) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    rel = prefix + _checked_name(entry.name, prefix)
                    if entry.is_dir(follow_symlinks=False):
                        if not self.rules.excluded(rel, True):
                            pending.append(rel + "/")
                    elif entry.is_symlink():
                        self.links.append(rel)
                    else:
                        self._file(rel, entry.path)
        for rel in self.links:
            self._link(rel)
        # A hard link shares its inode with a sensitive file: it is that file.
        if self.shared.keys() and self.secret_inodes:
            kept = []
            for item in self.files:
                if self.shared.get(item.arcname) in self.secret_inodes:
                    self.sensitive.append(f"{item.arcname} (a hard link to a sensitive file)")
                else:
                    kept.append(item)
            self.files = kept

    def _file(self, rel: str, path: str, arcname: str | None = None) -> None:
        """Visit a file at ``rel`` (for a link: its target, archived as ``arcname``)."""
        shown = arcname or rel
        if arcname is None and self.rules.excluded(rel, False):
            return
        info = os.stat(path)
        key = (info.st_dev, info.st_ino)
        if key in self.own:
            return  # odiac's own redirected output is not source
        if not stat.S_ISREG(info.st_mode):
            self.warnings.append(f"skipped {shown}: not a regular file")
            return
        head = _read_head(path) if rel.rsplit("/", 1)[-1] == ".npmrc" else None
        if is_secret_file(rel, head):
            self.sensitive.append(shown)
            self.secret_inodes.add(key)
            return
        if info.st_nlink > 1:
            self.shared[shown] = key
        self.files.append(SourceFile(shown, path, info.st_size, bool(info.st_mode & 0o111)))

    def _link(self, rel: str) -> None:
        if self.rules.excluded(rel, False):
            return  # the link itself is excluded, like any file of that name
        link = os.path.join(self.root, rel)
        target = os.path.realpath(link)
        if os.path.commonpath([self.root, target]) != self.root:
            self.warnings.append(f"left out {rel}: a link to a file outside the source folder")
            return
        if not os.path.exists(target):
            self.warnings.append(f"skipped {rel}: dangling symlink")
            return
        if os.path.isdir(target):
            self.warnings.append(f"skipped {rel}: symlinked directories are not followed")
            return
        to = os.path.relpath(target, self.root).replace(os.sep, "/")
        name = rel.rsplit("/", 1)[-1]
        head = _read_head(target) if ".npmrc" in (name, to.rsplit("/", 1)[-1]) else None
        hidden = NEVER_DIR in to.split("/")[:-1]
        if hidden or is_secret_file(to, head) or is_secret_file(rel, head):
            self.sensitive.append(f"{rel} (a link to {to})")
            self.secret_inodes.add(_inode(target))
            return
        if self.rules.excluded_path(to):
            self.warnings.append(f"left out {rel}: a link to {to}, which is excluded")
            return
        self._file(to, target, arcname=rel)


def own_output_files() -> set[tuple[int, int]]:
    """``(device, inode)`` of the regular files this process's stdout and stderr write to."""
    found = set()
    for fd in (1, 2):
        try:
            info = os.fstat(fd)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            found.add((info.st_dev, info.st_ino))
    return found


def _inode(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return (info.st_dev, info.st_ino)


def _inodes_of(folder: str) -> set[tuple[int, int]]:
    """Inodes of the files odiac keeps in ``.opendeploy/`` (the key, the plan key)."""
    try:
        with os.scandir(folder) as entries:
            return {
                (e.stat().st_dev, e.stat().st_ino)
                for e in entries
                if e.is_file(follow_symlinks=False)
            }
    except OSError:
        return set()


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
