"""The engine: plan and apply an ``opendeploy.toml`` from Python, without the CLI.

Example::

    import asyncio
    from odiac import engine

    async def deploy() -> None:
        async with engine.open_session("opendeploy.toml", environment="staging",
                                       allow_register=True) as session:
            result = await engine.plan(session)
            for finding in result.findings:
                print(finding.severity, finding.message)
            engine.refuse_on_errors(result)
            outcome = await engine.apply(session, result)
            print(outcome.result.summary())

    asyncio.run(deploy())

A saved plan: ``engine.save_plan(result, "plan.json")`` writes it; later
``result = await engine.plan(session, plan_file="plan.json")`` re-plans and
``engine.saved_plan(session, result, "plan.json")`` returns the saved plan, or
raises :class:`~odiac.errors.PlanError` naming everything that changed since.

Nothing here prints, prompts or exits: results are typed (:class:`PlanResult`,
:class:`ApplyOutcome`), progress goes to an :class:`odiac.apply.Reporter`, and
failures are :class:`~odiac.errors.OdiacError` subclasses.

* :mod:`odiac.engine.connect`: load, resolve the credential, connect (first run too).
* :mod:`odiac.engine.session`: the session: scan, analysis and refresh at once, then plan.
* :mod:`odiac.engine.sources`: source scan and archive, analysis, policies, secrets.
* :mod:`odiac.engine.api`: plan, save, check a saved plan, apply.
* :mod:`odiac.engine.environments`: one piece of work for every declared environment.
* :mod:`odiac.engine.plankey`: the key secrets are digested under in plans.
"""

from __future__ import annotations

from odiac.engine.api import ApplyOutcome, apply, plan, save_plan, saved_plan
from odiac.engine.connect import open_session
from odiac.engine.plankey import load_plan_key
from odiac.engine.result import PlanResult, refuse_on_errors
from odiac.engine.session import Session

__all__ = [
    "ApplyOutcome",
    "PlanResult",
    "Session",
    "apply",
    "load_plan_key",
    "open_session",
    "plan",
    "refuse_on_errors",
    "save_plan",
    "saved_plan",
]
