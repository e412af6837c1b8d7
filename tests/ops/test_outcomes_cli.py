"""``--json`` of cancel, redeploy and rollback is the typed outcome's ``to_json()``,
byte for byte (``json.dumps(..., indent=2, sort_keys=True)``), with every value
checked against what the gateway holds afterwards."""

from __future__ import annotations

import json
from typing import Any

from odiac.gateway.models import Deployment
from odiac.ops.lookup import source_identity
from odiac.ops.outcomes import CancelOutcome, DeploymentState, RedeployOutcome, RollbackOutcome

from .kit import Live

DRIFT_NOTE = (
    "Note: opendeploy.toml still describes the newer source, so `odiac plan` now reports "
    "drift for web (live runs older source). To resolve it, run `odiac apply` to redeploy "
    "the file's source, or update the source and the file to what you want to keep."
)


def _printed(outcome: Any) -> str:
    return json.dumps(outcome.to_json(), indent=2, sort_keys=True) + "\n"


def _digest(live: Live, deployment: dict[str, Any]) -> str | None:
    history = [Deployment.model_validate(d) for d in live.deployments()]
    digest, _ = source_identity(Deployment.model_validate(deployment), history)
    return digest


def test_redeploy_json_is_the_outcome(live: Live) -> None:
    live.apply()
    previous = live.deployments()[0]
    done = live.odiac("redeploy", "web", "--yes", "--json")
    assert done.returncode == 0, done.stderr
    newest = live.deployments()[0]
    expected = RedeployOutcome(
        service="web",
        source_digest=_digest(live, previous),
        deployment=DeploymentState(newest["id"], "success", newest["progress"]),
    )
    assert expected.source_digest is not None
    assert done.stdout == _printed(expected)
    assert "Redeployed web" in done.stderr  # people read stderr; stdout is the document


def test_rollback_json_is_the_outcome(live: Live) -> None:
    """Q48: the replaced deployment becomes rolled_back; the outcome names both."""
    live.apply()
    (live.app / "app.py").write_text("print('v2')\n")
    live.apply()
    newer, older = live.deployments(status="success")[:2]
    done = live.odiac("rollback", "web", "--yes", "--json")
    assert done.returncode == 0, done.stderr
    rollback = live.deployments()[0]
    assert rollback["rollback_of"] == older["id"]
    expected = RollbackOutcome(
        service="web",
        from_id=newer["id"],
        to_id=older["id"],
        source_digest=_digest(live, older),
        deployment=DeploymentState(rollback["id"], "success", rollback["progress"]),
        drift_note=DRIFT_NOTE,
    )
    assert done.stdout == _printed(expected)
    assert list(json.loads(done.stdout)) == [
        "deployment",
        "drift_note",
        "from",
        "service",
        "source_digest",
        "to",
    ]


def test_cancel_json_is_the_outcome(slow_live: Live) -> None:
    """Q44: the printed deployment is the one read back, cancelled."""
    live = slow_live
    live.apply_slowly()
    running = live.start_deployment()
    done = live.odiac("cancel", "web", "--yes", "--json")
    assert done.returncode == 0, done.stderr
    back = live.get(f"/v1/deployments/{running['id']}")
    expected = CancelOutcome("web", DeploymentState(running["id"], "cancelled", back["progress"]))
    assert done.stdout == _printed(expected)
