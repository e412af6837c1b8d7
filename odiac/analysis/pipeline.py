"""Runs analyzers over a tree in three phases and merges their facts.

1. layout: analyzers propose services (analysis-rules 2.1: compose, Procfile, workspaces);
   nothing proposed → one service named after the project (rule 4).
2. detect: per service, the first analyzer (by priority, then name) that
   claims the runtime wins (analysis-rules 3.1 order).
3. enrich: every analyzer may add facts (Dockerfile mode, env names, databases).

Facts carry ranks (see :mod:`odiac.analysis.context`), so the merge is
independent of the order analyzers ran in; the port ladder, env requirements
and the database decision are then settled once in :mod:`odiac.analysis.finalize`.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from odiac.analysis.context import AnalysisContext
from odiac.analysis.evidence import Refusal
from odiac.analysis.finalize import finalize_service
from odiac.analysis.planmeta import complexity
from odiac.analysis.refusal import scan_for_mining
from odiac.analysis.result import ExternalService, ProjectAnalysisResult
from odiac.analysis.source_index import SourceIndex
from odiac.errors import PluginError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from odiac.plugin.types import Analyzer


def dns_label(text: str, fallback: str = "app") -> str:
    """Lowercase DNS label (analysis-rules 2.5): scopes stripped, other characters become ``-``."""
    text = text.rsplit("/", 1)[-1] if text.startswith("@") else text
    label = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    label = re.sub(r"-{2,}", "-", label)[:63].strip("-")
    return label or fallback


def run_analysis(root: Path, analyzers: list[Analyzer]) -> ProjectAnalysisResult:
    """Analyse the tree at ``root`` with ``analyzers`` (already ordered)."""
    started = time.perf_counter()
    index = SourceIndex(root)
    ctx = AnalysisContext(index, dns_label(index.root.name))
    mining = scan_for_mining(index)
    refusal = mining.refusal()
    if refusal is not None:
        return ProjectAnalysisResult(
            project_name=ctx.project_name,
            refusal=refusal,
            files_walked=len(index.files),
            files_read=index.reads,
        )
    for path in mining.near_misses:
        ctx.flag(
            "", "mining_near_miss", f"{path} contains a word close to a miner name", blocking=False
        )

    for analyzer in analyzers:
        if analyzer.layout is not None:
            _call(analyzer, "layout", analyzer.layout, ctx)
    if not ctx.services:
        svc = ctx.add_service(ctx.project_name, ".")
        ctx.decide(svc.name, "source_root", ".")
    for svc in list(ctx.services):
        for analyzer in analyzers:
            if analyzer.detect is not None and _call(analyzer, "detect", analyzer.detect, ctx, svc):
                svc.runtime = analyzer.name
                break
    for svc in list(ctx.services):
        for analyzer in analyzers:
            if analyzer.enrich is not None:
                _call(analyzer, "enrich", analyzer.enrich, ctx, svc)

    refusal = _no_entrypoint(ctx)
    if refusal is not None:
        return ProjectAnalysisResult(
            project_name=ctx.project_name,
            refusal=refusal,
            ledger=ctx.ledger,
            review=ctx.review,
            files_walked=len(index.files),
            files_read=index.reads,
        )
    services = []
    extras = {}
    for svc in ctx.services:
        analysis, extra = finalize_service(ctx, svc)
        services.append(analysis)
        extras[analysis.name] = extra
    webs = [s.name for s in services if s.project_type == "web"]
    if len(webs) > 1:
        ctx.flag(
            "",
            "several_web_services",
            "several web services: only one gets the public domain by default ("
            + ", ".join(webs)
            + "); choose, or route the others",
        )
    level = complexity(
        ctx,
        services,
        storage=any(e.storage for e in extras.values()),
        dockerfile=any(e.deploy_mode == "dockerfile" for e in extras.values()),
    )
    ctx.decide("", "complexity", level)
    ctx.decide("", "wall_time_ms", str(round((time.perf_counter() - started) * 1000)))
    return ProjectAnalysisResult(
        project_name=ctx.project_name,
        services=services,
        extras=extras,
        ledger=ctx.ledger,
        review=ctx.review,
        complexity=level,
        external=[
            ExternalService(name=n, image=i, kind=k, evidence=e) for n, i, k, e in ctx.external
        ],
        files_walked=len(index.files),
        files_read=index.reads,
    )


MANIFESTS = (
    "package.json", "pyproject.toml", "requirements.txt", "Pipfile", "setup.py", "setup.cfg",
    "Gemfile", "composer.json", "go.mod", "Cargo.toml", "pom.xml", "build.gradle",
    "build.gradle.kts", "mix.exs", "deno.json", "deno.jsonc",
)  # fmt: skip


def _no_entrypoint(ctx: AnalysisContext) -> Refusal | None:
    """analysis-rules 11: a web service with no runnable entrypoint stops the analysis."""
    for svc in ctx.services:
        if (
            svc.role not in (None, "web")
            or svc.runtime
            or svc.dockerfile
            or svc.get("scripts_start")
        ):
            continue
        evidence = tuple(svc.join(m) for m in MANIFESTS if ctx.index.exists(svc.join(m)))
        where = f" ({', '.join(evidence)})" if evidence else ""
        return Refusal(
            reason=f"Refusing to deploy: no runnable entrypoint for service {svc.name}{where}.",
            evidence=evidence,
        )
    return None


def _call(analyzer: Analyzer, phase: str, fn: Callable[..., object], *args: object) -> bool:
    try:
        return bool(fn(*args))
    except PluginError:
        raise
    except Exception as exc:
        raise PluginError(
            f"analyzer {analyzer.name!r} failed in its {phase} phase: {type(exc).__name__}: {exc}"
        ) from exc
