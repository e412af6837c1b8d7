"""Secret references of one run: where they are, and resolving each once.

:class:`RunSecrets` resolves ``{ secret = "scheme:ref" }`` through the backend
of its scheme, caches every value for the rest of the run (a ``cmd:`` reference
used by three services runs its command once), and records the warnings a
backend raises with :func:`warnings.warn` (a world-readable key file) so that
the plan can show them. :func:`secret_references` lists every reference of a
configuration with its TOML key path (``odiac secrets check``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from odiac.config.model import SecretRef
from odiac.config.rules import ENV_VALUE_MAX_BYTES
from odiac.errors import OdiacError, PluginError, SecretError
from odiac.redact import redact, register

if TYPE_CHECKING:
    from collections.abc import Callable

    from odiac.config.model import Config
    from odiac.plugin.manager import PluginManager
    from odiac.plugin.types import SecretContext


@dataclass
class RunSecrets:
    """Resolves secret references through the plugins, at most once per reference."""

    plugins: PluginManager
    context: SecretContext
    warnings: list[str] = field(default_factory=list)
    _values: dict[str, str] = field(default_factory=dict, repr=False)
    _failures: dict[str, SecretError] = field(default_factory=dict, repr=False)

    def resolve(self, ref: SecretRef) -> str:
        """The value of ``ref`` (registered for redaction).

        Raises:
            SecretError: The backend could not resolve it, or no backend handles its
                scheme (the message lists the known schemes). A failure is cached too:
                a broken ``cmd:`` is not run again in the same run.
        """
        key = ref.secret
        if key in self._values:
            return self._values[key]
        if key in self._failures:
            raise self._failures[key]
        try:
            value = self._resolve_now(ref)
            if value == "":
                raise SecretError(
                    f"secret reference {ref.secret}: it is set but empty",
                    hint="Give it a value, or remove the key from opendeploy.toml.",
                )
            _check_value(ref, value)
        except SecretError as exc:
            self._failures[key] = exc
            raise
        register(value)
        self._values[key] = value
        return value

    def _resolve_now(self, ref: SecretRef) -> str:
        try:
            backend = self.plugins.secret_backend(ref.scheme)
        except PluginError as exc:
            raise SecretError(f"secret reference {ref.secret}: {exc.message}") from None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = backend.resolve(ref.ref, self.context)
            except OdiacError:
                raise
            except Exception as exc:
                # A backend bug: its message could quote the value, so only the type is shown.
                raise PluginError(
                    f"secret reference {ref.secret}: the {ref.scheme}: backend crashed"
                    f" ({type(exc).__name__})"
                ) from None
        for item in caught:
            text = redact(str(item.message))
            if text not in self.warnings:
                self.warnings.append(text)
        return value


def _check_value(ref: SecretRef, value: str) -> None:
    """A value the gateway would refuse fails the plan, before anything is uploaded.

    Raises:
        SecretError: Not text (bytes that are not UTF-8), or over the gateway's limit
            for one value. The message never quotes the value.
    """
    if not isinstance(value, str):
        raise SecretError(f"secret reference {ref.secret}: the backend returned no text")
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        register(value)
        register(value.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
        raise SecretError(
            f"secret reference {ref.secret}: the value is not valid UTF-8 text",
            hint="The gateway stores text only: encode binary secrets (base64) first.",
        ) from None
    if size > ENV_VALUE_MAX_BYTES:
        raise SecretError(
            f"secret reference {ref.secret}: the value is {size} bytes of UTF-8; the gateway "
            f"accepts at most {ENV_VALUE_MAX_BYTES} bytes (32 KiB) per value",
            hint="Store a large secret as a file in the app's image or a volume, and "
            "give the app its path.",
        )


@dataclass(frozen=True)
class Reference:
    """One secret reference of the configuration and the TOML key path holding it."""

    key_path: tuple[str, ...]
    ref: SecretRef

    @property
    def where(self) -> str:
        return ".".join(self.key_path)


def secret_references(config: Config) -> list[Reference]:
    """Every secret reference of ``config`` (overlay merged), in file order by section."""
    found: list[Reference] = []
    token = config.source.token
    if token is not None and config.source.git:
        found.append(Reference(("source", "token"), token))
    for dep_name, dep in sorted(config.dependencies.items()):
        for key in ("username", "password", "database_name"):
            value = getattr(dep, key)
            if isinstance(value, SecretRef):
                found.append(Reference(("dependencies", dep_name, key), value))
    for svc_name, svc in sorted(config.services.items()):
        for section, values in (("env", svc.env), ("build_env", svc.build_env)):
            for key, value in values.items():
                if isinstance(value, SecretRef):
                    found.append(Reference(("services", svc_name, section, key), value))
    return found


def require_all(
    secrets: RunSecrets,
    config: Config,
    locate: Callable[[tuple[str, ...]], tuple[str, int] | None],
) -> None:
    """Resolve every reference of ``config``; report every failure at once.

    Raises:
        SecretError: One line per reference that cannot be resolved (missing, empty
            or failing), each with ``file:line`` and key path; never a value.
    """
    lines: list[str] = []
    for reference in secret_references(config):
        try:
            secrets.resolve(reference.ref)
        except SecretError as exc:
            at = locate(reference.key_path)
            position = f"{at[0]}:{at[1]}: " if at is not None else ""
            lines.append(f"  {position}{reference.where}: {exc.message}")
    if lines:
        count = f"{len(lines)} secret references" if len(lines) > 1 else "1 secret reference"
        raise SecretError(
            f"{count} cannot be resolved:\n" + "\n".join(lines),
            hint="Set each one, then plan again (odiac secrets check lists them too).",
        )
