"""The odiac exception tree.

Every failure odiac reports on purpose derives from :class:`OdiacError`; the CLI
turns it into a clear message and an exit code. Anything else is a bug.

    OdiacError
    ├── ConfigError                 opendeploy.toml cannot be used (carries diagnostics)
    ├── UsageError                  the command line asks for something that cannot work (exit 64)
    ├── UsageError                  the command line asks for something impossible (exit 64)
    ├── CredentialError             no usable token, bad auth file, wrong gateway
    ├── GatewayError                the gateway answered with an error or not at all
    │   ├── GatewayHTTPError        a non-2xx answer (status, code, message, fields)
    │   │   ├── AuthenticationError     401
    │   │   ├── PermissionDenied        403 (quota, bind_required, delete gate, foreign)
    │   │   ├── NotFound                404
    │   │   ├── Conflict                409
    │   │   ├── RateLimited             429 (Retry-After)
    │   │   └── ServerError             5xx
    │   ├── GatewayTransportError   connection failed, timed out, or body unreadable
    │   └── GatewayProtocolError    a 2xx answer odiac cannot understand
    ├── PluginError                 a plugin failed to load or misbehaved
    ├── SecretError                 a secret reference could not be resolved
    ├── PlanError                   the plan cannot be made or is stale
    ├── ApplyError                  one or more actions failed during apply
    │   ├── ApplyLocked             another apply holds this folder's lock
    │   └── DeploymentFailed        a deployment ended failed or cancelled
    ├── OperationError              a day-2 operation (logs, rollback, cancel...) cannot run
    ├── DestroyRefused              the credential may not delete: the dashboard must
    ├── SourceError                 the source archive cannot be built safely
    ├── EmulatorProcessError        odiac.testing: a served emulator did not start or stop
    └── EmulatorControlError        odiac.testing: an emulator control call failed

Messages never contain a token, bind signature or secret value: every string is
passed through :mod:`odiac.redact` before it leaves odiac.
"""

from __future__ import annotations

from typing import ClassVar


class OdiacError(Exception):
    """Root of every error odiac raises on purpose."""

    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        from odiac.redact import redact

        self.message = redact(message)
        self.hint = redact(hint) if hint else None
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ConfigError(OdiacError):
    """The configuration file is invalid; ``diagnostics`` lists every problem."""

    def __init__(self, message: str, diagnostics: list[object] | None = None) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics or [])


class UsageError(OdiacError):
    """The command line asks for something that cannot work (e.g. an unusable --env name)."""

    exit_code: ClassVar[int] = 64


class CredentialError(OdiacError):
    """No usable credential, or the credential does not fit the gateway."""


class PluginError(OdiacError):
    """A plugin could not be loaded or broke its contract."""


class SecretError(OdiacError):
    """A secret reference could not be resolved. Never carries the value."""


class PlanError(OdiacError):
    """A plan could not be made, loaded, or is stale."""


class ApplyError(OdiacError):
    """Apply finished with failed or skipped actions."""


class SourceError(OdiacError):
    """The source tree cannot be archived safely."""
