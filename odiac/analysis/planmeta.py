"""Plan-side companions computed from a finished draft (analysis-rules §6.6, §6.7, §9.3).

Storage need, env aliases for managed dependencies, and the project's
complexity class; none of these is part of the §9 payload.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.depenv import reference
from odiac.analysis.evidence import Evidence

if TYPE_CHECKING:
    from odiac.analysis.context import AnalysisContext, ServiceDraft
    from odiac.analysis.result import ServiceAnalysis

COMPLEXITY = (
    "static", "framework", "dockerfile", "stateful", "multi_service",
    "storage_decision_required", "multi_protocol",
)  # fmt: skip
_STORAGE_NAME = re.compile(
    r"(_DATA_DIR|_UPLOAD_DIR|_STORAGE_PATH|_MEDIA_ROOT|_REPO_ROOT)$|^MEDIA_ROOT$"
)
_SETUP_FLAGS = frozenset({"INSTALL_LOCK", "SETUP_DONE", "SKIP_INSTALL"})


def storage_reasons(ctx: AnalysisContext, svc: ServiceDraft) -> list[str]:
    """§6.7 persistent-storage signals for one service (recorded in the ledger)."""
    reasons: list[str] = []
    for row in ctx.ledger:
        if row.service == svc.name and row.decision == "storage":
            reasons.append(f"VOLUME {row.value}")
    if svc.notes.get("sqlite"):
        reasons.append(svc.notes["sqlite"])
    for read in svc.env:
        if _STORAGE_NAME.search(read.name):
            reasons.append(f"env {read.name}")
        if read.name in _SETUP_FLAGS:
            ctx.flag(
                svc.name,
                "setup_flag",
                f"{read.name} is an installer flag; it is never set automatically",
                read.evidence,
            )
    reasons = list(dict.fromkeys(reasons))
    if reasons:
        ctx.decide(
            svc.name,
            "storage_decision_required",
            "; ".join(reasons),
            Evidence(file=svc.join("."), note="§6.7"),
        )
    return reasons


def env_aliases(
    ctx: AnalysisContext, svc: ServiceDraft, analysis: ServiceAnalysis
) -> dict[str, str]:
    """Names the app reads for a provisioned dependency that it does not inject (§6.6).

    Returns:
        ``{name: "<engine>.<INJECTED>"}``, the reference each name takes.
    """
    refs: dict[str, str] = {}
    for var in analysis.runtime_vars + analysis.build_time_vars:
        target = reference(var.name, analysis.dependencies)
        if target is not None and var.name not in refs:
            refs[var.name] = target
            reads = [r.evidence for r in svc.env if r.name == var.name][:1]
            ctx.decide(svc.name, "env_alias", f"{var.name} <- {target}", *reads)
    return refs


def complexity(
    ctx: AnalysisContext, services: list[ServiceAnalysis], storage: bool, dockerfile: bool
) -> str:
    """The highest applicable §9.3 complexity class."""
    classes = {"framework"}
    if services and all(s.project_type == "static" for s in services):
        classes = {"static"}
    if dockerfile:
        classes.add("dockerfile")
    if any(s.dependencies for s in services):
        classes.add("stateful")
    if len(services) > 1:
        classes.add("multi_service")
    if storage:
        classes.add("storage_decision_required")
    if any(row.decision == "ignored_ports" for row in ctx.ledger):
        classes.add("multi_protocol")
    return max(classes, key=COMPLEXITY.index)
