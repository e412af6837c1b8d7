"""The one confirm → start → watch → verify runner behind rollback, redeploy and cancel,
driven in-process (real emulator app over ASGI, virtual time) to its typed outcomes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from apply.harness import VirtualTime, apply_config, running_emulator, write_app

from odiac.gateway.models import Deployment
from odiac.ops.deploys import RollbackChoice, plan_redeploy, start_redeploy
from odiac.ops.lookup import OperationError, find_project, find_service
from odiac.ops.operations import Cancel, CancelProposal, Redeploy, Rollback
from odiac.ops.outcomes import CancelOutcome, RedeployOutcome, RollbackOutcome
from odiac.ops.runner import run_operation

CONFIG = """
    version = 1
    [project]
    name = "runner"
    [services.web]
    type = "web"
    port = 8000
    cpu = "1"
    memory = "1Gi"
"""


class Seen:
    """What the runner handed to the caller's callbacks."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.proposals: list[Any] = []
        self.started: list[Deployment] = []
        self.progress: list[str] = []

    def confirm(self, proposal: Any) -> bool:
        self.proposals.append(proposal)
        return self.answer

    def callbacks(self) -> dict[str, Any]:
        return {
            "confirm": self.confirm,
            "on_started": self.started.append,
            "on_progress": lambda d: self.progress.append(d.status),
        }


def scenario(tmp_path: Path, body: Any, *, releases: int = 1, fail: bool = False) -> None:
    """Apply ``releases`` versions of the app, then run ``body(client, timing)``."""

    async def main() -> None:
        async with running_emulator(tmp_path) as emulator:
            client = emulator.client(await emulator.user_token())
            timing = VirtualTime(emulator)
            config = write_app(tmp_path / "app", CONFIG)
            for release in range(releases):
                (tmp_path / "app" / "app.py").write_text(f"print('v{release}')\n")
                if fail:
                    (tmp_path / "app" / "OPENDEPLOY_EMULATOR_FAIL_BUILD").write_text("x\n")
                await apply_config(client, config, tmp_path / f"s{release}", timing)
            await body(client, timing)

    asyncio.run(main())


def test_rollback_outcome_is_typed_and_verified(tmp_path: Path) -> None:
    """Q48: the rollback is watched to success; the outcome names from, to and source."""

    async def body(client: Any, timing: VirtualTime) -> None:
        seen = Seen()
        outcome = await run_operation(
            Rollback(client, "runner", "web"), timing=timing, **seen.callbacks()
        )
        assert isinstance(outcome, RollbackOutcome)
        [choice] = seen.proposals
        assert isinstance(choice, RollbackChoice)
        assert choice.question == f"Roll back web to deployment {choice.target.id}?"
        assert choice.current is not None
        [started] = seen.started
        assert seen.progress[-1] == "success"
        live = await client.get_deployment(started.id)
        assert (live.is_rollback, live.rollback_of, live.status) == (
            True,
            choice.target.id,
            "success",
        )
        assert outcome.to_json() == {
            "service": "web",
            "from": choice.current.id,
            "to": choice.target.id,
            "source_digest": outcome.source_digest,
            "deployment": {"id": started.id, "status": "success", "progress": live.progress},
            "drift_note": outcome.drift_note,
        }
        assert outcome.source_digest is not None
        assert outcome.source_digest.startswith("sha256:")
        assert "odiac apply" in outcome.drift_note

    scenario(tmp_path, body, releases=2)


def test_redeploy_outcome_keeps_the_source_identity(tmp_path: Path) -> None:
    async def body(client: Any, timing: VirtualTime) -> None:
        project = await find_project(client, "runner")
        before = await client.list_deployments(project.id)
        seen = Seen()
        outcome = await run_operation(
            Redeploy(client, "runner", "web", "staging"), timing=timing, **seen.callbacks()
        )
        assert isinstance(outcome, RedeployOutcome)
        [started] = seen.started
        after = await client.list_deployments(project.id)
        assert len(after) == len(before) + 1
        assert next(d for d in after if d.id == started.id).description == before[0].description
        assert outcome.to_json() == {
            "service": "web",
            "source_digest": seen.proposals[0].source_digest,
            "deployment": {"id": started.id, "status": "success", "progress": 100},
        }

    scenario(tmp_path, body)


def test_a_failed_deployment_fails_the_run_with_its_logs_hint(tmp_path: Path) -> None:
    async def body(client: Any, timing: VirtualTime) -> None:
        seen = Seen()
        with pytest.raises(OperationError) as failed:
            await run_operation(
                Redeploy(client, "runner", "web", "staging"), timing=timing, **seen.callbacks()
            )
        [started] = seen.started
        assert failed.value.message.startswith(f"deployment {started.id} failed at ")
        assert failed.value.hint == f"See its logs: odiac logs web --deployment {started.id}"

    scenario(tmp_path, body, fail=True)


def test_cancel_outcome_is_read_back_and_never_watched(tmp_path: Path) -> None:
    """Q44: the cancel is verified by reading the deployment back."""

    async def body(client: Any, timing: VirtualTime) -> None:
        project = await find_project(client, "runner")
        web = await find_service(client, project, "web")
        running = await start_redeploy(
            client, project, await plan_redeploy(client, project, web, "staging")
        )
        seen = Seen()
        outcome = await run_operation(
            Cancel(client, "runner", "web"), timing=timing, **seen.callbacks()
        )
        assert isinstance(outcome, CancelOutcome)
        [proposal] = seen.proposals
        assert isinstance(proposal, CancelProposal)
        assert (proposal.service_name, proposal.deployment.id) == ("web", running.id)
        assert seen.progress == []
        back = await client.get_deployment(running.id)
        assert back.status == "cancelled"
        assert outcome.to_json() == {
            "service": "web",
            "deployment": {"id": running.id, "status": "cancelled", "progress": back.progress},
        }

    scenario(tmp_path, body)


@pytest.mark.parametrize(
    ("make", "action"),
    [
        (lambda client: Rollback(client, "runner", "web"), "roll back web"),
        (lambda client: Redeploy(client, "runner", "web", "staging"), "redeploy web"),
    ],
)
def test_a_declined_change_changes_nothing(tmp_path: Path, make: Any, action: str) -> None:
    async def body(client: Any, timing: VirtualTime) -> None:
        project = await find_project(client, "runner")
        before = await client.list_deployments(project.id)
        seen = Seen(answer=False)
        with pytest.raises(OperationError) as declined:
            await run_operation(make(client), timing=timing, **seen.callbacks())
        assert declined.value.message == f"did not {action}: not confirmed; nothing was changed"
        assert len(seen.proposals) == 1
        assert seen.started == []
        assert await client.list_deployments(project.id) == before

    scenario(tmp_path, body, releases=2)
