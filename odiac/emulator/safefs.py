"""File access below a root that never follows a link.

Every path is walked one component at a time from a directory descriptor of the
root, each step opened with ``O_NOFOLLOW``: a link anywhere on the way (placed
by an archive, by an older emulator, or by anyone else) makes the walk fail
instead of leading outside the root. Callers get ``None`` / ``False`` for such a
path, exactly as for a missing one.
"""

from __future__ import annotations

import contextlib
import os
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = (
    os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
)


def parts(relative: str) -> list[str] | None:
    """Components of a relative path, or None when it could leave the root."""
    out = [p for p in relative.replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in out or any("\x00" in p for p in out):
        return None
    return out


@contextlib.contextmanager
def opened_dir(root: Path, relative: str = "") -> Iterator[int | None]:
    """A descriptor of ``root/relative`` reached without following links, or None."""
    names = parts(relative)
    fd: int | None = None
    try:
        if names is not None:
            fd = os.open(root, _DIR_FLAGS)
            for name in names:
                nxt = os.open(name, _DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd = nxt
    except OSError:
        if fd is not None:
            os.close(fd)
        fd = None
    try:
        yield fd
    finally:
        if fd is not None:
            os.close(fd)


def _file_fd(root: Path, relative: str) -> int | None:
    names = parts(relative)
    if not names:
        return None
    with opened_dir(root, "/".join(names[:-1])) as parent:
        if parent is None:
            return None
        try:
            fd = os.open(names[-1], _FILE_FLAGS, dir_fd=parent)
        except OSError:
            return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return fd


def is_file(root: Path, relative: str) -> bool:
    """True for a regular file reached without following any link."""
    fd = _file_fd(root, relative)
    if fd is None:
        return False
    os.close(fd)
    return True


def read_text(root: Path, relative: str, limit: int) -> str | None:
    """At most ``limit`` bytes of a regular file (decoded leniently), or None."""
    fd = _file_fd(root, relative)
    if fd is None:
        return None
    with os.fdopen(fd, "rb") as handle:
        return handle.read(limit).decode("utf-8", errors="replace")


def list_names(root: Path, relative: str = "") -> list[str]:
    """Names in a directory reached without following links ([] otherwise)."""
    with opened_dir(root, relative) as fd:
        if fd is None:
            return []
        return sorted(os.listdir(fd))
