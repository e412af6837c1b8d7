"""The apply lock: exclusive, never wedged by a killed holder, and never silent about it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from odiac.apply.lock import LOCK_FILE, ApplyLock, ApplyLocked, read_holder

# A separate process holds the lock until told to release it (a line on stdin).
HOLDER = textwrap.dedent(
    """
    import sys
    from odiac.apply.lock import ApplyLock
    lock = ApplyLock.acquire(sys.argv[1])
    print("held", flush=True)
    sys.stdin.readline()
    lock.release()
    print("released", flush=True)
    sys.stdin.readline()
    """
)


class Holder:
    def __init__(self, folder: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "held"

    def release(self) -> None:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "released"

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[Holder]:
    running = Holder(tmp_path)
    try:
        yield running
    finally:
        running.close()


def test_a_second_apply_is_refused_naming_the_holder(tmp_path: Path, holder: Holder) -> None:
    with pytest.raises(ApplyLocked) as caught:
        ApplyLock.acquire(tmp_path)
    message = str(caught.value)
    assert f"pid {holder.proc.pid}" in message
    assert "another apply is running" in message
    assert caught.value.holder is not None
    assert caught.value.holder.pid == holder.proc.pid
    assert caught.value.hint is not None
    assert "Nothing was changed" in caught.value.hint


def test_a_sigkilled_holder_never_wedges_and_is_reported(tmp_path: Path, holder: Holder) -> None:
    """A crashed apply's lock expires with its process; the next apply says so."""
    dead = holder.proc.pid
    holder.kill()
    with ApplyLock.acquire(tmp_path) as lock:
        assert lock.previous is not None
        assert lock.previous.pid == dead
        note = lock.previous_note()
        assert f"pid {dead}" in note
        assert "ended without finishing" in note
    # Released cleanly this time: the apply after it reports nothing.
    with ApplyLock.acquire(tmp_path) as lock:
        assert lock.previous is None
        assert lock.previous_note() == ""


def test_a_waiter_gets_the_lock_once_the_holder_releases(tmp_path: Path, holder: Holder) -> None:
    """The waiting path, driven by the waiter's own sleep: no timing guesswork."""
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 1:
            holder.release()

    with ApplyLock.acquire(tmp_path, wait=60.0, sleep=sleep) as lock:
        assert len(sleeps) == 1
        assert lock.previous is None  # the holder released cleanly
        assert lock.holder.pid == os.getpid()


def test_a_waiter_gives_up_after_its_deadline(tmp_path: Path, holder: Holder) -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(ApplyLocked) as caught:
        ApplyLock.acquire(tmp_path, wait=5.0, clock=lambda: now[0], sleep=sleep)
    assert now[0] == pytest.approx(5.0)
    assert "after waiting 5 s" in str(caught.value)
    assert holder.proc.poll() is None  # the live holder was not disturbed


def test_the_record_holds_no_command_line_or_secret(tmp_path: Path) -> None:
    with ApplyLock.acquire(tmp_path, command="odiac apply") as lock:
        record = json.loads((tmp_path / LOCK_FILE).read_text())
        assert set(record) == {"pid", "host", "started_at", "command", "released"}
        assert record["command"] == "odiac apply"
        assert record["released"] is False
        assert lock.path == tmp_path / LOCK_FILE
    after = read_holder(tmp_path)
    assert after is not None
    assert after.released
    assert oct((tmp_path / LOCK_FILE).stat().st_mode & 0o777) == oct(0o600)


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"pid": "x"}', b"\xff" * 10])
def test_a_torn_or_foreign_record_is_not_a_crash(tmp_path: Path, content: bytes) -> None:
    (tmp_path / LOCK_FILE).parent.mkdir()
    (tmp_path / LOCK_FILE).write_bytes(content)
    assert read_holder(tmp_path) is None
    with ApplyLock.acquire(tmp_path) as lock:
        assert lock.previous is None


def test_release_is_idempotent(tmp_path: Path) -> None:
    lock = ApplyLock.acquire(tmp_path)
    lock.release()
    lock.release()
    with ApplyLock.acquire(tmp_path):
        pass


def test_a_holder_caught_before_writing_its_record_is_still_named(tmp_path: Path) -> None:
    """Two applies started at the same instant: the loser waits a moment for the record."""
    import fcntl

    path = tmp_path / LOCK_FILE
    path.parent.mkdir()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held, record not written yet
        record = {"pid": 4242, "host": "ci-7", "started_at": 0.0, "command": "odiac apply"}

        def sleep(_: float) -> None:
            path.write_text(json.dumps(record))

        with pytest.raises(ApplyLocked) as caught:
            ApplyLock.acquire(tmp_path, sleep=sleep)
        assert "pid 4242 on ci-7" in str(caught.value)
    finally:
        os.close(fd)
