"""Safe ZIP extraction: nothing outside the target, nothing too large.

Every entry is checked before a single byte is written: absolute names,
``..`` components, symlinks pointing outside the root, too many entries,
a declared total over the limit, or a suspicious compression ratio reject the
archive. Extraction then counts real bytes (headers can lie) and writes into a
scratch directory that is renamed into place only on success.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import stat
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


def is_zip(head: bytes) -> bool:
    """ZIP magic: a local file header, or the end record of an empty archive."""
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def extract(archive: Path, target: Path, limits: Limits) -> None:
    """Extract ``archive`` into the new directory ``target`` or raise ArchiveError."""
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            _precheck(infos, limits)
            scratch = target.with_name(target.name + ".partial")
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir(parents=True)
            try:
                _write_all(zf, infos, scratch, limits)
            except BaseException:
                shutil.rmtree(scratch, ignore_errors=True)
                raise
            scratch.rename(target)
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


def _precheck(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
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


def _write_all(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], root: Path, limits: Limits
) -> None:
    written = 0
    for info in infos:
        name = _normalised(info.filename)
        if not name:
            continue
        dest = root / name
        if info.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        if _is_symlink(info):
            link = zf.read(info).decode("utf-8", errors="replace")
            _check_link(name, link)
            os.symlink(link, dest)
            continue
        with zf.open(info) as src, open(dest, "wb") as out:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > limits.max_bytes:
                    raise ArchiveError(f"archive expands beyond {limits.max_bytes} bytes")
                out.write(chunk)


def _check_link(name: str, link: str) -> None:
    if link.startswith("/") or "\x00" in link:
        raise ArchiveError(f"symlink escapes the archive root: {name}")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), link))
    if resolved == ".." or resolved.startswith("../"):
        raise ArchiveError(f"symlink escapes the archive root: {name}")
