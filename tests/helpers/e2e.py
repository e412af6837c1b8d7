"""The shared end-to-end harness: the reference app, the ``odiac`` executable, the raw API.

Every test that runs ``odiac`` as a process goes through :func:`run_odiac` or
:func:`spawn_odiac` (tests/test_harness_rules.py holds the suite to it), with the
hermetic environment of :func:`odiac_env`. A test gets the executable either from
a served-emulator fixture or from the ``odiac_exe`` fixture; both are
:func:`e2e_fixture` fixtures, so tests/conftest.py marks every test using them
``e2e`` (left out of ``./dev test --fast``) without anyone remembering to.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from odiac.redact import register
from odiac.testing import EmulatorProcess, serve_emulator

F = TypeVar("F", bound=Callable[..., Any])
E2E_ATTR = "_odiac_e2e_fixture"
RUN_TIMEOUT_S = 120.0

# -- marking -------------------------------------------------------------------------


def e2e_fixture(*, scope: str = "function", autouse: bool = False) -> Callable[[F], F]:
    """``pytest.fixture`` that also marks every test using it (directly or not) ``e2e``;
    ``autouse`` marks every test of its folder or module."""

    def decorate(func: F) -> F:
        setattr(func, E2E_ATTR, True)
        fixture = pytest.fixture(scope=scope, autouse=autouse)  # type: ignore[call-overload]
        return fixture(func)  # type: ignore[no-any-return]

    return decorate


def uses_e2e_fixture(item: Any) -> bool:
    """True when a collected test uses an :func:`e2e_fixture`, directly or through
    another fixture (its fixture closure)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    for name in info.names_closure:
        definitions = info.name2fixturedefs.get(name, ())
        if definitions and getattr(definitions[-1].func, E2E_ATTR, False):
            return True
    return False


# -- the reference app ---------------------------------------------------------------

REFERENCE_CONFIG = """
    version = 1
    {gateway}[project]
    name = "{name}"
    [dependencies.db]
    type = "postgres"
    [services.web]
    type = "web"
    port = 8000
    cpu = "1"
    memory = "1Gi"
    uses = ["db"]
    subdomain = "{subdomain}"
    [services.web.env]
    LOG_LEVEL = "info"
"""
SOURCE = {"requirements.txt": "flask\n", "app.py": "print('hello')\n"}


def reference_config(
    name: str = "shop",
    *,
    subdomain: str | None = None,
    local: bool = False,
    secrets: dict[str, str] | None = None,
) -> str:
    """The reference ``opendeploy.toml``: a web service using a Postgres database.

    ``subdomain`` defaults to ``<name>-web``; ``local`` adds ``[gateway] url = "local"``;
    ``secrets`` adds ``KEY = { secret = "REF" }`` lines to the web service's env. The
    text keeps its 4-space indent (tests append lines the same way); write it with
    :func:`write_app`, which dedents it.
    """
    gateway = '[gateway]\n    url = "local"\n    ' if local else ""
    text = REFERENCE_CONFIG.format(gateway=gateway, name=name, subdomain=subdomain or f"{name}-web")
    for key, ref in (secrets or {}).items():
        text += f'    {key} = {{ secret = "{ref}" }}\n'
    return text


