"""``odiac emulator serve`` as a process: ready line, ports, signals, options."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from helpers.e2e import GUEST_SIZES, Api, odiac_argv, register_agent

import odiac.testing
from odiac.emulator.serve import base_url, is_loopback
from odiac.testing import READY_RE, EmulatorProcess, EmulatorProcessError, serve_emulator

SERVE = odiac_argv("emulator", "serve")


def _port_is_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:port (TIME_WAIT leftovers do not count)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(("127.0.0.1", port))
    except OSError:
        return False
    finally:
        probe.close()
    return True


def _run_serve(tmp_path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SERVE, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_ready_line_names_the_api_base_on_a_free_loopback_port(emulator: EmulatorProcess):
    assert READY_RE.search(f"odiac emulator listening on {emulator.base_url}")
    assert emulator.base_url.startswith("http://127.0.0.1:")
    assert emulator.base_url.endswith("/api")
    assert emulator.port > 0
    assert emulator.origin == emulator.base_url.removesuffix("/api")
    # The socket accepts connections the moment the line is printed.
    response = httpx.get(f"{emulator.base_url}/v1/regions/")
    assert response.status_code == 401  # contract 1.4: no token


def test_two_servers_run_side_by_side_on_different_free_ports(tmp_path):
    with (
        serve_emulator(tmp_path / "a") as first,
        serve_emulator(tmp_path / "b") as second,
    ):
        assert first.port != second.port
        for emu in (first, second):
            assert httpx.get(f"{emu.base_url}/v1/regions/").status_code == 401


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_stops_the_server_cleanly(emulator: EmulatorProcess, sig: int):
    port = emulator.port
    assert not _port_is_free(port)
    # A kept-alive client connection must not hold the shutdown hostage.
    with httpx.Client() as client:
        assert client.get(f"{emulator.base_url}/v1/regions/").status_code == 401
        assert emulator.send_signal(sig) == 0
    assert _port_is_free(port)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{emulator.base_url}/v1/regions/")
    log = emulator.log_path.read_text()
    assert "Traceback" not in log


def test_sigkill_then_restart_reuses_the_same_port(emulator: EmulatorProcess):
    base_url = emulator.base_url
    assert emulator.kill() == -signal.SIGKILL
    emulator.restart()
    assert emulator.base_url == base_url
    assert httpx.get(f"{base_url}/v1/regions/").status_code == 401


def test_port_in_use_is_a_clear_error(emulator: EmulatorProcess, tmp_path):
    result = _run_serve(tmp_path, "--port", str(emulator.port))
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{emulator.port}" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_non_loopback_address_is_warned_about(tmp_path):
    # 192.0.2.1 (TEST-NET-1) is never assigned locally: the bind fails after the
    # warning, so nothing is ever exposed by this test.
    result = _run_serve(tmp_path, "--host", "192.0.2.1", "--port", "0")
    assert "WARNING" in result.stderr
    assert "non-loopback" in result.stderr
    assert "--key" in result.stderr
    assert result.returncode == 1
    assert "cannot listen on 192.0.2.1:0" in result.stderr


def test_loopback_bind_prints_no_warning(emulator: EmulatorProcess):
    assert "WARNING" not in emulator.log_path.read_text()


def test_public_url_must_end_with_api(tmp_path):
    result = _run_serve(tmp_path, "--public-url", "https://gw.example.test", "--port", "0")
    assert result.returncode == 64
    assert "must end with /api" in result.stderr


def test_emulator_help_does_not_import_the_server(tmp_path):
    code = (
        "import sys\n"
        "from odiac.cli import cli\n"
        "try:\n"
        "    cli.main(args=['emulator', 'serve', '--help'], standalone_mode=False)\n"
        "finally:\n"
        "    heavy = [m for m in ('uvicorn', 'odiac.emulator', 'starlette') if m in sys.modules]\n"
        "    print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "--time-scale" in result.stdout
    assert "HEAVY []" in result.stdout


def test_key_guards_the_control_surface_and_is_never_logged(tmp_path):
    key = "e2e-control-key-7c1d"
    with serve_emulator(tmp_path, extra_args=["--key", key]) as emu:
        anonymous = httpx.get(f"{emu.origin}/_emulator/state")
        assert anonymous.status_code in (401, 403)
        with emu.control(key=key) as admin:
            assert isinstance(admin.state(), dict)
    assert key not in emu.log_path.read_text()


def test_latency_option_reaches_the_app(tmp_path):
    with serve_emulator(tmp_path, extra_args=["--latency-ms", "300"]) as emu:
        started = time.perf_counter()
        httpx.get(f"{emu.base_url}/v1/regions/")
        assert time.perf_counter() - started >= 0.3
        with emu.control() as admin:
            assert admin.configure()["latency_ms"] == 300


def test_time_scale_option_reaches_the_clock(tmp_path):
    """--time-scale 0.001 all but stops the virtual clock (1.8): only advances move it."""
    with serve_emulator(tmp_path, extra_args=["--time-scale", "0.001"]) as emu:
        agent = register_agent(emu.base_url)
        with Api(emu.base_url, agent["api_key"]) as api, emu.control() as admin:
            region = api.get("/v1/regions/")[0]["id"]
            project = api.post(
                "/v1/projects/",
                json={
                    "name": "scaled",
                    "repo_url": "file://upload",
                    "skip_validation": True,
                    "region_id": region,
                },
                expect=201,
            )
            service = api.post(
                f"/v1/projects/{project['id']}/services/",
                json={"name": "web", "type": "web", **GUEST_SIZES},
                expect=201,
            )
            deployment = api.post(
                "/v1/deployments/",
                json={
                    "project_id": project["id"],
                    "service_id": service["service_id"],
                    "source": "zip",
                },
                expect=201,
            )
            # Q9 fast failure is due 1 virtual second after creation; at 0.001x a
            # whole wall second is only a millisecond of virtual time.
            assert api.get(f"/v1/deployments/{deployment['id']}")["status"] == "pending"
            admin.advance(2)
            assert api.get(f"/v1/deployments/{deployment['id']}")["status"] == "failed"
            assert admin.configure()["time_scale"] == 0.001


def test_public_testing_api_is_pinned():
    assert sorted(odiac.testing.__all__) == [
        "EmulatorControl",
        "EmulatorControlError",
        "EmulatorProcess",
        "EmulatorProcessError",
        "control",
        "serve_emulator",
    ]


def test_harness_reports_a_server_that_exits_before_it_is_ready(tmp_path):
    with (
        pytest.raises(
            EmulatorProcessError, match="exited with status 64 before it was ready"
        ) as info,
        serve_emulator(tmp_path, extra_args=["--no-such-option"]),
    ):
        pytest.fail("the server cannot have started")
    assert "No such option" in str(info.value)  # the log tail explains why


def test_access_log_names_requests_but_never_credentials(tmp_path):
    token = "od_k" + "A1b2C3d4" * 5 + "xyz"  # well-formed, unknown: 401 (Q46)
    with serve_emulator(tmp_path, extra_args=["--access-log"]) as emu:
        httpx.get(f"{emu.base_url}/v1/regions/", headers={"Authorization": f"Bearer {token}"})
        httpx.get(f"{emu.origin}/claim/00000000-0000-4000-8000-00000000abcd?h=0123456789abcdef")
        assert emu.terminate() == 0
    log = emu.log_path.read_text()
    assert "GET /api/v1/regions/ -> 401" in log
    assert "/claim/00000000-0000-4000-8000-00000000abcd" in log
    assert token not in log
    assert "0123456789abcdef" not in log


def test_without_access_log_requests_are_not_logged(emulator: EmulatorProcess):
    httpx.get(f"{emulator.base_url}/v1/regions/")
    assert emulator.terminate() == 0
    assert "/api/v1/regions/" not in emulator.log_path.read_text()


def test_an_open_log_stream_does_not_hold_the_shutdown_hostage(tmp_path):
    """SIGTERM with an SSE watcher attached (3.8.6) still exits 0, within the grace bound."""
    from odiac.emulator.serve import GRACEFUL_SHUTDOWN_S

    with serve_emulator(tmp_path, extra_args=["--time-scale", "0.001"]) as emu:
        agent = register_agent(emu.base_url)
        with Api(emu.base_url, agent["api_key"]) as api:
            region = api.get("/v1/regions/")[0]["id"]
            project = api.post(
                "/v1/projects/",
                json={
                    "name": "sse",
                    "repo_url": "file://upload",
                    "skip_validation": True,
                    "region_id": region,
                },
                expect=201,
            )
            service = api.post(
                f"/v1/projects/{project['id']}/services/",
                json={"name": "web", "type": "web", **GUEST_SIZES},
                expect=201,
            )
            deployment = api.post(
                "/v1/deployments/",
                json={
                    "project_id": project["id"],
                    "service_id": service["service_id"],
                    "source": "zip",
                },
                expect=201,
            )
            # The clock is all but frozen: the deployment stays pending, the stream open.
            with api.http.stream("GET", f"/v1/deployments/{deployment['id']}/logs/stream") as r:
                assert r.status_code == 200
                started = time.monotonic()
                assert emu.terminate() == 0
                assert time.monotonic() - started < GRACEFUL_SHUTDOWN_S + 5
    # The cancelled stream is one line in the log, not a traceback that looks like a crash.
    assert "Traceback" not in emu.log_path.read_text()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.0.2.1", False),
        ("gw.example.test", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8787/api"),
        ("::1", "http://[::1]:8787/api"),
        ("0.0.0.0", "http://127.0.0.1:8787/api"),  # a wildcard bind is reached via loopback
        ("::", "http://[::1]:8787/api"),
    ],
)
def test_printed_base_url_is_connectable(host: str, url: str):
    assert base_url(host, 8787) == url


def test_unusable_database_is_a_clear_error(tmp_path):
    result = _run_serve(tmp_path, "--port", "0", "--db", str(tmp_path))  # a directory
    assert result.returncode == 1
    assert f"cannot open the emulator database {tmp_path}" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
