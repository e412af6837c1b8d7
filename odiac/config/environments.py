"""Environments: which overlay applies, and which project and labels each one gets.

An environment is an isolated stack, its own OpenDeploy project. The rules:

* Overlay: the ``[environments.<name>]`` table named exactly like the environment;
  otherwise the first pattern table (``[environments."pr-*"]``, shell-style
  wildcards ``*``, ``?``, ``[...]``) in file order that matches; otherwise none and
  the base applies as written.
* Project: ``project = "..."`` (or ``project.name``) in the environment's own
  table; otherwise ``[project].name`` for the default environment and
  ``<name>-<environment>`` for every other one.
* Subdomains: a service label set by the environment's own table is used as is;
  otherwise a non-default environment derives ``<label>-<environment>`` from the
  base label, so two environments never ask for the same one.
* The default environment is ``[project] default_environment`` (``staging``
  unless set): what runs without ``--env``.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from odiac.config.rules import DNS_LABEL_RE, dns_label_problem, quote, subdomain_problem

if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_ENVIRONMENT = "staging"
_WILDCARDS = frozenset("*?[")
_PATTERN_RE = re.compile(r"^[a-z0-9*?\[\]!-]{1,63}$")


def is_pattern(name: str) -> bool:
    """Whether an ``[environments]`` table name is a wildcard pattern."""
    return any(char in _WILDCARDS for char in name)


def table_name_problem(name: str) -> str | None:
    """What is wrong with an ``[environments.<name>]`` table name, if anything."""
    if is_pattern(name):
        if _PATTERN_RE.match(name):
            return None
        return (
            f"{quote(name)} is not a valid environment pattern: use lowercase letters, "
            "digits, '-' and the wildcards '*', '?' and '[...]'"
        )
    return dns_label_problem(name, "environment")


def environment_name_problem(name: str) -> str | None:
    """What is wrong with an environment name given on the command line, if anything."""
    if is_pattern(name):
        return f"{quote(name)} is a pattern; name one environment (for example pr-42)"
    return dns_label_problem(name, "environment")


def select_overlay(overlays: Mapping[str, Any], environment: str) -> str | None:
    """The table that applies to ``environment``: exact name first, then patterns in order."""
    if environment in overlays and not is_pattern(environment):
        return environment
    return next(
        (name for name in overlays if is_pattern(name) and fnmatch.fnmatchcase(environment, name)),
        None,
    )


def default_environment(base: Mapping[str, Any]) -> str:
    """``[project] default_environment`` when it is a usable name, else ``staging``."""
    project = base.get("project")
    value = project.get("default_environment") if isinstance(project, dict) else None
    if isinstance(value, str) and DNS_LABEL_RE.match(value):
        return value
    return DEFAULT_ENVIRONMENT


def declared_environments(overlays: Mapping[str, Any], default: str) -> list[str]:
    """Every environment the file names: the default first, then the tables (no patterns)."""
    names = [default]
    names += [name for name in overlays if not is_pattern(name) and name != default]
    return names


def explicit_project(overlay: Mapping[str, Any] | None) -> str | None:
    """The project name an overlay sets, if any (``project = "..."`` is already a table)."""
    project = (overlay or {}).get("project")
    name = project.get("name") if isinstance(project, dict) else None
    return name if isinstance(name, str) else None


def project_name(base_name: str, environment: str, default: str, explicit: str | None) -> str:
    """The project of ``environment`` (see the module docstring)."""
    if explicit is not None:
        return explicit
    return base_name if environment == default else f"{base_name}-{environment}"


def derived_subdomain(label: str, environment: str) -> str:
    """The label a non-default environment uses when its table does not set one."""
    return f"{label}-{environment}"


@dataclass(frozen=True)
class Naming:
    """The project and service labels of one environment."""

    project: str
    subdomains: dict[str, str]


def name_environment(
    *,
    base_name: str,
    labels: Mapping[str, str | None],
    environment: str,
    default: str,
    overlay: Mapping[str, Any] | None,
    exact: bool,
) -> tuple[Naming | None, str | None]:
    """The names of ``environment``, or why it cannot form them.

    Args:
        base_name: ``[project].name`` after merging the overlay.
        labels: Service name -> its subdomain after merging (None: no label).
        environment: The environment's name.
        default: The default environment's name.
        overlay: The overlay that applies (exact or pattern), if any.
        exact: Whether ``overlay`` is the environment's own table (not a pattern).
    """
    explicit = explicit_project(overlay) if exact else None
    project = project_name(base_name, environment, default, explicit)
    problem = dns_label_problem(project, "project")
    if problem is not None:
        return None, (
            f"environment {quote(environment)} cannot form a project name: {problem}; "
            f'set [environments.{environment}] project = "...", or use a shorter name'
        )
    subdomains: dict[str, str] = {}
    for service, label in labels.items():
        if label is None:
            continue
        own = exact and _sets_subdomain(overlay, service)
        wanted = label if own or environment == default else derived_subdomain(label, environment)
        problem = subdomain_problem(wanted)
        if problem is not None:
            return None, (
                f"environment {quote(environment)} cannot form the subdomain of service "
                f"{quote(service)}: {problem}; set [environments.{environment}.services."
                f"{service}] subdomain, or use a shorter environment name"
            )
        subdomains[service] = wanted
    return Naming(project, subdomains), None


def _sets_subdomain(overlay: Mapping[str, Any] | None, service: str) -> bool:
    services = (overlay or {}).get("services")
    table = services.get(service) if isinstance(services, dict) else None
    return isinstance(table, dict) and "subdomain" in table
