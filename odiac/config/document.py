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
from odiac.config.messages import child, did_you_mean, problems_from_validation, toml_type
from odiac.config.model import OVERLAY_SECTIONS, Config
from odiac.config.rules import dns_label_problem, quote

if TYPE_CHECKING:
    from collections.abc import Mapping

ENVIRONMENTS = "environments"
DEFAULT_ENVIRONMENT = "staging"  # may run on the base alone even when overlays exist


@dataclass
class Evaluation:
    """The outcome of evaluating one document for one environment."""

    config: Config | None
    problems: list[Problem]
    overlay: dict[str, Any] = field(default_factory=dict)


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
    environment: str,
    overrides: Mapping[str, str] | None = None,
) -> Evaluation:
    """Validate the base, every overlay and the selected environment's final document.

    Args:
        document: The parsed TOML file.
        environment: The selected environment name.
        overrides: Dotted key path -> value, applied last (e.g. ``{"gateway.url": "local"}``).
    """
    base = {key: value for key, value in document.items() if key != ENVIRONMENTS}
    problems, overlays = _overlays(document.get(ENVIRONMENTS))
    selected = overlays.get(environment)
    base_config, base_problems = _validate(base)
    # A key missing from the base is fine when the used overlay provides it.
    base_problems = [p for p in base_problems if p.kind != "missing" or selected is None]
    problems += base_problems
    config = base_config if selected is None else None
    for name, overlay in overlays.items():
        merged_config, merged_problems = _validate(deep_merge(base, overlay))
        problems += _attribute(merged_problems, name, base, overlay, base_problems)
        if name == environment:
            config = merged_config
    if overlays and selected is None and environment != DEFAULT_ENVIRONMENT:
        known = ", ".join(quote(name) for name in sorted(overlays))
        hint = did_you_mean(environment, overlays)
        problems.append(
            Problem(
                (ENVIRONMENTS,), f"unknown environment {quote(environment)}{hint}; known: {known}"
            )
        )
        config = None
    if overrides:
        config, override_problems = _apply_overrides(base, selected or {}, overrides)
        problems += override_problems
    if any(problem.severity == "error" for problem in problems):
        config = None
    return Evaluation(config, problems, dict(selected or {}))


def _overlays(tables: object) -> tuple[list[Problem], dict[str, dict[str, Any]]]:
    problems: list[Problem] = []
    overlays: dict[str, dict[str, Any]] = {}
    if tables is None:
        return problems, overlays
    if not isinstance(tables, dict):
        return [Problem((ENVIRONMENTS,), f"expected a table, got {toml_type(tables)}")], overlays
    for name, overlay in tables.items():
        where: KeyPath = (ENVIRONMENTS, name)
        name_problem = dns_label_problem(name, "environment")
        if name_problem:
            problems.append(Problem(where, name_problem, at_key=True))
        if not isinstance(overlay, dict):
            problems.append(Problem(where, f"expected a table, got {toml_type(overlay)}"))
            continue
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
        overlays[name] = {k: v for k, v in overlay.items() if k in OVERLAY_SECTIONS}
    return problems, overlays


def _validate(document: dict[str, Any]) -> tuple[Config | None, list[Problem]]:
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
