"""A live project as an ``opendeploy.toml`` document (``odiac import``).

Reading (:func:`read_live_project`) and writing (:func:`build_document`) are
separate: the second is pure, so what the file says is decided from data alone.

Secrets never enter the file. A sensitive value (contract §9.5), a value the
gateway stores encrypted, a value equal to a secret this run knows
(:mod:`odiac.ops.import_secrets`) or a dependency connection key the service
does not get through ``uses`` becomes a reference ``{ secret = "env:NAME" }``
and NAME is listed for the user to provide. A
dependency whose whole connection env the service carries is written as
``uses``: odiac injects that env itself, so the values are not repeated.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import tomlkit

from odiac.config import rules
from odiac.config.model import DEFAULT_GATEWAY
from odiac.config.sensitive import is_sensitive_key
from odiac.ops.import_names import dependency_keys, secret_variable
from odiac.ops.import_secrets import is_known_secret
from odiac.ops.lookup import find_project
from odiac.plan import fields as table
from odiac.state.refresh import gateway_environment

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tomlkit.items import Table

    from odiac.gateway.client import GatewayClient
    from odiac.gateway.models import DependencyStatus, Project, Service, ServiceDomain
    from odiac.plan.fields import ServiceField

MAX_ORDERINGS = 6  # dependencies tried in every order up to this many (6! = 720)


@dataclass(frozen=True)
class LiveProjectData:
    """Everything import reads from the gateway."""

    project: Project
    region_code: str | None
    services: list[Service]
    domains: dict[str, list[ServiceDomain]]
    dependencies: list[DependencyStatus]
    encrypted: dict[str, frozenset[str]] = field(default_factory=dict)
    """Service id -> runtime env keys the gateway stores encrypted."""


async def read_live_project(client: GatewayClient, name: str, environment: str) -> LiveProjectData:
    """Read the project, its services (decrypted env), dependencies, domains and region.

    Raises:
        OperationError: No project of that name is visible.
    """
    project = await find_project(client, name)
    listed, deps, regions = await asyncio.gather(
        client.list_services(project.id),
        client.list_dependencies_status(project.id),
        client.list_regions(),
    )
    env = gateway_environment(environment)
    details, domain_lists, env_rows = await asyncio.gather(
        asyncio.gather(*(client.get_service(s.id) for s in listed)),
        asyncio.gather(*(client.list_domains(s.id, environment=env) for s in listed)),
        asyncio.gather(*(client.get_env_rows(project.id, s.id) for s in listed)),
    )
    region = next((r.code for r in regions if r.id == project.region_id and r.code), None)
    return LiveProjectData(
        project=project,
        region_code=region,
        services=sorted(details, key=lambda s: s.name),
        domains={s.id: list(d) for s, d in zip(listed, domain_lists, strict=True)},
        dependencies=list(deps),
        encrypted={
            s.id: frozenset(row.key for row in rows if row.is_encrypted)
            for s, rows in zip(listed, env_rows, strict=True)
        },
    )


@dataclass(frozen=True)
class RequiredSecret:
    """An environment variable the user must set: its name and the keys that read it."""

    variable: str
    used_by: list[str]


@dataclass
class ImportResult:
    """The document and what the user must know about it."""

    document: tomlkit.TOMLDocument
    project: str
    services: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    required: list[RequiredSecret] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        return tomlkit.dumps(self.document)

    def to_json(self, path: str) -> dict[str, Any]:
        return {
            "path": path,
            "project": self.project,
            "services": self.services,
            "dependencies": self.dependencies,
            "required_env": [{"variable": r.variable, "used_by": r.used_by} for r in self.required],
            "notes": self.notes,
        }


class _Secrets:
    """Names the ``env:`` variables, one per distinct (key, value), never the value."""

    def __init__(self) -> None:
        self._by_value: dict[tuple[str, str], str] = {}
        self._taken: set[str] = set()
        self.required: dict[str, list[str]] = {}

    def reference(self, service: str, key: str, value: str, where: str) -> str:
        name = self._by_value.get((key, value))
        if name is None:
            name = secret_variable(service, key, self._taken)
            self._taken.add(name)
            self._by_value[(key, value)] = name
        self.required.setdefault(name, []).append(where)
        return name


def build_document(data: LiveProjectData, *, gateway: str) -> ImportResult:
    """The ``opendeploy.toml`` describing ``data`` (pure: no I/O).

    Args:
        data: What :func:`read_live_project` read.
        gateway: The gateway it was read from (written unless it is the default).
    """
    project = data.project
    result = ImportResult(document=tomlkit.document(), project=project.name)
    doc = result.document
    doc.add(tomlkit.comment(f'Imported by `odiac import` from project "{project.name}".'))
    doc.add(tomlkit.comment("Secret values are not in this file: see the env: references."))
    doc.add("version", 1)
    if gateway != DEFAULT_GATEWAY:
        doc.add("gateway", _table({"url": gateway}))
    doc.add(
        "project",
        _table(
            {"name": project.name, "region": data.region_code, "description": project.description}
        ),
    )
    if project.repo_url and not project.repo_url.startswith("file://"):
        doc.add("source", _table({"git": project.repo_url, "branch": project.branch or None}))
        result.notes.append(
            "the source is a Git repository; for a private one add "
            '[source].token = { secret = "env:GIT_TOKEN" }'
        )
    dep_names = dependency_keys(data.dependencies)
    if data.dependencies:
        deps = tomlkit.table(is_super_table=True)
        for dep in sorted(data.dependencies, key=lambda d: dep_names[d.id][0]):
            key, display = dep_names[dep.id]
            engine = "mongodb" if dep.type == "mongo" else dep.type
            deps.add(key, _table({"type": engine, "display_name": display}))
            result.dependencies.append(key)
        doc.add("dependencies", deps)
    secrets = _Secrets()
    if data.services:
        services = tomlkit.table(is_super_table=True)
        named = [(dep_names[d.id][0], d) for d in data.dependencies]
        for svc in data.services:
            services.add(
                svc.name,
                _service(
                    svc,
                    data.domains.get(svc.id, []),
                    named,
                    secrets,
                    result,
                    data.encrypted.get(svc.id, frozenset()),
                ),
            )
            result.services.append(svc.name)
        doc.add("services", services)
    result.required = [RequiredSecret(v, sorted(w)) for v, w in sorted(secrets.required.items())]
    return result


def _table(values: Mapping[str, Any]) -> Table:
    table = tomlkit.table()
    for key, value in values.items():
        if value not in (None, "", []):
            table.add(key, value)
    return table


def _service(
    svc: Service,
    domains: list[ServiceDomain],
    deps: list[tuple[str, DependencyStatus]],
    secrets: _Secrets,
    result: ImportResult,
    encrypted: frozenset[str] = frozenset(),
) -> Table:
    where = f"services.{svc.name}"
    fields: dict[str, Any] = {"type": svc.type}
    for row in table.SERVICE_FIELDS:
        fields[row.toml] = _file_value(row, getattr(svc, row.wire, None), where, result)
    uses, covered = detect_uses(svc.runtime_variables, deps)
    fields["uses"] = uses
    auto = next((d for d in domains if d.type == "auto" and d.label), None)
    # A worker's domain row is no public URL; nor is an internal-only service's.
    public = svc.type in ("web", "static") and not svc.internal_only
    fields["subdomain"] = (
        auto.label if public and auto and not rules.subdomain_problem(auto.label) else None
    )
    out = _table(fields)
    if isinstance(fields.get("dockerfile_inline"), str):
        out["dockerfile_inline"] = tomlkit.string(fields["dockerfile_inline"], multiline=True)
    dep_keys = {k for _, dep in deps for k in dep.env_vars}
    for section, values, skip, hidden in (
        ("env", svc.runtime_variables, covered, dep_keys | encrypted),
        ("build_env", svc.build_variables, set(), dep_keys),
    ):
        env = _env_table(svc.name, f"{where}.{section}", values, skip, hidden, secrets)
        if env is not None:
            out.add(section, env)
    volumes = _volumes(svc.volumes)
    if volumes is not None:
        out.add("volumes", volumes)
    return out


def _file_value(row: ServiceField, value: Any, where: str, result: ImportResult) -> Any:
    """A live value as the file writes it; None leaves the key out."""
    value = row.live(value)
    if value is None or value is False:
        return None  # false is what the gateway assumes: not written
    if row.file_problem is not None and row.file_problem(value) is not None:
        result.notes.append(
            f"{where}.{row.toml}: live value cannot be written in opendeploy.toml; left out"
        )
        return None
    normalised = row.normalise(value)
    if normalised == row.omit_at_create and row.omit_at_create is not None:
        return None
    return normalised


def _volumes(rows: list[dict[str, Any]]) -> Table | None:
    """The attached volumes (the Service object lists only those) as sub-tables."""
    tables = tomlkit.table(is_super_table=True)
    for row in sorted(rows, key=lambda r: str(r.get("name", ""))):
        name, mount, size = row.get("name"), row.get("mount_path"), row.get("size")
        if not (isinstance(name, str) and isinstance(mount, str) and isinstance(size, str)):
            continue
        if rules.volume_name_problem(name) or rules.volume_size_problem(size):
            continue
        tables.add(name, _table({"mount_path": mount, "size": size}))
    return tables if tables else None


def _checked(value: str | None, problem: Any, where: str, result: ImportResult) -> str | None:
    if not value:
        return None
    if "\n" in value or problem(value) is not None:
        result.notes.append(f"{where}: live value cannot be written in opendeploy.toml; left out")
        return None
    return value


def _env_table(
    service: str,
    where: str,
    values: Mapping[str, str],
    skip: set[str],
    hidden: set[str],
    secrets: _Secrets,
) -> Table | None:
    """The env table; a value that is secret by name, by the gateway's encryption, by
    being a dependency credential or by equalling a known secret is a reference."""
    rows = {k: v for k, v in sorted(values.items()) if k not in skip}
    if not rows:
        return None
    table = tomlkit.table()
    for key, value in rows.items():
        if is_sensitive_key(key) or key in hidden or is_known_secret(value):
            name = secrets.reference(service, key, value, f"{where}.{key}")
            table.add(key, _secret_ref(name))
        else:
            table.add(key, value)
    return table


def _secret_ref(variable: str) -> Any:
    """``{ secret = "env:NAME" }`` in the documented spacing (``variable`` is [A-Za-z0-9_])."""
    return tomlkit.parse(f'v = {{ secret = "env:{variable}" }}\n')["v"]


def detect_uses(
    env: Mapping[str, str], deps: list[tuple[str, DependencyStatus]]
) -> tuple[list[str], set[str]]:
    """Which dependencies a service gets its connection env from, in merge order.

    A dependency counts when every one of its connection keys is in the service env
    and at least one value matches (other keys are overrides). The order is the one
    whose later-wins merge (contract §9.8) reproduces most of the live values.

    Returns:
        The ``uses`` list and the env keys it reproduces exactly (not written again).
    """
    candidates = sorted(
        (name, dep)
        for name, dep in deps
        if dep.env_vars
        and all(k in env for k in dep.env_vars)
        and any(env[k] == v for k, v in dep.env_vars.items())
    )
    if not candidates:
        return [], set()
    orders = (
        itertools.permutations(candidates)
        if len(candidates) <= MAX_ORDERINGS
        else iter([tuple(candidates)])
    )
    best: tuple[int, list[str], set[str]] = (-1, [], set())
    for order in orders:
        merged: dict[str, str] = {}
        for _, dep in order:
            merged.update(dep.env_vars)
        covered = {k for k, v in merged.items() if env.get(k) == v}
        if len(covered) > best[0]:
            best = (len(covered), [name for name, _ in order], covered)
    return best[1], best[2]
