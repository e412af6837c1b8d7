"""``odiac apply --json``: one JSON object per line for tooling (docs/events.md).

Every event has ``type``, ``version`` and ``timestamp``; every string is redacted
before it is written, like every other byte odiac emits.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from odiac.redact import redact

if TYPE_CHECKING:
    from collections.abc import Callable

    from odiac.apply.events import ActionResult, ApplyResult
    from odiac.gateway.models import Deployment
    from odiac.plan.model import Action, Plan

EVENTS_VERSION = 1


class JsonLinesReporter:
    """A :class:`~odiac.apply.events.Reporter` that writes JSON Lines events."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write

    def emit(
        self, event_type: str, /, *, unredacted: dict[str, Any] | None = None, **fields: Any
    ) -> None:
        """Write one event; ``fields`` must be JSON-serialisable and are redacted.

        ``unredacted`` is for the claim URL only, which must carry the bind
        signature to be usable (gateway-api 2.4) and is shown to a fresh agent once.
        """
        event = {
            "type": event_type,
            "version": EVENTS_VERSION,
            "timestamp": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            **_scrub(fields),
            **(unredacted or {}),
        }
        self._write(json.dumps(event, separators=(",", ":")))

    def plan(self, plan: Plan) -> None:
        from odiac.plan.render_json import plan_document

        self.emit("plan", plan=plan_document(plan))

    def started(self, action: Action) -> None:
        self.emit("action_started", action=action.id, address=action.address, kind=action.kind)

    def finished(self, result: ActionResult) -> None:
        self.emit(
            "action_finished",
            action=result.action_id,
            address=result.address,
            kind=result.kind,
            outcome=result.outcome,
            detail=result.detail,
            hint=result.hint,
            log_tail=list(result.log_tail),
        )

    def deployment(self, service: str, deployment: Deployment) -> None:
        self.emit(
            "deployment_progress",
            service=service,
            deployment_id=deployment.id,
            status=deployment.status,
            progress=deployment.progress,
        )

    def log_line(self, service: str, line: str) -> None:
        self.emit("log", service=service, line=line)

    def note(self, message: str) -> None:
        self.emit("note", message=message)

    def summary(self, result: ApplyResult, *, claim: dict[str, str] | None = None) -> None:
        """The last event: outcome counts and the report of gateway-api 7.1.8."""
        counts = {k: len(result.by_outcome(k)) for k in ("done", "failed", "skipped", "manual")}
        self.emit(
            "summary",
            ok=result.ok,
            interrupted=result.interrupted,
            counts=counts,
            text=result.summary(),
            project_id=result.project_id,
            services=[
                {
                    "name": s.name,
                    "service_id": s.service_id,
                    "url": s.url,
                    "deployment_id": s.deployment_id,
                    "deployment_status": s.deployment_status,
                }
                for s in result.services
            ],
            dependencies=[
                {
                    "name": d.name,
                    "engine": d.engine,
                    "dependency_id": d.dependency_id,
                    "injected": list(d.injected),
                }
                for d in result.dependencies
            ],
            unredacted={"claim": claim},
        )


def _scrub(value: Any) -> Any:
    """Redact every string inside a JSON value (structure and keys stay)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value
