"""``odiac logs`` end to end: pages, filters, redaction, following, Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess

import pytest
from helpers.e2e import spawn_odiac
from syrupy.assertion import SnapshotAssertion

from .kit import Live, mask, read_until


def test_logs_show_timestamps_and_phases(live: Live, snapshot: SnapshotAssertion) -> None:
    live.apply()
    done = live.odiac("logs", "web")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    phases = {line.split()[1] for line in lines}
    assert phases == {"system", "build", "deploy"}
    assert lines[-1].endswith("system Deployment succeeded")
    assert mask(done.stdout) == snapshot


def test_build_filter_and_tail_apply_together(live: Live) -> None:
    live.apply()
    everything = live.odiac("logs", "web", "--json").stdout.splitlines()
    build = [json.loads(x) for x in everything if json.loads(x)["source"] == "buildctl"]
    assert len(build) >= 3
    done = live.odiac("logs", "web", "--build", "--tail", "2", "--json")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(x) for x in done.stdout.splitlines()]
    assert rows == build[-2:]
    assert {r["phase"] for r in rows} == {"build"}


def test_logs_of_an_explicit_deployment_and_a_foreign_one(live: Live) -> None:
    live.apply()
    first = live.deployments()[0]["id"]
    done = live.odiac("logs", "web", "--deployment", first, "--tail", "1")
    assert done.returncode == 0, done.stderr
    assert f"deployment {first}" in done.stderr
    missing = live.odiac("logs", "web", "--deployment", "00000000-0000-4000-8000-00000000dead")
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr


def test_a_secret_printed_by_the_build_is_redacted(live: Live) -> None:
    """The emulator writes the FAIL_BUILD marker's text as the last buildctl line (3.13)."""
    (live.app / "OPENDEPLOY_EMULATOR_FAIL_BUILD").write_text(f"leaked token {live.secret}\n")
    applied = live.odiac("apply", "--auto-approve")
    assert applied.returncode == 1
    done = live.odiac("logs", "web", "--build")
    assert done.returncode == 0, done.stderr
    assert live.secret not in done.stdout + done.stderr
    assert "leaked token [redacted]" in done.stdout


def test_since_rejects_a_malformed_duration(live: Live) -> None:
    done = live.odiac("logs", "web", "--since", "ten minutes")
    assert done.returncode == 64
    assert "is not a duration" in done.stderr


def test_follow_streams_until_the_deployment_ends(slow_live: Live) -> None:
    live = slow_live
    live.apply_slowly()
    deployment = live.start_deployment()
    proc = live.spawn("logs", "web", "--follow")
    try:
        assert proc.stderr is not None
        head = read_until(proc.stderr, "Following")
        live.emu.control().advance(30)
        out, tail = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    err = "".join(head) + tail
    assert proc.returncode == 0, err
    assert f"deployment {deployment['id']}" in err
    assert "-- status: success (100%)" in err
    assert out.splitlines()[-1].endswith("system Deployment succeeded")


def test_ctrl_c_stops_following_cleanly_with_130(slow_live: Live) -> None:
    """Ctrl-C while the stream is open. "Following" is printed before the stream is
    requested; the status line comes from the stream's first event, so only after it
    is odiac following (the deployment stays pending on the slow clock)."""
    live = slow_live
    live.apply_slowly()
    live.start_deployment()
    # With the fault handler on, a hang ends in a dump of every thread's stack (SIGABRT).
    env = {**live.env(), "PYTHONFAULTHANDLER": "1"}
    proc = spawn_odiac(live.app, "logs", "web", "--follow", gateway=live.emu.base_url, env=env)
    try:
        assert proc.stderr is not None
        read_until(proc.stderr, "-- status: ")
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)
            _, stacks = proc.communicate(timeout=10)
            pytest.fail(f"odiac kept running 30 s after Ctrl-C; its threads:\n{stacks[-8000:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert "Stopped." in err


def test_dependency_credentials_are_redacted_but_not_ordinary_numbers(live: Live) -> None:
    live.apply()
    (dep,) = live.get(f"/v1/dependencies/status/{live.project()['id']}")["dependencies"]
    url, port = dep["env_vars"]["DATABASE_URL"], dep["env_vars"]["POSTGRES_PORT"]
    (live.app / "OPENDEPLOY_EMULATOR_FAIL_BUILD").write_text(f"cannot reach {url} on {port}\n")
    assert live.odiac("apply", "--auto-approve").returncode == 1
    done = live.odiac("logs", "web", "--build", "--tail", "1")
    assert done.returncode == 0, done.stderr
    assert url not in done.stdout
    assert f"cannot reach [redacted] on {port}" in done.stdout
