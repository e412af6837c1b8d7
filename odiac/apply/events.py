"""What the applier tells its caller while it works, and what it returns.

The applier never prints: it reports through a :class:`Reporter` (the CLI's
progress display, or a recorder in tests) and returns an :class:`ApplyResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from odiac.gateway.models import Deployment
    from odiac.plan.model import Action

Outcome = Literal["done", "failed", "skipped", "manual", "interrupted"]


@dataclass(frozen=True)
class ActionResult:
    """How one plan action ended."""

    action_id: str
    address: str
    kind: str
    outcome: Outcome
    detail: str = ""
    hint: str | None = None
    log_tail: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceReport:
    """One service line of the final report (contract §7.1.8)."""

    name: str
    service_id: str
    url: str | None = None
    deployment_id: str | None = None
    deployment_status: str | None = None
    public: bool = True  # web/static; workers and cron jobs have no public URL


@dataclass(frozen=True)
class DependencyReport:
    """One ``db:`` line of the final report (key names only, never values)."""

    name: str
    engine: str
    dependency_id: str
    injected: tuple[str, ...] = ()


@dataclass
class ApplyResult:
    """Everything apply did, for the summary and the report."""

    results: list[ActionResult] = field(default_factory=list)
    project_id: str | None = None
    services: list[ServiceReport] = field(default_factory=list)
    dependencies: list[DependencyReport] = field(default_factory=list)
    interrupted: bool = False

    def by_outcome(self, outcome: Outcome) -> list[ActionResult]:
        return [r for r in self.results if r.outcome == outcome]

    @property
    def ok(self) -> bool:
        """True when nothing failed, was skipped or interrupted (manual items are reported)."""
        return not self.interrupted and not any(
            r.outcome in ("failed", "skipped", "interrupted") for r in self.results
        )

    def summary(self) -> str:
        """``Apply: 5 done, 1 failed, 1 skipped, 0 manual.``"""
        counts = {k: len(self.by_outcome(k)) for k in ("done", "failed", "skipped", "manual")}
        text = (
            f"Apply: {counts['done']} done, {counts['failed']} failed, "
            f"{counts['skipped']} skipped, {counts['manual']} manual."
        )
        return text + (" Interrupted." if self.interrupted else "")


class Reporter(Protocol):
    """Receives progress while apply runs (must not raise)."""

    def started(self, action: Action) -> None: ...

    def finished(self, result: ActionResult) -> None: ...

    def deployment(self, service: str, deployment: Deployment) -> None: ...

    def log_line(self, service: str, line: str) -> None: ...

    def note(self, message: str) -> None: ...


class SilentReporter:
    """A reporter that records everything and prints nothing (tests, benchmarks)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def started(self, action: Action) -> None:
        self.events.append(("started", action.id))

    def finished(self, result: ActionResult) -> None:
        self.events.append((result.outcome, result.action_id))

    def deployment(self, service: str, deployment: Deployment) -> None:
        self.events.append(("deployment", f"{service} {deployment.status} {deployment.progress}"))

    def log_line(self, service: str, line: str) -> None:
        self.events.append(("log", f"{service} {line}"))

    def note(self, message: str) -> None:
        self.events.append(("note", message))
