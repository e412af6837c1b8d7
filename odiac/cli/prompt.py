"""What every day-2 command shares with the person running it: confirmation
before anything destructive, warnings, progress notes, and a clean exit on Ctrl-C.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import TYPE_CHECKING, TypeVar

import click

from odiac.ops.lookup import OperationError
from odiac.redact import redact

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from typing import Any

    from odiac.gateway.models import Deployment

T = TypeVar("T")
EXIT_INTERRUPTED = 130
_RECANCEL_S = 0.2


def can_ask() -> bool:
    """Whether a person can answer a prompt (stdin is a terminal)."""
    return sys.stdin.isatty()


def confirm_or_refuse(question: str, *, action: str, yes: bool) -> None:
    """Return when the action may go ahead, else raise.

    Args:
        question: The prompt, shown on stderr so ``--json`` output stays clean.
        action: What is being confirmed, for the refusal message ("roll back web").
        yes: ``--yes`` was given: confirmed in advance.

    Raises:
        OperationError: No terminal to ask on and no ``--yes``, or the answer was no.
    """
    if yes:
        return
    if not can_ask():
        raise OperationError(
            f"refusing to {action} without confirmation: there is no terminal to ask on",
            hint="Pass --yes to confirm in advance (CI).",
        )
    if not click.confirm(redact(question), default=False, err=True):
        raise OperationError(f"did not {action}: not confirmed; nothing was changed")


def warn(message: str) -> None:
    """Print a redacted warning on stderr."""
    click.echo(redact(f"Warning: {message}"), err=True)


def note(message: str) -> None:
    """Print a redacted progress note on stderr (keeps stdout for results)."""
    click.echo(redact(message), err=True)


def run_interruptible(coro: Coroutine[Any, Any, T], *, stopped: str = "Stopped.") -> T:
    """Run ``coro``; Ctrl-C ends the command with exit code 130 and no traceback.

    Ctrl-C cancels the running task, and cancels it again every 0.2 s until it ends:
    a cancellation that lands while the HTTP stack closes a connection inside a
    shielded scope can be absorbed there, and one cancel would then leave the command
    following a stream forever.
    """
    interrupted: list[bool] = []

    async def main() -> T:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        if task is None:  # asyncio.run always runs main() as a task
            return await coro

        def cancel() -> None:
            if not task.done():
                task.cancel()
                loop.call_later(_RECANCEL_S, cancel)

        def on_sigint() -> None:
            interrupted.append(True)
            cancel()

        try:
            loop.add_signal_handler(signal.SIGINT, on_sigint)
        except (NotImplementedError, RuntimeError):  # no loop signal handlers here
            return await coro
        try:
            return await coro
        finally:
            loop.remove_signal_handler(signal.SIGINT)

    try:
        return asyncio.run(main())
    except (KeyboardInterrupt, asyncio.CancelledError) as exc:
        if isinstance(exc, asyncio.CancelledError) and not interrupted:
            raise
        click.echo(stopped, err=True)
        sys.exit(EXIT_INTERRUPTED)  # SystemExit: the entry point runs click non-standalone


def progress_printer(*, loud: bool) -> Callable[[Deployment], None]:
    """A watch callback printing each status change (with progress) on stderr."""
    last: list[str] = []

    def show(deployment: Deployment) -> None:
        if not loud or (last and last[-1] == deployment.status):
            return
        last.append(deployment.status)
        note(f"  {deployment.status} ({deployment.progress}%)")

    return show
