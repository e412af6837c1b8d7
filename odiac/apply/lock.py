"""An advisory lock so that two applies of one project folder never interleave.

Example::

    from odiac.apply.lock import ApplyLock

    with ApplyLock.acquire(project_dir, wait=30.0) as lock:
        if lock.previous is not None:
            print(lock.previous_note())   # the last apply here ended without finishing
        ...  # refresh, plan and apply

The lock is an operating-system file lock (``flock``; ``LockFileEx`` on Windows)
on ``.opendeploy/apply.lock``. The kernel drops it when its holder exits for any
reason, SIGKILL and power loss included, so a crashed apply cannot wedge the next
one: a lock lives exactly as long as its holder process. The file also records the
holder (pid, host, start time); an apply that finds a record never marked
released reports that the previous apply ended without finishing, and whose lock
expired with it, instead of passing over it silently. A live holder is never
broken: a waiter gives up after ``wait`` seconds with an error naming the holder.

Scope: one folder on one machine (or a shared file system whose locks work). Two
CI runners on different machines are not serialised by it; the applier's
create-once rules (look up by name, F7; read back after an ambiguous failure,
F30) are what keep them from duplicating resources. The record never holds a
command line (it could carry ``--token``) or any other secret.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Self

from odiac.errors import ApplyError
from odiac.statedir import ensure_state_dir

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

LOCK_FILE = Path(".opendeploy") / "apply.lock"
POLL_S = 0.25
_RECORD_MAX = 4096
_RECORD_READS, _RECORD_RETRY_S = 5, 0.02

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or last held) the lock of a folder."""

    pid: int
    host: str
    started_at: float
    command: str = "odiac apply"
    released: bool = False

    def describe(self, now: float | None = None) -> str:
        """``pid 4242 on ci-7, started 42 s ago (odiac apply)``."""
        age = max(0.0, (time.time() if now is None else now) - self.started_at)
        return f"pid {self.pid} on {self.host}, started {_age(age)} ago ({self.command})"


class ApplyLocked(ApplyError):
    """Another apply holds the lock of this folder."""

    def __init__(self, message: str, *, holder: LockHolder | None, hint: str) -> None:
        super().__init__(message, hint=hint)
        self.holder = holder


class ApplyLock:
    """A held apply lock; release it with :meth:`release` or a ``with`` block.

    Attributes:
        path: The lock file.
        holder: This process's record.
        previous: The record of an earlier apply that ended without releasing the
            lock (killed, crashed); None when the last apply finished cleanly.
    """

    def __init__(self, path: Path, fd: int, holder: LockHolder, previous: LockHolder | None):
        self.path = path
        self.holder = holder
        self.previous = previous
        self._fd: int | None = fd

    @classmethod
    def acquire(
        cls,
        folder: str | os.PathLike[str],
        *,
        wait: float = 0.0,
        command: str = "odiac apply",
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Self:
        """Take the lock of ``folder``, waiting up to ``wait`` seconds for a holder.

        Raises:
            ApplyLocked: Another live process still holds it after ``wait`` seconds.
        """
        path = Path(folder) / LOCK_FILE
        ensure_state_dir(path.parent)
        deadline = clock() + max(0.0, wait)
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                _try_lock(fd)
            except OSError:
                os.close(fd)
                if clock() >= deadline:
                    raise _locked(path, wait, sleep) from None
                sleep(min(POLL_S, max(0.0, deadline - clock())))
                continue
            if _same_file(fd, path):
                break
            # The file was replaced while we waited: lock the one that is there now.
            _unlock(fd)
            os.close(fd)
        previous = _read(path)
        holder = LockHolder(os.getpid(), socket.gethostname(), time.time(), command)
        _write(fd, holder)
        unclean = previous if previous is not None and not previous.released else None
        return cls(path, fd, holder, unclean)

    def previous_note(self) -> str:
        """One line about an earlier apply that did not finish (empty when there was none)."""
        if self.previous is None:
            return ""
        return (
            f"the previous apply in this folder ({self.previous.describe()}) ended without "
            "finishing; its lock expired when that process exited. Its changes may be "
            "partial: this apply reads the live state and completes them."
        )

    def release(self) -> None:
        """Mark the record released and drop the lock (idempotent)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):
                _write(fd, replace(self.holder, released=True))
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def read_holder(folder: str | os.PathLike[str]) -> LockHolder | None:
    """The record in ``folder``'s lock file (held or not), without taking the lock."""
    return _read(Path(folder) / LOCK_FILE)


def _locked(path: Path, wait: float, sleep: Callable[[float], None]) -> ApplyLocked:
    holder = _read(path)
    for _ in range(_RECORD_READS):
        if holder is not None:
            break
        # The holder may have taken the lock a moment ago and not written its record yet.
        sleep(_RECORD_RETRY_S)
        holder = _read(path)
    who = holder.describe() if holder is not None else "another process"
    waited = f" after waiting {_age(wait)}" if wait > 0 else ""
    return ApplyLocked(
        f"another apply is running in this folder ({who}); {path} is locked{waited}",
        holder=holder,
        hint="Let it finish, or stop that process: the lock is released the moment it "
        "exits, however it ends. Nothing was changed by this run.",
    )


def _same_file(fd: int, path: Path) -> bool:
    try:
        current = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (current.st_dev, current.st_ino)


def _write(fd: int, holder: LockHolder) -> None:
    data = json.dumps(asdict(holder), sort_keys=True).encode()
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)
    os.fsync(fd)


def _read(path: Path) -> LockHolder | None:
    """The recorded holder; None for a missing, empty, torn or foreign record."""
    try:
        with path.open("rb") as handle:
            raw = json.loads(handle.read(_RECORD_MAX))
        return LockHolder(
            pid=int(raw["pid"]),
            host=str(raw["host"]),
            started_at=float(raw["started_at"]),
            command=str(raw.get("command", "odiac apply")),
            released=bool(raw.get("released", False)),
        )
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
