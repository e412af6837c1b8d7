"""Elixir analyzer (analysis-rules 3.9, analysis-rules 13): Phoenix releases."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.analysis.databases import DRIVERS
from odiac.analysis.evidence import Evidence
from odiac.analysis.names import TOOL_FIELDS
from odiac.plugin import Analyzer, hookimpl

if TYPE_CHECKING:
    from collections.abc import Iterator

_DEP = re.compile(r"\{\s*:(\w+)\s*,")


def detect(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """Claim services with mix.exs."""
    rel = svc.join("mix.exs")
    text = ctx.index.read(rel)
    if text is None:
        return False
    deps = {m[1]: ctx.index.line_of(rel, m.start()) for m in _DEP.finditer(text)}
    app = re.search(r"app:\s*:(\w+)", text)
    app_name = app[1] if app else ""
    svc.set("language", "elixir", rank=Rank.MANIFEST, file=rel)
    for field in TOOL_FIELDS:
        svc.set(field, "mix", rank=Rank.MANIFEST, file=rel)
    version = re.search(r"elixir:\s*\"([^\"]+)\"", text)
    if version:
        svc.set("language_version", version[1], rank=Rank.MANIFEST, file=rel)
    lock = svc.join("mix.lock")
    if ctx.index.exists(lock):
        svc.set("lockfile", "mix.lock", rank=Rank.MANIFEST, file=lock)
        svc.set("dependency_resolution", "locked", rank=Rank.MANIFEST, file=lock)
    else:
        svc.set("dependency_resolution", "unlocked", rank=Rank.MANIFEST, file=rel)
        ctx.flag(svc.name, "missing_lockfile", "mix.lock is missing", Evidence(file=rel))
    for dep, engine in DRIVERS["elixir"].items():
        if dep in deps:
            svc.add_db(engine, strong=True, file=rel, line=deps[dep], note=f"dep :{dep}")
    if "phoenix" not in deps:
        return bool(svc.get("scripts_start"))
    svc.set(
        "framework",
        "phoenix",
        rank=Rank.MANIFEST,
        file=rel,
        line=deps["phoenix"],
        note="dep :phoenix",
    )
    build = "mix deps.get --only prod && MIX_ENV=prod mix compile"
    if "assets.deploy" in text:
        build += " && MIX_ENV=prod mix assets.deploy"
    svc.set("scripts_build", build + " && MIX_ENV=prod mix release", rank=Rank.DEFAULT, file=rel)
    if app_name:
        svc.set(
            "scripts_start",
            f"PHX_SERVER=true _build/prod/rel/{app_name}/bin/{app_name} start",
            rank=Rank.DEFAULT,
            file=rel,
        )
        svc.set("output_directory", f"_build/prod/rel/{app_name}", rank=Rank.DEFAULT, file=rel)
        svc.set("entry_point", app_name, rank=Rank.MANIFEST, file=rel)
    svc.set_default_port(4000, file=rel, note="Phoenix default")
    runtime = svc.join("config/runtime.exs")
    hit = ctx.index.find_line(
        runtime,
        r"String\.to_integer\(\s*System\.get_env\(\s*\"PORT\"\s*\)?\s*\|\|\s*\"(\d+)\"|System\.get_env\(\s*\"PORT\"\s*,\s*\"(\d+)\"\)",
    )
    if hit:
        svc.add_port(
            3,
            int(hit[1][1] or hit[1][2]),
            file=runtime,
            line=hit[0],
            note="PORT fallback",
            honours_port=True,
        )
    if "ecto_sql" in deps:
        svc.add_release(
            f'bin/{app_name} eval "{app_name.title().replace("_", "")}.Release.migrate"'
            if app_name
            else "mix ecto.migrate",
            file=rel,
        )
    return True


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="elixir", priority=60, detect=detect, description="Elixir apps (mix.exs): Phoenix"
    )