def write_app(root: Path, config: str, files: dict[str, str] | None = None) -> Path:
    """A project folder with ``opendeploy.toml`` (dedented) and source files; returns the
    config's path. ``files`` defaults to a tiny Flask app (:data:`SOURCE`)."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / "opendeploy.toml"
    path.write_text(textwrap.dedent(config).lstrip())
    for name, text in (SOURCE if files is None else files).items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return path


def make_app(root: Path, config: str | None = None) -> Path:
    """:func:`write_app` of ``config`` (default: the reference config); returns ``root``."""
    write_app(root, reference_config("cli-shop") if config is None else config)
    return root


# -- served emulators ---------------------------------------------------------------


def served_emulator(
    workdir: Path, *, time_scale: float = 20, extra_args: Sequence[str] = ()
) -> Iterator[EmulatorProcess]:
    """Body of a served-emulator fixture: ``odiac emulator serve`` in ``workdir`` with an
    immediate auto domain and its uploads under ``workdir/data``, stopped when the
    fixture ends."""
    args = ("--time-scale", str(time_scale), "--data-dir", str(workdir / "data"), *extra_args)
    with serve_emulator(workdir, extra_args=args) as emu:
        with emu.control() as control:
            control.configure(auto_domain_delay_s=0)
        yield emu


def fast_local_gateway(app: Path, *, time_scale: float = 20) -> Path:
    """Give ``app``'s embedded local gateway (``gateway = "local"``) a fast clock and an
    immediate auto domain before odiac first opens it: a deployment's 7 s timeline
    takes ~0.4 s instead of 7 s of wall time. Only these settings are stored (no
    agent, no project): odiac still meets a gateway it never used. Returns ``app``."""
    from odiac.emulator import create_app
    from odiac.gateway.local import LOCAL_DB
    from odiac.statedir import ensure_state_dir

    db = app / LOCAL_DB
    ensure_state_dir(db.parent)
    world_app = create_app(db, settings={"time_scale": time_scale, "auto_domain_delay_s": 0})
    world_app.state.world.store.close()
    return app


# -- the executable ------------------------------------------------------------------

# The runner's own settings never reach odiac: CI (and GITHUB_ACTIONS) changes its prompts and its
# registration rules, a step summary file collects output, a developer's own
# credentials (OPENDEPLOY_*, and the auth file variable, which the gateway spells
# OPDEPLOY_AUTH_FILE) and gateway choice (OD_GATEWAY) would leak into, and change,
# every run.
_DROPPED = ("CI", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "OPDEPLOY_AUTH_FILE", "OD_GATEWAY")


def odiac_env(token: str | None = None, **extra: str) -> dict[str, str]:
    """A hermetic environment for ``odiac``: none of the runner's CI or credential
    variables, NO_COLOR, then ``OPENDEPLOY_TOKEN=token`` and ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _DROPPED and not key.startswith("OPENDEPLOY_")
    }
    env["NO_COLOR"] = "1"
    if token is not None:
        env["OPENDEPLOY_TOKEN"] = token
    env.update(extra)
    return env


def odiac_argv(
    *args: str, gateway: str | None = None, python_flags: Sequence[str] = ()
) -> list[str]:
    """``python [flags] -m odiac [--gateway URL] args...`` with this interpreter."""
    head = [sys.executable, *python_flags, "-m", "odiac"]
    return head + (["--gateway", gateway] if gateway else []) + list(args)


