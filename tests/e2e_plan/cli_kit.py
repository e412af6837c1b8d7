"""Kept for existing imports: the shared end-to-end harness lives in tests/helpers/e2e.py."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
from helpers.e2e import bearer_client, make_app, reference_config, run_odiac

from odiac.testing import EmulatorProcess

__all__ = ["CONFIG", "api", "make_app", "odiac"]

CONFIG = reference_config("cli-shop")


def odiac(
    cwd: Path,
    emulator: EmulatorProcess,
    token: str,
    *args: str,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``run_odiac`` against ``emulator`` with ``token`` as OPENDEPLOY_TOKEN."""
    return run_odiac(cwd, *args, gateway=emulator.base_url, token=token, extra_env=extra_env)


def api(emulator: EmulatorProcess, token: str) -> httpx.Client:
    return bearer_client(emulator.base_url, token)
