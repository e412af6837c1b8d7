"""What a plan was made from: :class:`PlanResult`, returned by :func:`odiac.engine.plan`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from odiac.errors import PlanError

if TYPE_CHECKING:
    from odiac.plan.inputs import DesiredState, LiveState
    from odiac.plan.model import Plan
    from odiac.state.checks import Finding


@dataclass
class PlanResult:
    """A plan and everything it was made from (applying it needs all of it).

    Attributes:
        desired: The desired state built from the file (holds the values to send).
        live: The live state the plan was made against.
        plan: The plan itself.
        findings: Plan-time check and policy findings, errors first.
        source_warnings: Warnings of the source scan (e.g. files left out).
        git_token: The resolved token of a private Git source (never rendered).
    """

    desired: DesiredState
    live: LiveState
    plan: Plan
    findings: list[Finding]
    source_warnings: list[str] = field(default_factory=list)
    git_token: str | None = field(default=None, repr=False)

    @property
    def errors(self) -> list[Finding]:
        """The findings that stop an apply."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[str]:
        """Source and plan warnings, in that order."""
        return [*self.source_warnings, *self.plan.warnings]


def refuse_on_errors(result: PlanResult) -> None:
    """Raise when a plan-time check or policy found an error (the caller lists them).

    Raises:
        PlanError: At least one finding is an error.
    """
    errors = result.errors
    if not errors:
        return
    count = f"{len(errors)} errors" if len(errors) > 1 else "an error"
    raise PlanError(f"the plan has {count} (listed above); nothing was changed")
