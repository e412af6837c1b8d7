"""Show apply progress: a rich progress bar on a terminal, plain lines otherwise.

Both reporters print through one callback-free path so that every line is
redacted; deployment progress shows the phase (status) and percent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odiac.redact import redact

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console
    from rich.progress import Progress, TaskID

    from odiac.apply.events import ActionResult
    from odiac.gateway.models import Deployment
    from odiac.plan.model import Action

SYMBOLS = {"done": "ok", "failed": "FAILED", "skipped": "skipped", "manual": "manual"}


def _describe(result: ActionResult) -> str:
    label = SYMBOLS.get(result.outcome, result.outcome)
    if result.outcome == "failed":
        # Said once, in full, with its hint and log tail when the apply ends.
        return f"{result.action_id}: {label} (reported below)"
    return f"{result.action_id}: {label} - {result.detail}"


class PlainReporter:
    """One line per event; deployment progress only when the phase changes (CI logs)."""

    def __init__(self, echo: Callable[[str], None], *, quiet: bool = False) -> None:
        self._echo = echo
        self._quiet = quiet
        self._phase: dict[str, str] = {}

    def _say(self, text: str) -> None:
        self._echo(redact(text))

    def started(self, action: Action) -> None:
        if not self._quiet:
            self._say(f"{action.id}: started")

    def finished(self, result: ActionResult) -> None:
        if self._quiet and result.outcome == "done":
            return
        self._say(_describe(result))

    def deployment(self, service: str, deployment: Deployment) -> None:
        if self._quiet or self._phase.get(service) == deployment.status:
            return
        self._phase[service] = deployment.status
        self._say(f"service.{service}: {deployment.status} {deployment.progress}%")

    def log_line(self, service: str, line: str) -> None:
        self._say(f"[{service}] {line}")

    def note(self, message: str) -> None:
        self._say(message)


class RichReporter:
    """A live progress bar per deployment, with events printed above it."""

    def __init__(self, console: Console) -> None:
        from rich.progress import BarColumn, Progress, TextColumn

        self._console = console
        self._progress: Progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            console=console,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichReporter:
        self._progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._progress.stop()

    def _say(self, text: str) -> None:
        # markup=False: user text (log lines) must not be read as rich markup.
        self._progress.console.print(redact(text), markup=False, highlight=False)

    def started(self, action: Action) -> None:
        self._say(f"{action.id}: started")

    def finished(self, result: ActionResult) -> None:
        self._say(_describe(result))

    def deployment(self, service: str, deployment: Deployment) -> None:
        description = redact(f"{service}: {deployment.status}")
        task = self._tasks.get(service)
        if task is None:
            self._tasks[service] = self._progress.add_task(description, total=100)
            task = self._tasks[service]
        self._progress.update(task, description=description, completed=deployment.progress)

    def log_line(self, service: str, line: str) -> None:
        self._say(f"[{service}] {line}")

    def note(self, message: str) -> None:
        self._say(message)
