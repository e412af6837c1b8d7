"""The desired state: ``opendeploy.toml`` + overlay + analyzers + secrets + dependency env.

:func:`build_desired` turns a loaded configuration into the planner's
:class:`~odiac.plan.inputs.DesiredState`. It does no network I/O: the live
dependencies it needs (to name their connection keys) come from a refresh made
beforehand.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Protocol

from odiac.desired.auto import auto_fields, fill_auto
from odiac.desired.dependencies import CREDENTIAL_FIELDS, desired_dependencies
from odiac.desired.env import (
    ENGINE_ENV_KEYS,
    SecretResolver,
    dependency_env,
    register_dependency_credentials,
    resolve_env_map,
)
from odiac.desired.secrets import Reference, RunSecrets, secret_references
from odiac.plan import fields as table
from odiac.plan.inputs import (
    DesiredProject,
    DesiredService,
    DesiredSource,
    DesiredState,
    DesiredVolume,
)
from odiac.plugin.types import SecretContext

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from odiac.config.model import Config, ServiceSection
    from odiac.plan.inputs import LiveDependency
    from odiac.plugin.manager import PluginManager

__all__ = [
    "CREDENTIAL_FIELDS",
    "ENGINE_ENV_KEYS",
    "Reference",
    "RunSecrets",
    "SourceFacts",
    "build_desired",
    "desired_dependencies",
    "secret_references",
    "source_excludes",
    "source_root",
    "volume_services",
]


class SourceFacts(Protocol):
    """What the plan needs from a built source archive (``odiac.source.SourceArchive``)."""

    @property
    def digest(self) -> str: ...
    @property
    def file_count(self) -> int: ...
    @property
    def total_bytes(self) -> int: ...


def source_root(config: Config, config_path: Path) -> Path:
    """The folder the source archive is built from (``[source].path``, default the
    directory of ``opendeploy.toml``)."""
    base = config_path.resolve().parent
    return (base / (config.source.path or ".")).resolve()


def volume_services(config: Config) -> list[str]:
    """Services whose file declares volumes (refresh reads their volumes, orphans too)."""
    return sorted(name for name, svc in config.services.items() if svc.volumes)


def source_excludes(
    config: Config, config_path: Path, extra_files: Sequence[Path] = ()
) -> list[str]:
    """``[source].exclude`` plus ``opendeploy.toml`` (and a saved plan file) when they lie
    in the source folder.

    They are not part of the application: leaving them out keeps the source identity
    stable, so a resize in the file never looks like new source (no redeploy), and
    writing ``plan.json`` next to the app does not make that very plan stale.
    """
    excludes = list(config.source.exclude)
    root = source_root(config, config_path)
    for path in (config_path, *extra_files):
        with contextlib.suppress(ValueError):
            excludes.append("/" + path.resolve().relative_to(root).as_posix())
    return excludes


def build_desired(
    config: Config,
    *,
    config_path: Path,
    config_digest: str,
    environment: str,
    source: SourceFacts | None,
    live_dependencies: Mapping[str, LiveDependency],
    plugins: PluginManager,
    secrets: RunSecrets | None = None,
    analysis: Any | None = None,
) -> DesiredState:
    """Build the desired state of one environment.

    Args:
        config: The configuration with the ``--env`` overlay merged.
        config_path: Path of ``opendeploy.toml`` (relative paths resolve against it).
        config_digest: ``sha256:<hex>`` of the effective configuration.
        environment: The overlay name.
        source: The built archive, or None for a Git source.
        live_dependencies: Live dependencies by file name (from a refresh).
        plugins: The plugin manager (secret backends, analyzers).
        secrets: The run's secret cache, when the caller resolves references too
            (default: a fresh one, so each reference is resolved once per call).
        analysis: The caller's source analysis, when it made one already (default:
            analyse here, only if an ``"auto"`` field needs it).

    Raises:
        ConfigError: An ``"auto"`` field cannot be filled.
        SecretError: A secret reference cannot be resolved, no backend handles its
            scheme, or a dependency credential's value breaks the gateway's rule.
        PluginError: A secret backend crashed.
    """
    if secrets is None:
        ctx = SecretContext(workdir=config_path.resolve().parent, environment=environment)
        secrets = RunSecrets(plugins, ctx)
    resolve = secrets.resolve
    register_dependency_credentials(live_dependencies)

    if analysis is None:
        analysis = _analysis_if_needed(config, config_path, plugins)
    engines = {name: dep.type for name, dep in config.dependencies.items()}
    labels = {name: svc.subdomain for name, svc in config.services.items()}
    services = {
        name: _service(name, svc, resolve, engines, live_dependencies, analysis, labels)
        for name, svc in sorted(config.services.items())
    }
    return DesiredState(
        project=DesiredProject(
            name=config.project.name,
            region=config.project.region,
            description=config.project.description,
        ),
        source=_source(config, source),
        dependencies=desired_dependencies(config, resolve),
        services=services,
        config_digest=config_digest,
        environment=environment,
        warnings=list(secrets.warnings),
    )


def _source(config: Config, archive: SourceFacts | None) -> DesiredSource:
    if config.source.git:
        return DesiredSource(kind="git", git_url=config.source.git, branch=config.source.branch)
    if archive is None:
        return DesiredSource(kind="archive")
    return DesiredSource(
        kind="archive",
        digest=archive.digest,
        file_count=archive.file_count,
        total_bytes=archive.total_bytes,
        files=dict(getattr(archive, "files", {})),
    )


def _analysis_if_needed(config: Config, config_path: Path, plugins: PluginManager) -> Any | None:
    if not any(auto_fields(svc.model_dump()) for svc in config.services.values()):
        return None
    if not plugins.analyzers():
        return None
    return plugins.analyze(source_root(config, config_path))


def _service(
    name: str,
    svc: ServiceSection,
    resolve: SecretResolver,
    engines: Mapping[str, str],
    live_dependencies: Mapping[str, LiveDependency],
    analysis: Any | None,
    labels: Mapping[str, str | None],
) -> DesiredService:
    values = fill_auto(name, svc.path, svc.model_dump(), analysis)
    env = dependency_env(svc.uses, engines, live_dependencies)
    env.update(resolve_env_map(svc.env, resolve, where=f"services.{name}.env", labels=labels))
    build_env = resolve_env_map(
        svc.build_env, resolve, where=f"services.{name}.build_env", labels=labels
    )
    return DesiredService(
        type=svc.type,
        values={row.name: values.get(row.toml) for row in table.SERVICE_FIELDS},
        subdomain=svc.subdomain,
        env=env,
        build_env=build_env,
        uses=list(svc.uses),
        volumes={
            key: DesiredVolume(
                name=key, mount_path=vol.mount_path, size=vol.size, detach=vol.detach
            )
            for key, vol in sorted(svc.volumes.items())
        },
    )
