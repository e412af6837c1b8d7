"""The engine's steps: plan, save or check a saved plan, apply.

Each step returns typed data and never prints or asks: a caller shows findings and
the plan between the steps, and asks for confirmation, however it likes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from odiac.apply import DEFAULT_PARALLELISM
from odiac.engine.result import PlanResult, refuse_on_errors
from odiac.errors import PlanError

if TYPE_CHECKING:
    from odiac.apply import ApplyResult, Reporter, Timing
    from odiac.engine.session import Session
    from odiac.plan.model import Plan


async def plan(
    session: Session,
    *,
    plan_file: str | None = None,
    allow_detach_volumes: bool = False,
    with_checks: bool = True,
) -> PlanResult:
    """Refresh, scan the source, build the desired state, check, and plan.

    Findings are returned, not raised: show them, then call
    :func:`~odiac.engine.result.refuse_on_errors` (apply does so itself).

    Args:
        session: An open session (:func:`odiac.engine.open_session`).
        plan_file: A plan file written or read by this run (never counted as source).
        allow_detach_volumes: Detach live volumes no longer in the file.
        with_checks: Run the plan-time checks and policies.
    """
    return await session.prepare(
        with_checks=with_checks, plan_file=plan_file, allow_detach_volumes=allow_detach_volumes
    )


def save_plan(result: PlanResult, path: str | os.PathLike[str]) -> None:
    """Save a plan for a later :func:`apply` (written atomically, never holding a secret).

    Raises:
        PlanError: The plan has errors, or would hold a secret value.
    """
    from odiac.plan.planfile import save

    refuse_on_errors(result)
    save(result.plan, path)


def saved_plan(session: Session, result: PlanResult, plan_file: str | os.PathLike[str]) -> Plan:
    """Load ``plan_file`` and check it against ``result``, a plan made just now.

    ``result`` must come from :func:`plan` with the same ``plan_file``.

    Raises:
        PlanError: The file is no plan, or is stale: the live state, the
            configuration, the source or a secret changed since it was made
            (every change named).
    """
    from odiac.plan.planfile import check_stale, load

    saved = load(plan_file)
    reasons = check_stale(saved, result.desired, result.live, session.hmac_key)
    if reasons:
        raise PlanError(
            f"the saved plan {os.fspath(plan_file)} is stale: " + "; ".join(reasons),
            hint=f"Review a fresh plan: odiac plan -o {os.fspath(plan_file)}",
        )
    return saved


@dataclass(frozen=True)
class ApplyOutcome:
    """What :func:`apply` did.

    Attributes:
        plan: The plan that was applied.
        result: Per-action outcomes and the project / service / dependency report.
        claim_url: The URL that binds an agent registered by this run to an account
            (None otherwise). It carries the bind signature: show it once, whole.
    """

    plan: Plan
    result: ApplyResult
    claim_url: str | None = None

    @property
    def ok(self) -> bool:
        """Nothing failed, was skipped or interrupted."""
        return self.result.ok


async def apply(
    session: Session,
    result: PlanResult,
    plan: Plan | None = None,
    *,
    plan_file: str | None = None,
    reporter: Reporter | None = None,
    parallelism: int = DEFAULT_PARALLELISM,
    follow_logs: bool = False,
    timing: Timing | None = None,
) -> ApplyOutcome:
    """Apply ``plan`` (default: ``result.plan``), made or checked by this session.

    The source archive is built only now, from the tree the plan was made from, and
    refused when that tree changed since.

    Args:
        session: The session ``result`` was planned in (it must hold a credential).
        result: The fresh plan result (its desired and live state drive the applier).
        plan: A saved plan checked by :func:`saved_plan` instead of ``result.plan``.
        plan_file: The saved plan's file (kept out of the archive).
        reporter: Receives progress (default: silent).
        parallelism: Maximum actions in flight.
        follow_logs: Stream deployment logs to the reporter.
        timing: Sleep, clock and stop event; set ``timing.stop`` to stop scheduling.

    Raises:
        PlanError: ``result`` has errors.
        SourceError: The source tree no longer matches the plan.
        CredentialError: The session has no credential.
    """
    from odiac.apply import apply_plan
    from odiac.apply.report import claim_url

    refuse_on_errors(result)
    credential = session.require_credential()
    chosen = plan if plan is not None else result.plan
    archive = session.build_archive(chosen, plan_file=plan_file)
    applied = await apply_plan(
        chosen,
        client=session.client,
        desired=result.desired,
        live=result.live,
        archive_path=archive.path if archive is not None else None,
        git_token=result.git_token,
        reporter=reporter,
        parallelism=parallelism,
        follow_logs=follow_logs,
        timing=timing,
    )
    url = claim_url(applied, credential, local=session.is_local)
    return ApplyOutcome(plan=chosen, result=applied, claim_url=url)
