"""Serve the gateway emulator (or any ASGI app) over HTTP with uvicorn.

The socket is bound here, before uvicorn starts, so that ``port=0`` yields a free
port whose number is known; the ``on_ready`` callback runs only once that socket
is listening and the app's lifespan startup has finished, so whoever waits for it
can connect at once. SIGINT and SIGTERM stop the server gracefully and the call
returns normally (uvicorn itself would re-raise the signal after shutdown, which
turns a clean stop into a non-zero exit status).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import signal
import socket
import sqlite3
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from odiac.emulator.errors import EmulatorError

if TYPE_CHECKING:
    from collections.abc import Callable, Generator
    from types import FrameType

    from starlette.types import ASGIApp

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8787
MEMORY_DB = ":memory:"
# Long-lived streams (SSE logs) must not hold a shutdown hostage.
GRACEFUL_SHUTDOWN_S = 5


class EmulatorServeError(EmulatorError):
    """The emulator server could not be started (bad address, port in use...)."""


@dataclass(frozen=True)
class ServeOptions:
    """How ``odiac emulator serve`` runs the emulator.

    Attributes:
        host: Address to bind; loopback unless the operator says otherwise.
        port: TCP port; 0 picks a free one.
        db: SQLite path, or ``:memory:`` for a throw-away emulator.
        data_dir: Where uploads and sources live (None: the emulator's default, beside
            a file ``db``, a temporary directory for ``:memory:``).
        key: Required ``X-Emulator-Key`` for ``/_emulator/*`` (None: no key).
        public_url: Public base URL (with ``/api``) reported by register.
        settings: Initial ``/_emulator/config`` values (``time_scale``, ``latency_ms``...).
        access_log: Log one line per request (method, path, status) to stderr.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    db: str = MEMORY_DB
    data_dir: Path | None = None
    key: str | None = None
    public_url: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    access_log: bool = False


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url(host: str, port: int) -> str:
    """The ``/api`` base URL of a server listening on ``host:port``."""
    if host in ("0.0.0.0", ""):  # noqa: S104 - formatting, not binding
        host = DEFAULT_HOST
    elif host == "::":
        host = "::1"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/api"


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind a listening-ready TCP socket; raises EmulatorServeError on failure."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise EmulatorServeError(f"cannot resolve host {host!r}: {exc.strerror}") from exc
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    # A restart on the same port must not wait for TIME_WAIT connections to expire.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise EmulatorServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    return sock


class _CancelledFilter(logging.Filter):
    """Drop the traceback uvicorn logs for each stream cancelled at shutdown.

    Its one-line "Cancel N running task(s)" message already says what happened;
    a CancelledError traceback per open log stream only looks like a crash.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, asyncio.CancelledError)


class _RedactFilter(logging.Filter):
    """Mask registered secrets and token-shaped strings in server log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        from odiac.emulator.logs import scrub

        message = record.getMessage()
        record.msg, record.args = scrub(message), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def run_app(
    app: ASGIApp,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    on_ready: Callable[[str], None] | None = None,
    log_level: str = "warning",
) -> None:
    """Serve ``app`` until SIGINT/SIGTERM; ``on_ready`` gets the ``/api`` base URL.

    Raises:
        EmulatorServeError: the socket could not be bound or the app failed to start.
    """
    import uvicorn

    sock = bind_socket(host, port)
    bound_port = sock.getsockname()[1]
    url = base_url(host, bound_port)

    class _Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and on_ready is not None:
                on_ready(url)

        @contextlib.contextmanager
        def capture_signals(self) -> Generator[None, None, None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            handled = (signal.SIGINT, signal.SIGTERM)
            previous = {sig: signal.signal(sig, self._on_signal) for sig in handled}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

        def _on_signal(self, sig: int, frame: FrameType | None) -> None:
            # A second Ctrl+C skips the graceful wait, as uvicorn does.
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True
            self.should_exit = True

    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        server_header=False,
        # The app alone decides whether X-Forwarded-For counts (the trust_forwarded_for
        # setting); uvicorn would otherwise rewrite the peer address for loopback peers.
        proxy_headers=False,
        forwarded_allow_ips="",
    )
    # uvicorn installed its handlers in Config(); its tracebacks get the same masking.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        for log_handler in logging.getLogger(name).handlers:
            log_handler.addFilter(_CancelledFilter())
            log_handler.addFilter(_RedactFilter())
    server = _Server(config)
    try:
        server.run(sockets=[sock])
    except SystemExit as exc:
        # uvicorn exits the process when the app's lifespan startup fails.
        raise EmulatorServeError("the emulator failed to start (see the log above)") from exc
    finally:
        sock.close()


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler :func:`configure_logging` installs (recognised to avoid doubles)."""


def configure_logging(*, access_log: bool) -> None:
    """Send the emulator's log (redacted) to stderr; access lines only when asked."""
    from odiac.emulator.logs import RedactingFilter

    logger = logging.getLogger("odiac.emulator")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        # On the handler too: logger-level filters do not see records of child loggers.
        handler.addFilter(RedactingFilter())
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if access_log else logging.WARNING)
    logger.propagate = False


def serve(options: ServeOptions, *, on_ready: Callable[[str], None] | None = None) -> None:
    """Build the emulator app from ``options`` and serve it until stopped."""
    from odiac.emulator import create_app

    configure_logging(access_log=options.access_log)

    if options.data_dir is not None:
        options.data_dir.mkdir(parents=True, exist_ok=True)
    if options.db != MEMORY_DB:
        Path(options.db).parent.mkdir(parents=True, exist_ok=True)
    try:
        app = create_app(
            options.db,
            data_dir=options.data_dir,
            key=options.key,
            public_base_url=options.public_url,
            settings=dict(options.settings) or None,
        )
    except (OSError, sqlite3.Error) as exc:
        raise EmulatorServeError(f"cannot open the emulator database {options.db}: {exc}") from exc
    run_app(app, host=options.host, port=options.port, on_ready=on_ready)
