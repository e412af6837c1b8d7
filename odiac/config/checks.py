"""Rules that relate several keys of one document.

They run on the parsed TOML rather than on the models so that they can report
alongside every single-value problem in the same run: each check skips values
that are malformed (those already have their own diagnostic).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odiac.config.diagnostics import Problem
from odiac.config.messages import did_you_mean
from odiac.config.refchecks import ref_checks
from odiac.config.rules import dependency_password_problem, quote
from odiac.config.sensitive import is_sensitive_key
from odiac.config.service_checks import service_checks
from odiac.quantity import QuantityError, cpu_millicores, memory_bytes

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

#: Engines that take only a password at creation (contract §3.4.2 env_vars table).
_PASSWORD_ONLY_ENGINES = ("redis",)
_LIMITS = (("cpu_request", "cpu", cpu_millicores), ("memory_request", "memory", memory_bytes))


def cross_checks(document: Mapping[str, Any]) -> list[Problem]:
    """Every cross-key problem of one (merged) document, in a stable order."""
    problems: list[Problem] = []
    problems += _source(_table(document.get("source")))
    dependencies = _table(document.get("dependencies"))
    services = _table(document.get("services"))
    for name, dependency in dependencies.items():
        if isinstance(dependency, dict):
            problems += _dependency_credentials(name, dependency)
    seen_subdomains: dict[str, str] = {}
    for name, service in services.items():
        if not isinstance(service, dict):
            continue
        problems += _uses(name, service, dependencies)
        problems += ref_checks(name, service, dependencies, services)
        problems += _requests_within_limits(name, service)
        problems += _sensitive_literals(name, service)
        problems += service_checks(name, service, services)
        label = service.get("subdomain")
        kind = service.get("type", "web")
        if isinstance(label, str) and kind in ("worker", "cron"):
            problems.append(
                Problem(
                    ("services", name, "subdomain"),
                    f"a {kind} has no public URL, so it takes no subdomain; remove it",
                )
            )
        elif isinstance(label, str):
            if label in seen_subdomains:
                problems.append(
                    Problem(
                        ("services", name, "subdomain"),
                        f"subdomain {quote(label)} is already used by service"
                        f" {quote(seen_subdomains[label])}; subdomains are unique",
                    )
                )
            else:
                seen_subdomains[label] = name
    return problems


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _source(source: dict[str, Any]) -> Iterator[Problem]:
    if "git" in source and "path" in source:
        yield Problem(("source", "git"), 'set either "path" or "git", not both', at_key=True)
    if "git" not in source:
        for key in ("branch", "token"):
            if key in source:
                yield Problem(("source", key), f'"{key}" needs "git"', at_key=True)


def _uses(name: str, service: dict[str, Any], dependencies: dict[str, Any]) -> Iterator[Problem]:
    uses = service.get("uses")
    if not isinstance(uses, list):
        return
    seen: set[str] = set()
    for number, dependency in enumerate(uses):
        if not isinstance(dependency, str):
            continue
        where = ("services", name, "uses", number)
        if dependency in seen:
            yield Problem(where, f"dependency {quote(dependency)} is listed twice")
        elif dependency not in dependencies:
            declared = ", ".join(quote(d) for d in dependencies) or "none"
            hint = did_you_mean(dependency, dependencies)
            yield Problem(
                where,
                f"unknown dependency {quote(dependency)}{hint}; declared dependencies: {declared}",
            )
        seen.add(dependency)


def _requests_within_limits(name: str, service: dict[str, Any]) -> Iterator[Problem]:
    for request_key, limit_key, parse in _LIMITS:
        request, limit = service.get(request_key), service.get(limit_key)
        if request is None or limit is None:
            continue
        try:
            over = parse(_text(request)) > parse(_text(limit))
        except (QuantityError, TypeError):
            continue  # reported by the value's own rule
        if over:
            yield Problem(
                ("services", name, request_key),
                f"{request_key} {quote(_text(request))} is more than {limit_key}"
                f" {quote(_text(limit))}: a request may not exceed its limit",
            )


def _text(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(value)
    return value if isinstance(value, str) else format(value, "f").rstrip("0").rstrip(".")


def _sensitive_literals(name: str, service: dict[str, Any]) -> Iterator[Problem]:
    for table in ("env", "build_env"):
        for key, value in _table(service.get(table)).items():
            # An empty literal reveals nothing; a filled one sits in Git in plain text.
            if isinstance(value, str) and value and is_sensitive_key(key):
                yield Problem(
                    ("services", name, table, key),
                    f"{quote(key)} is a sensitive key with a literal value committed in"
                    f' plain text; use a secret reference such as {{ secret = "env:{key}" }}',
                    severity="warning",
                )


def _dependency_credentials(name: str, dependency: dict[str, Any]) -> Iterator[Problem]:
    password = dependency.get("password")
    # A malformed password has its own error; advice about it would be noise.
    if isinstance(password, str) and dependency_password_problem(password) is None:
        env_name = name.upper().replace("-", "_") + "_PASSWORD"
        yield Problem(
            ("dependencies", name, "password"),
            "a dependency password written literally is committed in plain text; use a"
            f' secret reference such as {{ secret = "env:{env_name}" }}',
            severity="warning",
        )
    engine = dependency.get("type")
    if engine in _PASSWORD_ONLY_ENGINES:
        for key in ("username", "database_name"):
            if key in dependency:
                yield Problem(
                    ("dependencies", name, key),
                    f"{quote(key)} has no effect on a {engine} dependency: it takes only a"
                    " password",
                    severity="warning",
                    at_key=True,
                )
