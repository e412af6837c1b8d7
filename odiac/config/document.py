"""From a parsed TOML document to a validated :class:`Config` plus every problem.

The file has a base and optional ``[environments.<name>]`` overlays. The base
is validated on its own; each overlay is deep-merged over the base and the
result validated again, so that overlay keys are checked like base keys and
reported under their own path (``environments.production.services.web.replicas``).
A key may be left out of the base (e.g. ``project.name``) when every overlay
provides it and the selected environment has an overlay.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from odiac.config.checks import cross_checks
from odiac.config.diagnostics import KeyPath, Problem
from odiac.config.environments import (
    DEFAULT_ENVIRONMENT,
    declared_environments,
    default_environment,
    environment_name_problem,
    explicit_project,
    is_pattern,
    name_environment,
    project_name,
    select_overlay,
    table_name_problem,
)
from odiac.config.messages import child, did_you_mean, problems_from_validation, toml_type
from odiac.config.model import OVERLAY_SECTIONS, Config
from odiac.config.rules import quote

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

ENVIRONMENTS = "environments"


@dataclass
class Evaluation:
    """The outcome of evaluating one document for one environment."""

    config: Config | None
    problems: list[Problem]
    overlay: dict[str, Any] = field(default_factory=dict)
    environment: str = DEFAULT_ENVIRONMENT
    overlay_name: str | None = None
    default_environment: str = DEFAULT_ENVIRONMENT
    declared: tuple[str, ...] = (DEFAULT_ENVIRONMENT,)
    usage_error: str | None = None


def deep_merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other overlay value (arrays too) replaces the base's."""
    merged = copy.deepcopy(dict(base))
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def lookup(document: Mapping[str, Any], path: KeyPath) -> tuple[bool, Any]:
    """``(True, value)`` when ``path`` exists in ``document``, else ``(False, None)``."""
    node: Any = document
    for part in path:
        found, node = child(node, part)
        if not found:
            return False, None
    return True, node


def evaluate(
    document: Mapping[str, Any],
    environment: str | None,
    overrides: Mapping[str, str] | None = None,
) -> Evaluation:
    """Validate the base, every overlay and the selected environment's final document.

    Args:
        document: The parsed TOML file.
        environment: The selected environment name (None: the file's default).
        overrides: Dotted key path -> value, applied last (e.g. ``{"gateway.url": "local"}``).
    """
    base = {key: value for key, value in document.items() if key != ENVIRONMENTS}
    problems, overlays = _overlays(document.get(ENVIRONMENTS))
    default = default_environment(base)
    environment = environment or default
    usage = environment_name_problem(environment)
    overlay_name = select_overlay(overlays, environment)
    selected = overlays.get(overlay_name) if overlay_name is not None else None
    base_config, base_problems = _validate(base)
    # A key missing from the base is fine when the used overlay provides it.
    base_problems = [p for p in base_problems if p.kind != "missing" or selected is None]
    problems += base_problems
    config = base_config if selected is None else None
    for name, overlay in overlays.items():
        merged_config, merged_problems = _validate_merged(base, overlay)
        problems += _attribute(merged_problems, name, base, overlay, base_problems)
        if name == overlay_name:
            config = merged_config
    if selected is None and not usage:
        hint = did_you_mean(environment, [n for n in overlays if not is_pattern(n)])
        if hint:
            message = f"environment {quote(environment)} has no overlay: the base applies{hint}"
            problems.append(Problem((ENVIRONMENTS,), message, severity="warning"))
    problems += _collisions(base, overlays, default)
    if overrides:
        config, override_problems = _apply_overrides(base, selected or {}, overrides)
        problems += override_problems
    if any(problem.severity == "error" for problem in problems):
        config = None
    if config is not None and usage is None:
        config, usage = _named(config, environment, default, selected, overlay_name)
    return Evaluation(
        None if usage else config,
        problems,
        dict(selected or {}),
        environment=environment,
        overlay_name=overlay_name,
        default_environment=default,
        declared=tuple(declared_environments(overlays, default)),
        usage_error=usage,
    )


def _named(
    config: Config,
    environment: str,
    default: str,
    overlay: dict[str, Any] | None,
    overlay_name: str | None,
) -> tuple[Config, str | None]:
    """The configuration with the environment's own project name and service labels."""
    naming, problem = name_environment(
        base_name=config.project.name,
        labels={name: svc.subdomain for name, svc in config.services.items()},
        environment=environment,
        default=default,
        overlay=overlay,
        exact=overlay_name == environment,
    )
    if naming is None:
        return config, problem
    services = {
        name: svc.model_copy(update={"subdomain": naming.subdomains.get(name)})
        for name, svc in config.services.items()
    }
    project = config.project.model_copy(update={"name": naming.project})
    return config.model_copy(update={"project": project, "services": services}), None


def _collisions(base: dict[str, Any], overlays: dict[str, Any], default: str) -> list[Problem]:
    """Two declared environments must never resolve to the same project."""
    project = base.get("project")
    base_name = project.get("name") if isinstance(project, dict) else None
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    for name in declared_environments(overlays, default):
        explicit = explicit_project(overlays.get(name))
        if not isinstance(base_name, str) and explicit is None:
            continue
        project_of = project_name(str(base_name), name, default, explicit)
        if project_of in seen:
            problems.append(
                Problem(
                    (ENVIRONMENTS, name, "project"),
                    f"environments {quote(seen[project_of])} and {quote(name)} would share "
                    f"project {quote(project_of)}; each environment needs its own project",
                )
            )
        seen.setdefault(project_of, name)
    return problems


