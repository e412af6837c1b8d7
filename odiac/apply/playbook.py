"""Match a failed deployment to the contract's failure playbook (section 7).

Only statuses, progress, the exact quirk strings of contract Q9 and log sources
are used; other free text is never parsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from odiac.gateway.models import Deployment, LogLine

NO_SOURCE_ERROR = "Service failed"


@dataclass(frozen=True)
class Hint:
    """A playbook row and what the user should do."""

    row: str
    advice: str

    def __str__(self) -> str:
        return self.advice  # the row is for events and tests; people read the advice


F13 = Hint(
    "F13",
    "The deployment had no source bound (failed within seconds at progress 10). odiac "
    "uploads and binds the source before deploying; run apply again to re-upload, bind "
    "and redeploy.",
)
F26 = Hint(
    "F26",
    "The application failed to build (a build failure). The log tail above shows the build output; fix "
    "the build and run apply again (odiac does not retry a failed build by itself).",
)
F27 = Hint(
    "F27",
    "A deploy failure: the build succeeded but the rollout failed (image pull, quota, missing secret or a "
    "crash at start). Check the logs above; if the service's size is at fault, change "
    "cpu/memory in opendeploy.toml and run apply again.",
)
CANCELLED = Hint(
    "cancelled",
    "The deployment was cancelled outside this run; run apply again to redeploy.",
)


def deployment_hint(
    deployment: Deployment, phases: Sequence[str], logs: Sequence[LogLine] | None
) -> Hint:
    """The playbook row for a deployment that ended without success."""
    if deployment.status == "cancelled":
        return CANCELLED
    if (
        deployment.progress <= 10
        and deployment.error_msg == NO_SOURCE_ERROR
        and not logs
        and "building" not in phases
    ):
        return F13
    sources = [line.source for line in logs or ()]
    # The rollout's own log lines prove the build finished, even when polling saw the
    # deployment only while it was building (a fast rollout that failed in between).
    if "deploying" in phases or "deploy" in sources:
        return F27
    if "building" in phases:
        return F26
    if "buildctl" in sources:
        return F26
    return F13 if not logs else F26
