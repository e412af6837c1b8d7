"""Safe ZIP extraction: nothing outside the target, nothing too large.

Every entry is checked before a single byte is written: absolute names,
``..`` components, symlinks pointing outside the root, too many entries,
a declared total over the limit, or a suspicious compression ratio (of one
entry, or of the whole archive) reject the archive.

Safety holds by construction, not by the checks above: no link is ever created
on disk (a link that stays inside becomes a plain file holding its target text,
as Git does where links are unavailable), and every directory and file is
opened relative to a descriptor of the extraction root with ``O_NOFOLLOW``,
files with ``O_EXCL``. Whatever earlier entries created, a later one cannot
reach outside the root. Extraction counts real bytes (headers can lie) and
writes into a scratch directory that is renamed into place only on success.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import stat
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

_CHUNK = 64 * 1024


class ArchiveError(Exception):
    """The archive cannot be extracted safely; the message is the reason."""


@dataclass(frozen=True)
class Limits:
    """Extraction limits."""

    max_bytes: int
    max_ratio: float
    max_entries: int


# Below this many uncompressed bytes no ratio is suspicious: the damage is nil.
RATIO_FLOOR = 1024 * 1024
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def is_zip(head: bytes) -> bool:
    """ZIP magic: a local file header, or the end record of an empty archive."""
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def extract(archive: Path, target: Path, limits: Limits) -> int:
    """Extract ``archive`` into the new directory ``target``; return the bytes written.

    Raises ArchiveError (and leaves nothing behind) when it cannot be done safely.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            packed = archive.stat().st_size
            _precheck(infos, limits, packed)
            scratch = target.with_name(target.name + ".partial")
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir(parents=True)
            try:
                budget = _Budget(limits, packed)
                _write_all(zf, infos, scratch, budget)
            except BaseException:
                shutil.rmtree(scratch, ignore_errors=True)
                raise
            scratch.rename(target)
            return budget.written
    except zipfile.BadZipFile:
        raise ArchiveError("zip: not a valid zip file") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise ArchiveError(f"zip: {exc}") from None


def _normalised(name: str) -> str:
    if "\x00" in name:
        raise ArchiveError(f"invalid entry name {name!r}")
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ArchiveError(f"absolute path in archive: {name}")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ArchiveError(f"path escapes the archive root: {name}")
    return "/".join(parts)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _precheck(infos: list[zipfile.ZipInfo], limits: Limits, packed: int) -> None:
    if len(infos) > limits.max_entries:
        raise ArchiveError(f"too many entries ({len(infos)} > {limits.max_entries})")
    total = 0
    for info in infos:
        _normalised(info.filename)
        total += info.file_size
        if total > limits.max_bytes:
            raise ArchiveError(f"archive expands beyond {limits.max_bytes} bytes")
        big = info.file_size > 1024 * 1024 and info.compress_size > 0
        if big and info.file_size / info.compress_size > limits.max_ratio:
            raise ArchiveError(f"suspicious compression ratio for {info.filename}")
    if total > RATIO_FLOOR and total / max(packed, 1) > limits.max_ratio:
        raise ArchiveError("suspicious compression ratio for the whole archive")


class _Budget:
    """Real bytes written so far, against the total and whole-archive ratio limits."""

    def __init__(self, limits: Limits, packed: int) -> None:
        self.limits = limits
        self.packed = max(packed, 1)
        self.written = 0

    def add(self, count: int) -> None:
        self.written += count
        if self.written > self.limits.max_bytes:
            raise ArchiveError(f"archive expands beyond {self.limits.max_bytes} bytes")
        ratio = self.written / self.packed
        if self.written > RATIO_FLOOR and ratio > self.limits.max_ratio:
            raise ArchiveError("suspicious compression ratio for the whole archive")


def _write_all(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], root: Path, budget: _Budget
) -> None:
    root_fd = os.open(root, _DIR_FLAGS)
    try:
        for info in infos:
            name = _normalised(info.filename)
            if not name:
                continue
            parts = name.split("/")
            if info.is_dir():
                os.close(_walk(root_fd, parts, name))
                continue
            parent = _walk(root_fd, parts[:-1], name)
            try:
                if _is_symlink(info):
                    link = zf.read(info).decode("utf-8", errors="replace")
                    _check_link(name, link)
                    budget.add(len(link))
                    _write_file(parent, parts[-1], name, [link.encode()], budget)
                else:
                    with zf.open(info) as src:
                        _write_file(
                            parent, parts[-1], name, iter(lambda: src.read(_CHUNK), b""), budget
                        )
            finally:
                os.close(parent)
    finally:
        os.close(root_fd)


def _walk(root_fd: int, parts: list[str], name: str) -> int:
    """A descriptor of the directory ``parts`` below the root, created as needed.

    Each step is opened with ``O_NOFOLLOW`` relative to the previous one, so an
    existing link (or file) on the way is refused, never followed.
    """
    fd = os.dup(root_fd)
    try:
        for part in parts:
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, 0o755, dir_fd=fd)
            try:
                nxt = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError:
                raise ArchiveError(f"entry crosses a file or link: {name}") from None
            os.close(fd)
            fd = nxt
    except BaseException:
        os.close(fd)
        raise
    return fd


def _write_file(
    parent: int, leaf: str, name: str, chunks: Iterable[bytes], budget: _Budget
) -> None:
    try:
        fd = os.open(leaf, _NEW_FILE, 0o644, dir_fd=parent)
    except FileExistsError:
        raise ArchiveError(f"duplicate entry: {name}") from None
    except OSError:
        raise ArchiveError(f"entry crosses a file or link: {name}") from None
    with os.fdopen(fd, "wb") as out:
        for chunk in chunks:
            budget.add(len(chunk))
            out.write(chunk)


def _check_link(name: str, link: str) -> None:
    if link.startswith("/") or "\x00" in link:
        raise ArchiveError(f"symlink escapes the archive root: {name}")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), link))
    if resolved == ".." or resolved.startswith("../"):
        raise ArchiveError(f"symlink escapes the archive root: {name}")