def _overlays(tables: object) -> tuple[list[Problem], dict[str, dict[str, Any]]]:
    problems: list[Problem] = []
    overlays: dict[str, dict[str, Any]] = {}
    if tables is None:
        return problems, overlays
    if not isinstance(tables, dict):
        return [Problem((ENVIRONMENTS,), f"expected a table, got {toml_type(tables)}")], overlays
    for name, overlay in tables.items():
        where: KeyPath = (ENVIRONMENTS, name)
        name_problem = table_name_problem(name)
        if name_problem:
            problems.append(Problem(where, name_problem, at_key=True))
        if not isinstance(overlay, dict):
            problems.append(Problem(where, f"expected a table, got {toml_type(overlay)}"))
            continue
        if isinstance(overlay.get("project"), str):
            # `project = "shop-prod"` is short for `[environments.<name>.project] name = ...`.
            overlay = {**overlay, "project": {"name": overlay["project"]}}
        for key in overlay:
            if key not in OVERLAY_SECTIONS:
                reason = (
                    "cannot be set per environment"
                    if key in ("version", ENVIRONMENTS)
                    else "is not a section an environment can override"
                )
                hint = did_you_mean(key, OVERLAY_SECTIONS)
                problems.append(
                    Problem(
                        (*where, key),
                        f"{quote(key)} {reason}{hint}",
                        at_key=True,
                        kind="unknown_key",
                    )
                )
        problems += _overlay_rules(name, overlay)
        overlays[name] = {k: v for k, v in overlay.items() if k in OVERLAY_SECTIONS}
    return problems, overlays


def _overlay_rules(name: str, overlay: dict[str, Any]) -> list[Problem]:
    """Keys an overlay may not set: base-only ones, and fixed names in a pattern."""
    where: KeyPath = (ENVIRONMENTS, name)
    problems: list[Problem] = []
    project = overlay.get("project")
    if isinstance(project, dict) and "default_environment" in project:
        problems.append(
            Problem(
                (*where, "project", "default_environment"),
                '"default_environment" cannot be set per environment: set it in [project]',
                at_key=True,
            )
        )
    if not is_pattern(name):
        return problems
    if explicit_project(overlay) is not None:
        problems.append(
            Problem(
                (*where, "project"),
                "a pattern overlay cannot name a project: every matching environment "
                "gets its own (<name>-<environment>)",
                at_key=True,
            )
        )
    services = overlay.get("services")
    for service, table in services.items() if isinstance(services, dict) else ():
        if isinstance(table, dict) and "subdomain" in table:
            problems.append(
                Problem(
                    (*where, "services", service, "subdomain"),
                    "a pattern overlay cannot fix a subdomain: every matching environment "
                    "derives its own (<label>-<environment>)",
                    at_key=True,
                )
            )
    return problems


def _validate(document: dict[str, Any]) -> tuple[Config | None, list[Problem]]:
    # Loading a file for each of its environments (--all-envs) validates the same
    # merged documents again and again; the repr tells str from datetime and keeps order.
    # The models are frozen, so a cached Config is safe to share.
    config, problems = _validate_cached(repr(document), lambda: document)
    return config, list(problems)


def _validate_merged(
    base: dict[str, Any], overlay: dict[str, Any]
) -> tuple[Config | None, list[Problem]]:
    """``_validate(deep_merge(base, overlay))``, without merging again on a cache hit."""
    config, problems = _validate_cached(repr((base, overlay)), lambda: deep_merge(base, overlay))
    return config, list(problems)


_CACHE: dict[str, tuple[Config | None, tuple[Problem, ...]]] = {}
_CACHE_SIZE = 128


def _validate_cached(
    key: str, document: Callable[[], dict[str, Any]]
) -> tuple[Config | None, tuple[Problem, ...]]:
    hit = _CACHE.get(key)
    if hit is None:
        config, problems = _validate_uncached(document())
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        hit = _CACHE[key] = (config, tuple(problems))
    return hit


def _validate_uncached(document: dict[str, Any]) -> tuple[Config | None, list[Problem]]:
    problems = cross_checks(document)
    try:
        config = Config.model_validate(document)
    except ValidationError as exc:
        return None, problems_from_validation(exc, document) + problems
    return config, problems


def _attribute(
    problems: list[Problem],
    name: str,
    base: dict[str, Any],
    overlay: dict[str, Any],
    base_problems: list[Problem],
) -> list[Problem]:
    """Give each problem of a merged document the path of the table it came from."""
    already = {(p.key_path, p.message) for p in base_problems}
    out = []
    for problem in problems:
        path = problem.key_path
        in_overlay, value = lookup(overlay, path)
        in_base, _ = lookup(base, path)
        if not in_overlay and not in_base and path:
            # An absent key belongs to whichever file part declares its table.
            in_overlay, value = lookup(overlay, path[:-1])
            in_base, _ = lookup(base, path[:-1])
        # A value (or a table only the overlay has) comes from the overlay; a
        # table both define is reported at the base, like a key missing from both.
        if in_overlay and (not isinstance(value, dict) or not in_base):
            out.append(replace(problem, key_path=(ENVIRONMENTS, name, *path)))
        elif (path, problem.message) not in already:
            message = f"{problem.message} (with environment {quote(name)})"
            out.append(replace(problem, message=message))
    return out


def _apply_overrides(
    base: dict[str, Any], overlay: dict[str, Any], overrides: Mapping[str, str]
) -> tuple[Config | None, list[Problem]]:
    document = deep_merge(base, overlay)
    paths: list[tuple[str, ...]] = []
    for dotted, value in overrides.items():
        path = tuple(dotted.split("."))
        paths.append(path)
        node = document
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[path[-1]] = value
    config, problems = _validate(document)
    # Problems elsewhere in the document were already reported against the file.
    ours = [
        replace(p, origin="override")
        for p in problems
        if any(p.key_path[: len(path)] == path for path in paths)
    ]
    return config, ours
