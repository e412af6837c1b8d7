"""``odiac redeploy`` end to end (contract §7.1.10 "Redeploy current source")."""

from __future__ import annotations

import json

from syrupy.assertion import SnapshotAssertion

from .kit import Live, mask, read_until


def test_redeploy_without_yes_and_without_a_terminal_refuses(live: Live) -> None:
    live.apply()
    before = len(live.deployments())
    done = live.odiac("redeploy", "web")
    assert done.returncode == 1
    assert "refusing to redeploy web without confirmation" in done.stderr
    assert len(live.deployments()) == before


def test_redeploy_keeps_source_identity_uploads_nothing_and_plan_stays_clean(
    live: Live, snapshot: SnapshotAssertion
) -> None:
    live.apply()
    previous = live.deployments()[0]
    live.emu.control().clear_requests()
    done = live.odiac("redeploy", "web", "--yes")
    assert done.returncode == 0, done.stderr
    assert mask(done.stdout) == snapshot
    newest = live.deployments()[0]
    assert newest["id"] != previous["id"]
    assert newest["status"] == "success"
    assert newest["description"] == previous["description"]
    assert newest["dependencies"] == previous["dependencies"]
    paths = [r["path"] for r in live.emu.control().requests()]
    assert not [p for p in paths if "/upload/" in p]
    plan = live.odiac("plan", "--detailed-exitcode")
    assert plan.returncode == 0, plan.stdout + plan.stderr


def test_redeploy_after_a_rollback_returns_to_the_bound_source(live: Live) -> None:
    live.apply()
    (live.app / "app.py").write_text("print('v2')\n")
    live.apply()
    assert live.odiac("rollback", "web", "--yes").returncode == 0
    assert live.odiac("plan", "--detailed-exitcode").returncode == 2
    done = live.odiac("redeploy", "web", "--yes", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["deployment"]["status"] == "success"
    assert "currently runs a rollback" in done.stderr
    assert live.odiac("plan", "--detailed-exitcode").returncode == 0


def test_redeploy_of_an_unknown_service_names_the_live_ones(live: Live) -> None:
    live.apply()
    done = live.odiac("redeploy", "api", "--yes")
    assert done.returncode == 1
    assert 'has no service "api" (services: web)' in done.stderr


def _answer(live: Live, answer: str, *args: str) -> tuple[int, str]:
    """Run odiac with a terminal on stdin (a pty) and type ``answer`` at the prompt."""
    import os
    import pty

    master, slave = pty.openpty()
    try:
        proc = live.spawn(*args, stdin=slave)
        assert proc.stderr is not None
        read_until(proc.stderr, "[y/N]")
        os.write(master, f"{answer}\n".encode())
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(master)
        os.close(slave)
    return proc.returncode, out + err


def test_redeploy_asks_on_a_terminal_and_no_changes_nothing(live: Live) -> None:
    live.apply()
    before = len(live.deployments())
    code, output = _answer(live, "n", "redeploy", "web")
    assert code == 1
    assert "did not redeploy web: not confirmed; nothing was changed" in output
    assert len(live.deployments()) == before
    code, output = _answer(live, "y", "redeploy", "web")
    assert code == 0, output
    assert "Redeployed web" in output
    assert len(live.deployments()) == before + 1