def run_odiac(
    cwd: Path | None,
    *args: str,
    gateway: str | None = None,
    token: str | None = None,
    env: dict[str, str] | None = None,
    extra_env: dict[str, str | bytes] | None = None,
    python_flags: Sequence[str] = (),
    timeout: float = RUN_TIMEOUT_S,
    errors: str = "strict",
) -> subprocess.CompletedProcess[str]:
    """Run ``odiac args...`` in ``cwd`` without a terminal (stdin is /dev/null).

    ``env`` replaces :func:`odiac_env` entirely; ``extra_env`` is added to it (a value
    may be ``bytes``, for a variable that is not valid UTF-8). ``errors="replace"``
    decodes output that may not be UTF-8.
    """
    environment: dict[str, str | bytes] = dict(env) if env is not None else odiac_env(token)
    environment.update(extra_env or {})
    return subprocess.run(
        odiac_argv(*args, gateway=gateway, python_flags=python_flags),
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        errors=errors,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def spawn_odiac(
    cwd: Path,
    *args: str,
    gateway: str | None = None,
    token: str | None = None,
    env: dict[str, str] | None = None,
    stdin: Any = subprocess.DEVNULL,
    stdout: Any = subprocess.PIPE,
    stderr: Any = subprocess.PIPE,
    text: bool = True,
) -> subprocess.Popen[Any]:
    """Start ``odiac args...`` in ``cwd`` (for signals, terminals and streamed output)."""
    return subprocess.Popen(
        odiac_argv(*args, gateway=gateway),
        cwd=cwd,
        env=env if env is not None else odiac_env(token),
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        text=text,
    )


class OdiacExe:
    """The ``odiac_exe`` fixture: :func:`run_odiac` and :func:`spawn_odiac` for tests that
    need the executable without a served emulator (local gateway, offline commands)."""

    run = staticmethod(run_odiac)
    spawn = staticmethod(spawn_odiac)
    argv = staticmethod(odiac_argv)
    env = staticmethod(odiac_env)

    @staticmethod
    def python(
        *args: str | Path, cwd: Path | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """Run this interpreter with ``args``: a bench script (which runs ``odiac``
        itself), a nested pytest, pip."""
        return subprocess.run(
            [sys.executable, *map(str, args)],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


# -- waiting -------------------------------------------------------------------------


def poll_until(
    condition: Callable[[], bool],
    *,
    tick: Callable[[], object],
    attempts: int,
    what: str,
) -> None:
    """Check ``condition`` up to ``attempts`` times, calling ``tick`` (advance a clock,
    sleep briefly) between checks; fail the test when it never holds."""
    for _ in range(attempts):
        if condition():
            return
        tick()
    if not condition():
        pytest.fail(f"{what}: still not true after {attempts} attempts")


async def poll_until_async(
    condition: Callable[[], Awaitable[bool]],
    *,
    tick: Callable[[], Awaitable[object]],
    attempts: int,
    what: str,
) -> None:
    """:func:`poll_until` for coroutines (``tick`` is typically a virtual-clock sleep)."""
    for _ in range(attempts):
        if await condition():
            return
        await tick()
    if not await condition():
        pytest.fail(f"{what}: still not true after {attempts} attempts")


# -- the raw API ---------------------------------------------------------------------


class Api:
    """A raw HTTP client for one credential, the way an outside caller sees the gateway."""

    def __init__(self, base_url: str, token: str | None = None, *, user_agent: str = "e2e/1"):
        headers = {"User-Agent": user_agent}
        if token:
            register(token)
            headers["Authorization"] = f"Bearer {token}"
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=15)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def call(
        self, method: str, path: str, *, expect: int | None = 200, **kwargs: Any
    ) -> httpx.Response:
        response = self.http.request(method, path, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (
                f"{method} {path}: {response.status_code} {response.text[:300]}"
            )
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs).json()

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, json=json, **kwargs).json()

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("PUT", path, json=json, **kwargs).json()


def bearer_client(base_url: str, token: str) -> httpx.Client:
    """A plain ``httpx.Client`` sending ``token``."""
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=15)


def register_agent(base_url: str, *, user_agent: str = "e2e/1") -> dict[str, Any]:
    """Register a fresh pending client agent (its api_key and bind_sig become registered secrets)."""
    with Api(base_url, user_agent=user_agent) as api:
        body: dict[str, Any] = api.post("/v1/client-agents/register", json={"name": "e2e"})
    register(body["api_key"])
    register(body["bind_sig"])
    return body


def zip_bytes(files: dict[str, str]) -> bytes:
    """A small ZIP archive holding ``files`` (name -> text)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in sorted(files.items()):
            archive.writestr(name, text)
    return buffer.getvalue()


FLASK_APP = {
    "app.py": "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef index():\n"
    "    return 'ok'\n",
    "requirements.txt": "flask>=3\n",
}

GUEST_SIZES = {
    "cpu_request": "500m",
    "cpu_limit": "1",
    "memory_request": "512Mi",
    "memory_limit": "1Gi",
    "replicas": 1,
}
