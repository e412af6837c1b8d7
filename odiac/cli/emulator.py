"""``odiac emulator``: run the local OpenDeploy gateway emulator."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from odiac.cli.output import echo

# Kept in sync with odiac.emulator.serve; repeated here so that `odiac --help`
# does not import the emulator package.
_DEFAULT_HOST = "127.0.0.1"
_DEFAULT_PORT = 8787


@click.group(name="emulator")
def group() -> None:
    """Run the local OpenDeploy gateway emulator (for tests and offline work)."""


@group.command(name="serve")
@click.option("--host", default=_DEFAULT_HOST, show_default=True, help="Address to bind.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=_DEFAULT_PORT,
    show_default=True,
    help="TCP port; 0 picks a free one.",
)
@click.option(
    "--db",
    default=":memory:",
    show_default=True,
    help="SQLite file for the emulator state (uploads are kept in a directory beside it).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory for uploads and sources (default: beside --db).",
)
@click.option(
    "--time-scale",
    type=click.FloatRange(min=0.0, min_open=True),
    default=None,
    help="Virtual clock speed relative to wall time (default 1.0).",
)
@click.option(
    "--latency-ms",
    type=click.IntRange(min=0),
    default=None,
    help="Latency added to every /api response.",
)
@click.option(
    "--key",
    envvar="ODIAC_EMULATOR_KEY",
    default=None,
    help="Require this X-Emulator-Key on /_emulator/* (env: ODIAC_EMULATOR_KEY).",
)
@click.option(
    "--public-url",
    default=None,
    help="Public base URL (ending /api) that register reports as 'gateway'.",
)
@click.option(
    "--access-log", is_flag=True, help="Log every request (method, path, status) to stderr."
)
def serve_command(
    host: str,
    port: int,
    db: str,
    data_dir: Path | None,
    time_scale: float | None,
    latency_ms: int | None,
    key: str | None,
    public_url: str | None,
    access_log: bool,
) -> None:
    """Serve the emulator until interrupted (SIGINT/SIGTERM stop it cleanly).

    Once the socket is listening, one line with the /api base URL is printed to
    stdout, e.g. "odiac emulator listening on http://127.0.0.1:8787/api".
    """
    from odiac.emulator.errors import EmulatorError
    from odiac.emulator.serve import ServeOptions, is_loopback, serve
    from odiac.errors import OdiacError
    from odiac.redact import register

    register(key)
    if public_url is not None and not public_url.rstrip("/").endswith("/api"):
        raise click.BadParameter("must end with /api", param_hint="--public-url")
    if not is_loopback(host):
        echo(
            f"WARNING: binding {host}, a non-loopback address: anyone who can reach this "
            "machine can use the emulator"
            + ("" if key else " and its /_emulator control surface (set --key)")
            + ". It is a test tool, not a gateway.",
            err=True,
        )
    settings: dict[str, object] = {}
    if time_scale is not None:
        settings["time_scale"] = time_scale
    if latency_ms is not None:
        settings["latency_ms"] = latency_ms
    options = ServeOptions(
        host=host,
        port=port,
        db=db,
        data_dir=data_dir,
        key=key,
        public_url=public_url.rstrip("/") if public_url else None,
        settings=settings,
        access_log=access_log,
    )

    def ready(url: str) -> None:
        echo(f"odiac emulator listening on {url}")
        sys.stdout.flush()

    try:
        serve(options, on_ready=ready)
    except EmulatorError as exc:
        # The emulator has its own error root (it shares no code with the client).
        raise OdiacError(str(exc)) from None
