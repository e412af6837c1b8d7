"""The ``cmd:`` secret backend: ``{ secret = "cmd:pass show shop/stripe" }``.

The command runs without a shell (split with :func:`shlex.split`), in the folder
of ``opendeploy.toml``, with no input and a timeout (10 s, or
``ODIAC_SECRET_CMD_TIMEOUT`` seconds). Its standard output, less one trailing
newline, is the value. On failure the error names the reference and the exit
status; of the standard error only a redacted, shortened first line is shown,
because a failing password manager may still print the secret there.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from typing import TYPE_CHECKING

from odiac.plugin import SecretBackend, SecretContext, hookimpl
from odiac.redact import redact
from odiac_secrets._common import failure
from odiac_secrets.file import strip_newline

if TYPE_CHECKING:
    from collections.abc import Iterator

DEFAULT_TIMEOUT_S = 10.0
TIMEOUT_ENV = "ODIAC_SECRET_CMD_TIMEOUT"
_STDERR_CHARS = 120


def timeout_seconds() -> float:
    """The command timeout: ``$ODIAC_SECRET_CMD_TIMEOUT`` when it is a positive number."""
    raw = os.environ.get(TIMEOUT_ENV, "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_TIMEOUT_S
    return value if value > 0 else DEFAULT_TIMEOUT_S


def resolve_cmd(ref: str, ctx: SecretContext) -> str:
    """Run the command ``ref`` and return its standard output without the final newline.

    Raises:
        SecretError: The command is empty, cannot be split or started, times out,
            exits with a non-zero status, or prints something other than UTF-8.
    """
    reference = f"cmd:{ref}"
    try:
        argv = shlex.split(ref)
    except ValueError as exc:
        raise failure(reference, f"cannot split the command: {exc}") from None
    if not argv:
        raise failure(reference, "no command after 'cmd:'")
    timeout = timeout_seconds()
    try:
        done = subprocess.run(  # noqa: S603 - the user's own command, never through a shell
            argv,
            cwd=ctx.workdir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise failure(reference, f"command not found: {argv[0]}") from None
    except PermissionError:
        raise failure(reference, f"command is not executable: {argv[0]}") from None
    except subprocess.TimeoutExpired:
        raise failure(
            reference,
            f"command did not finish within {timeout:g} s",
            hint=f"Raise the limit with {TIMEOUT_ENV}=<seconds> if the tool is slow.",
        ) from None
    except OSError as exc:
        raise failure(reference, f"cannot run {argv[0]}: {exc.strerror or 'OS error'}") from None
    if done.returncode != 0:
        raise failure(reference, f"command exited with status {done.returncode}{_stderr(done)}")
    try:
        return strip_newline(done.stdout.decode("utf-8"))
    except UnicodeDecodeError:
        raise failure(reference, "command printed something that is not UTF-8 text") from None


def _stderr(done: subprocess.CompletedProcess[bytes]) -> str:
    """The first stderr line, redacted and cut short (it may hold part of a secret)."""
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if not lines:
        return ""
    first = redact(lines[0].strip())
    if len(first) > _STDERR_CHARS:
        first = first[:_STDERR_CHARS] + "..."
    return f" ({first})"


@hookimpl
def odiac_secret_backends() -> Iterator[SecretBackend]:
    yield SecretBackend(
        scheme="cmd",
        resolver=resolve_cmd,
        priority=40,
        description="runs a command without a shell (timeout 10 s); its output is the value",
    )
