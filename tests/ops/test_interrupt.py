"""Ctrl-C ends a day-2 command even when one cancellation is absorbed on the way."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal

import pytest

from odiac.cli.prompt import EXIT_INTERRUPTED, run_interruptible


def test_ctrl_c_ends_the_command_even_when_the_first_cancellation_is_swallowed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A library that absorbs a cancellation (a shielded close in the HTTP stack) must
    not leave ``logs --follow`` running: the cancellation is issued again until the
    command ends, with exit code 130."""
    reached: list[str] = []

    async def stubborn() -> str:
        loop = asyncio.get_running_loop()
        loop.call_later(0.05, os.kill, os.getpid(), signal.SIGINT)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(30)  # the first cancellation lands here and is absorbed
        reached.append("after the absorbed cancellation")
        await asyncio.sleep(30)  # only a second cancellation ends this in time
        return "finished"

    with pytest.raises(SystemExit) as exc:
        run_interruptible(stubborn(), stopped="Stopped following.")
    assert exc.value.code == EXIT_INTERRUPTED
    assert reached == ["after the absorbed cancellation"]
    assert capsys.readouterr().err.strip() == "Stopped following."


def test_a_cancellation_without_ctrl_c_is_not_reported_as_an_interrupt() -> None:
    async def cancelled_by_itself() -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        run_interruptible(cancelled_by_itself())
