"""``odiac cancel`` end to end on the slow emulator (contract §3.8.8, Q44)."""

from __future__ import annotations

import json

from syrupy.assertion import SnapshotAssertion

from .kit import Live, mask


def test_cancel_without_yes_and_without_a_terminal_refuses(slow_live: Live) -> None:
    live = slow_live
    live.apply_slowly()
    running = live.start_deployment()
    done = live.odiac("cancel", "web")
    assert done.returncode == 1
    assert "refusing to cancel" in done.stderr
    assert "--yes" in done.stderr
    assert live.get(f"/v1/deployments/{running['id']}")["status"] != "cancelled"


def test_cancel_a_service_deployment_and_verify(
    slow_live: Live, snapshot: SnapshotAssertion
) -> None:
    live = slow_live
    live.apply_slowly()
    running = live.start_deployment()
    done = live.odiac("cancel", "web", "--yes")
    assert done.returncode == 0, done.stderr
    assert "(verified by reading it back)" in done.stdout
    assert mask(done.stdout) == snapshot
    assert live.get(f"/v1/deployments/{running['id']}")["status"] == "cancelled"


def test_cancel_by_deployment_id_with_json(slow_live: Live) -> None:
    live = slow_live
    live.apply_slowly()
    running = live.start_deployment()
    done = live.odiac("cancel", running["id"], "--yes", "--json")
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome == {
        "service": "web",
        "deployment": {
            "id": running["id"],
            "status": "cancelled",
            "progress": outcome["deployment"]["progress"],
        },
    }
    assert (
        live.get(f"/v1/deployments/{running['id']}")["progress"]
        == outcome["deployment"]["progress"]
    )


def test_nothing_to_cancel_when_the_newest_deployment_ended(slow_live: Live) -> None:
    live = slow_live
    live.apply_slowly()
    done = live.odiac("cancel", "web", "--yes")
    assert done.returncode == 1
    assert "nothing to cancel for service web" in done.stderr
    ended = live.deployments()[0]["id"]
    by_id = live.odiac("cancel", ended, "--yes")
    assert by_id.returncode == 1
    assert f"deployment {ended} already ended (success)" in by_id.stderr
