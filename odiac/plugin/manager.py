"""The typed plugin manager: the only way odiac reaches plugins.

Plugins are modules registered under the ``odiac`` entry-point group; odiac's
own built-ins use the same group. A plugin that fails to import stops the run
(a silently missing analyzer would change the plan). ``ODIAC_DISABLE_PLUGINS``
(comma-separated plugin or distribution names) blocks plugins before import.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

from odiac.errors import OdiacError, PluginError
from odiac.plugin import hookspecs
from odiac.plugin.types import (
    Analyzer,
    PluginRecordInfo,
    Policy,
    PolicyFinding,
    PolicySubject,
    RecordKind,
    SecretBackend,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from odiac.analysis.result import ProjectAnalysisResult

ENTRY_POINT_GROUP = "odiac"
DISABLE_ENV = "ODIAC_DISABLE_PLUGINS"

R = TypeVar("R", Analyzer, SecretBackend, Policy)


@dataclass(frozen=True)
class _Origin:
    distribution: str
    version: str


class PluginManager:
    """Loads plugins and hands out their records, ordered and checked."""

    def __init__(self, disabled: Iterable[str] = ()) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._disabled = frozenset(name.strip() for name in disabled if name.strip())
        self._origins: dict[str, _Origin] = {}

    # -- registration -------------------------------------------------------

    def load_entry_points(self) -> None:
        """Import and register every plugin of the ``odiac`` entry-point group.

        Raises:
            PluginError: A plugin failed to import, or two share a name.
        """
        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=_ep_key):
            dist = ep.dist.name if ep.dist is not None else "unknown"
            version = ep.dist.version if ep.dist is not None else ""
            if ep.name in self._disabled or dist in self._disabled:
                self._pm.set_blocked(ep.name)
                continue
            try:
                module = ep.load()
            except Exception as exc:  # any import failure must stop the run
                raise PluginError(
                    f"plugin {ep.name!r} from distribution {dist!r} failed to import "
                    f"({ep.value}): {type(exc).__name__}: {exc}",
                    hint=f"fix or uninstall it, or set {DISABLE_ENV}={ep.name}",
                ) from exc
            self.register(module, name=ep.name, distribution=dist, version=version)

    def register(self, plugin: object, *, name: str, distribution: str, version: str = "") -> None:
        """Register an already imported plugin object (module or instance).

        Raises:
            PluginError: Another plugin already uses ``name``.
        """
        if name in self._disabled or distribution in self._disabled:
            self._pm.set_blocked(name)
            return
        if name in self._origins:
            other = self._origins[name].distribution
            raise PluginError(
                f"plugin name {name!r} is registered twice: by distribution "
                f"{other!r} and by distribution {distribution!r}"
            )
        try:
            self._pm.register(plugin, name=name)
        except ValueError as exc:
            raise PluginError(f"plugin {name!r} ({distribution}) is invalid: {exc}") from exc
        self._origins[name] = _Origin(distribution, version)

    def plugin_names(self) -> list[str]:
        """Names of the registered (not blocked) plugins, sorted."""
        return sorted(self._origins)

    def is_blocked(self, name: str) -> bool:
        return self._pm.is_blocked(name)

    def is_registered(self, plugin: object) -> bool:
        """Whether ``plugin`` (the module or object itself) is registered already."""
        return self._pm.is_registered(plugin)

    # -- records ------------------------------------------------------------

    def analyzers(self) -> list[Analyzer]:
        """Every analyzer, ordered by (priority, name)."""
        return [rec for rec, _ in self._collect("odiac_analyzers", Analyzer)]

    def secret_backends(self) -> list[SecretBackend]:
        """Every secret backend, ordered by (priority, scheme)."""
        return [rec for rec, _ in self._collect("odiac_secret_backends", SecretBackend)]

    def policies(self) -> list[Policy]:
        """Every policy, ordered by (priority, name)."""
        return [rec for rec, _ in self._collect("odiac_policies", Policy)]

    def secret_backend(self, scheme: str) -> SecretBackend:
        """The backend for ``scheme``.

        Raises:
            PluginError: No backend handles ``scheme`` (the message lists the known ones).
        """
        backends = {b.scheme: b for b in self.secret_backends()}
        if scheme not in backends:
            known = ", ".join(sorted(backends)) or "none"
            raise PluginError(f"no secret backend for scheme {scheme!r} (known schemes: {known})")
        return backends[scheme]

    def listing(self) -> list[PluginRecordInfo]:
        """One row per record, for ``odiac plugins``."""
        rows: list[PluginRecordInfo] = []
        kinds: list[tuple[str, type[Any], RecordKind]] = [
            ("odiac_analyzers", Analyzer, "analyzer"),
            ("odiac_secret_backends", SecretBackend, "secret-backend"),
            ("odiac_policies", Policy, "policy"),
        ]
        for hook, cls, kind in kinds:
            for rec, plugin in self._collect(hook, cls):
                origin = self._origins[plugin]
                rows.append(
                    PluginRecordInfo(
                        name=rec.name,
                        kind=kind,
                        plugin=plugin,
                        distribution=origin.distribution,
                        version=origin.version,
                        priority=rec.priority,
                        description=rec.description,
                    )
                )
        return rows

    # -- operations ---------------------------------------------------------

    def analyze(self, root: Path) -> ProjectAnalysisResult:
        """Run every analyzer over ``root`` and merge their facts by priority."""
        from odiac.analysis.pipeline import run_analysis

        return run_analysis(root, self.analyzers())

    def check_policies(self, subject: PolicySubject) -> list[PolicyFinding]:
        """Run every policy; errors first, then warnings, each in policy order.

        Raises:
            PluginError: A policy crashed or returned something else than findings.
        """
        findings: list[PolicyFinding] = []
        for policy in self.policies():
            try:
                produced = list(policy.check(subject))
            except OdiacError:
                raise
            except Exception as exc:
                raise PluginError(
                    f"policy {policy.name!r} failed: {type(exc).__name__}: {exc}"
                ) from exc
            for item in produced:
                if not isinstance(item, PolicyFinding):
                    raise PluginError(
                        f"policy {policy.name!r} returned {type(item).__name__}, "
                        "expected PolicyFinding"
                    )
                findings.append(item)
        findings.sort(key=lambda f: f.severity != "error")
        return findings

    # -- internals ----------------------------------------------------------

    def _collect(self, hook_name: str, cls: type[R]) -> list[tuple[R, str]]:
        caller = getattr(self._pm.hook, hook_name)
        seen: dict[str, str] = {}
        records: list[tuple[R, str]] = []
        for impl in caller.get_hookimpls():
            plugin = impl.plugin_name
            function: Callable[[], Iterable[object] | None] = impl.function
            try:
                produced = list(function() or ())
            except Exception as exc:
                raise PluginError(
                    f"plugin {plugin!r} failed in {hook_name}: {type(exc).__name__}: {exc}"
                ) from exc
            for rec in produced:
                if not isinstance(rec, cls):
                    raise PluginError(
                        f"plugin {plugin!r} returned {type(rec).__name__} from "
                        f"{hook_name}, expected {cls.__name__}"
                    )
                if rec.name in seen:
                    first = self._origins[seen[rec.name]].distribution
                    second = self._origins[plugin].distribution
                    raise PluginError(
                        f"{cls.__name__} name {rec.name!r} is provided twice: by plugin "
                        f"{seen[rec.name]!r} (distribution {first!r}) and by plugin "
                        f"{plugin!r} (distribution {second!r})"
                    )
                seen[rec.name] = plugin
                records.append((rec, plugin))
        records.sort(key=lambda pair: (pair[0].priority, pair[0].name))
        return records


def _ep_key(ep: metadata.EntryPoint) -> tuple[str, str]:
    return (ep.name, ep.value)


def disabled_from_env() -> tuple[str, ...]:
    """Plugin names listed in ``ODIAC_DISABLE_PLUGINS``, sorted."""
    raw = os.environ.get(DISABLE_ENV, "")
    return tuple(sorted({part.strip() for part in raw.split(",") if part.strip()}))


def get_plugin_manager() -> PluginManager:
    """The process-wide manager with every entry-point plugin loaded.

    Cached per value of ``ODIAC_DISABLE_PLUGINS``.

    Raises:
        PluginError: A plugin failed to import or two plugins clash.
    """
    return _cached_manager(disabled_from_env())


@functools.cache
def _cached_manager(disabled: tuple[str, ...]) -> PluginManager:
    manager = PluginManager(disabled)
    manager.load_entry_points()
    return manager


def clear_cache() -> None:
    """Forget cached managers (after installing or removing plugins)."""
    _cached_manager.cache_clear()
