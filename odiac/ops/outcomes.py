"""The typed results of ``cancel``, ``redeploy`` and ``rollback`` (``--json`` prints
:meth:`to_json`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from odiac.gateway.models import Deployment


@dataclass(frozen=True)
class DeploymentState:
    """A deployment as last read: id, status and progress (percent)."""

    id: str
    status: str
    progress: int

    @classmethod
    def of(cls, deployment: Deployment) -> DeploymentState:
        return cls(id=deployment.id, status=deployment.status, progress=deployment.progress)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "progress": self.progress}


@dataclass(frozen=True)
class CancelOutcome:
    """A cancelled deployment, verified by reading it back.

    Attributes:
        service: The service's name (its id when the gateway no longer lists it).
        deployment: The deployment as read back (status ``cancelled``).
    """

    service: str
    deployment: DeploymentState

    def to_json(self) -> dict[str, Any]:
        return {"service": self.service, "deployment": self.deployment.to_json()}


@dataclass(frozen=True)
class RedeployOutcome:
    """A finished redeploy of the bound source.

    Attributes:
        service: The service's name.
        source_digest: The source identity the new deployment keeps (None: unknown).
        deployment: The new deployment at its end (status ``success``).
    """

    service: str
    source_digest: str | None
    deployment: DeploymentState

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "source_digest": self.source_digest,
            "deployment": self.deployment.to_json(),
        }


@dataclass(frozen=True)
class RollbackOutcome:
    """A finished rollback.

    Attributes:
        service: The service's name.
        from_id: The deployment that was live before (None: nothing was).
        to_id: The deployment whose source now runs again.
        source_digest: That source's identity (None: unknown).
        deployment: The rollback deployment at its end (status ``success``).
        drift_note: Why ``odiac plan`` now reports drift, and how to resolve it.
    """

    service: str
    from_id: str | None
    to_id: str
    source_digest: str | None
    deployment: DeploymentState
    drift_note: str

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "from": self.from_id,
            "to": self.to_id,
            "source_digest": self.source_digest,
            "deployment": self.deployment.to_json(),
            "drift_note": self.drift_note,
        }
