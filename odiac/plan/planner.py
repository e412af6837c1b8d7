"""``make_plan``: desired state x live state -> :class:`Plan`. Deterministic, no I/O.

The dependency graph follows the gateway's required order: project ->
dependencies -> services -> env -> upload -> bind source -> deploy -> subdomain.
Unchanged source means no upload and no deploy; a resize alone is an
``update_service`` with no deploy; an env change is ``set_env`` plus a deploy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac import __version__
from odiac.plan.credentials import create_changes, credential_digests
from odiac.plan.inputs import FromDependency, secret_digest
from odiac.plan.model import (
    Action,
    BindSource,
    CreateDependency,
    CreateProject,
    FieldChange,
    Plan,
    SourceSummary,
    UploadSource,
)
from odiac.plan.services import ServicePlanner

if TYPE_CHECKING:
    from odiac.plan.inputs import DesiredState, LiveState

PROJECT_ID = "project"
UPLOAD_ID = "source.upload"
BIND_ID = "source.bind"

__all__ = ["make_plan"]


def make_plan(
    desired: DesiredState,
    live: LiveState,
    *,
    hmac_key: bytes,
    allow_detach_volumes: bool = False,
) -> Plan:
    """Compute the plan that makes ``live`` match ``desired``.

    Args:
        desired: What the configuration asks for (secrets resolved in memory).
        live: What the gateway has (from refresh).
        hmac_key: Key for the digests of secret values stored in the plan.
        allow_detach_volumes: Detach live volumes missing from the file (they stay
            restorable for 7 days) instead of listing them as manual items.

    Returns:
        A frozen plan; ``plan.has_changes`` is False when live matches desired.

    Raises:
        PlanError: The desired state refers to something that cannot be resolved, or
            a volume would shrink (``cannot_shrink``).
    """
    actions: list[Action] = []
    warnings: list[str] = list(desired.warnings)
    if live.project is None:
        actions.append(
            CreateProject(
                id=PROJECT_ID,
                address=f"project.{desired.project.name}",
                impact="create",
                changes=_created(
                    name=desired.project.name,
                    region=desired.project.region,
                    description=desired.project.description,
                ),
                name=desired.project.name,
                region=desired.project.region,
                description=desired.project.description,
            )
        )
    project_deps = [PROJECT_ID] if live.project is None else []

    dep_actions: dict[str, str] = {}
    for name, dep in sorted(desired.dependencies.items()):
        if live.project is not None and name in live.dependencies:
            continue
        action_id = f"dependency.{name}"
        dep_actions[name] = action_id
        actions.append(
            CreateDependency(
                id=action_id,
                address=action_id,
                depends_on=project_deps,
                impact="create",
                changes=sorted(
                    [
                        *_created(engine=dep.engine, display_name=dep.display_name),
                        *create_changes(dep, hmac_key),
                    ],
                    key=lambda c: c.path,
                ),
                name=name,
                engine=dep.engine,
                display_name=dep.display_name,
            )
        )

    services = ServicePlanner(
        desired,
        live,
        hmac_key,
        dep_actions,
        project_deps,
        allow_detach_volumes=allow_detach_volumes,
    )
    for name in sorted(desired.services):
        services.plan(name)
    actions.extend(services.changes)

    bind_id = None
    if services.needs_source():
        actions.extend(_source_actions(desired, project_deps))
        bind_id = BIND_ID
    actions.extend(services.finish(bind_id))
    actions.extend(services.manual_actions())
    warnings.extend(services.warnings)

    return Plan(
        odiac_version=__version__,
        project=desired.project.name,
        environment=desired.environment,
        config_digest=desired.config_digest,
        live_fingerprint=live.fingerprint(hmac_key),
        live_resources=live.resource_fingerprints(hmac_key),
        source=SourceSummary(
            kind=desired.source.kind,
            digest=desired.source.digest,
            file_count=desired.source.file_count,
            total_bytes=desired.source.total_bytes,
            git_url=desired.source.git_url,
            branch=desired.source.branch,
            files=desired.source.files,
        ),
        value_digests=value_digests(desired, hmac_key),
        actions=actions,
        warnings=warnings,
    )


def _created(**fields: str | None) -> list[FieldChange]:
    return [
        FieldChange(path=name, after=value, before_absent=True, impact="create")
        for name, value in sorted(fields.items())
        if value is not None
    ]


def _source_actions(desired: DesiredState, project_deps: list[str]) -> list[Action]:
    src = desired.source
    return [
        UploadSource(
            id=UPLOAD_ID,
            address="source",
            depends_on=project_deps,
            source_kind=src.kind,
            digest=src.digest,
            file_count=src.file_count,
            total_bytes=src.total_bytes,
        ),
        BindSource(
            id=BIND_ID, address="source", depends_on=[UPLOAD_ID, *project_deps], digest=src.digest
        ),
    ]


def value_digests(desired: DesiredState, hmac_key: bytes) -> dict[str, str]:
    """Keyed digest of every desired env value and dependency credential (stale check)."""
    digests: dict[str, str] = credential_digests(desired, hmac_key)
    for svc_name, svc in sorted(desired.services.items()):
        for section, values in (("env", svc.env), ("build_env", svc.build_env)):
            for key, value in sorted(values.items()):
                path = f"services.{svc_name}.{section}.{key}"
                if isinstance(value, FromDependency):
                    digests[path] = f"dependency.{value.dependency}.{value.key}"
                else:
                    digests[path] = secret_digest(value.value.get_secret_value(), hmac_key)
    return digests
