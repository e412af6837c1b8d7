"""Plan-time hints from the analysis (analysis-rules 7.4, analysis-rules 2 review points). Warnings only, never blocking."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.plugin import Policy, PolicyFinding, PolicySubject, hookimpl
from odiac_policies._shared import analysis_of, match_service

if TYPE_CHECKING:
    from collections.abc import Iterator

    from odiac.analysis.result import ProjectAnalysisResult, ServiceAnalysis
    from odiac.config.model import ServiceSection

NAME = "analysis-hints"
_MIGRATE = re.compile(r"\bmigrate\b|db:prepare|db upgrade|upgrade head")
_DB_URL = re.compile(r"^(DATABASE_URL|POSTGRES_URL|MYSQL_URL|MONGODB_URI|MONGO_URL|REDIS_URL)$")


def check(subject: PolicySubject) -> Iterator[PolicyFinding]:
    """Warnings about facts the analysis found but the configuration does not cover."""
    analysis = analysis_of(subject)
    if analysis is None or analysis.refusal is not None:
        return
    for name, section in subject.config.services.items():
        found = match_service(name, section, subject.config, analysis)
        if found is not None:
            yield from _service_hints(name, section, found, analysis)


def _service_hints(
    name: str,
    section: ServiceSection,
    found: ServiceAnalysis,
    analysis: ProjectAnalysisResult,
) -> Iterator[PolicyFinding]:
    path = ("services", name)
    extras = analysis.extras.get(found.name)
    commands = " ".join(filter(None, (section.start_command, section.build_command)))
    framework = section.framework if section.framework not in (None, "auto") else found.framework
    if framework == "django" and not _MIGRATE.search(commands):
        yield PolicyFinding(
            NAME, "warning",
            f"service {name} is a Django app with no migration step; run `python manage.py migrate` before start",
            (*path, "start_command"),
        )  # fmt: skip
    elif extras is not None and extras.release_commands and not _MIGRATE.search(commands):
        yield PolicyFinding(
            NAME, "warning",
            f"service {name} has a release step the configuration does not run: {extras.release_commands[0]}",
            (*path, "start_command"),
        )  # fmt: skip
    declared = set(section.env) | set(section.build_env)
    reads_db = [v.name for v in found.runtime_vars if _DB_URL.match(v.name)]
    if reads_db and not section.uses and not declared & set(reads_db):
        yield PolicyFinding(
            NAME, "warning",
            f"service {name} reads {reads_db[0]} but uses no dependency and does not set it",
            (*path, "uses"),
        )  # fmt: skip
    for var in extras.late_bound_vars if extras is not None else []:
        if var not in declared:
            yield PolicyFinding(
                NAME, "warning",
                f"service {name} reads {var}, a public URL that is left unset; set it once the domain exists",
                (*path, "env"),
            )  # fmt: skip
    missing = [
        v.name for v in found.runtime_vars
        if v.required and v.name not in declared and not (_DB_URL.match(v.name) and section.uses)
        and v.name not in (extras.late_bound_vars if extras else [])
    ]  # fmt: skip
    if missing:
        yield PolicyFinding(
            NAME, "warning",
            f"service {name} reads required variables the configuration does not set: {', '.join(missing)}",
            (*path, "env"),
        )  # fmt: skip


@hookimpl
def odiac_policies() -> Iterator[Policy]:
    yield Policy(
        name=NAME,
        check=check,
        priority=900,
        description="warnings from the source analysis (migrations, DATABASE_URL, late-bound URLs)",
    )
