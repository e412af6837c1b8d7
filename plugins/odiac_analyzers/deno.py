"""Deno analyzer (analysis-rules 3.10): Fresh, Hono, Oak."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.analysis.evidence import Evidence
from odiac.analysis.names import TOOL_FIELDS
from odiac.plugin import Analyzer, hookimpl

if TYPE_CHECKING:
    from collections.abc import Iterator

FRAMEWORKS = (("$fresh", "fresh"), ("fresh", "fresh"), ("hono", "hono"), ("oak", "oak"))


def _jsonc(text: str) -> dict[str, Any]:
    stripped = re.sub(r"(?m)^\s*//.*$|/\*.*?\*/", "", text, flags=re.S)
    stripped = re.sub(r",(\s*[}\]])", r"\1", stripped)
    try:
        data = json.loads(stripped)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def detect(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """Claim services with deno.json / deno.jsonc."""
    rel = next(
        (svc.join(n) for n in ("deno.json", "deno.jsonc") if ctx.index.exists(svc.join(n))), None
    )
    if rel is None:
        return False
    data = _jsonc(ctx.index.read(rel) or "")
    svc.set("language", "typescript", rank=Rank.MANIFEST, file=rel)
    for field in TOOL_FIELDS:
        svc.set(field, "deno", rank=Rank.MANIFEST, file=rel)
    lock = svc.join("deno.lock")
    if ctx.index.exists(lock):
        svc.set("lockfile", "deno.lock", rank=Rank.MANIFEST, file=lock)
        svc.set("dependency_resolution", "locked", rank=Rank.MANIFEST, file=lock)
    else:
        svc.set("dependency_resolution", "unlocked", rank=Rank.MANIFEST, file=rel)
    imports = json.dumps(data.get("imports") or {})
    import_map = data.get("importMap")
    if isinstance(import_map, str) and not import_map.startswith(("http:", "https:")):
        # An external import map (`"importMap": "./import_map.json"`) lists the imports instead.
        mapped = _jsonc(ctx.index.read(svc.join(import_map.removeprefix("./"))) or "")
        imports += json.dumps(mapped.get("imports") or {})
    for needle, framework in FRAMEWORKS:
        if (
            f'"{needle}' in imports
            or f"/{needle}@" in imports
            or f"jsr:@{needle}" in imports
            or f"@{needle}/" in imports
        ):
            svc.set("framework", framework, rank=Rank.MANIFEST, file=rel, note=f"import {needle}")
            break
    tasks = data.get("tasks") or {}
    main = next(
        (n for n in ("main.ts", "main.js", "mod.ts", "server.ts") if ctx.index.exists(svc.join(n))),
        None,
    )
    if isinstance(tasks.get("start"), str):
        svc.set(
            "scripts_start", "deno task start", rank=Rank.MANIFEST, file=rel, note=tasks["start"]
        )
    elif main:
        svc.set(
            "scripts_start",
            f"deno run --allow-net --allow-env --allow-read {main}",
            rank=Rank.DEFAULT,
            file=svc.join(main),
        )
    if main:
        svc.set("entry_point", main, rank=Rank.MANIFEST, file=svc.join(main))
        text = ctx.index.read(svc.join(main)) or ""
        port = re.search(r"port\s*:\s*(\d{2,5})", text)
        if port:
            svc.add_port(
                3,
                int(port[1]),
                file=svc.join(main),
                line=ctx.index.line_of(svc.join(main), port.start()),
                note="serve port",
            )
        if "Deno.serve" in text:
            svc.set_default_port(8000, file=svc.join(main), note="Deno.serve default")
        elif svc.get("framework") == "fresh" and re.search(r"\bstart\(", text):
            # Fresh's `start(manifest, …)` serves through Deno.serve: 8000 without a port option.
            svc.set_default_port(8000, file=svc.join(main), note="Fresh start() default")
    if not svc.get("scripts_start"):
        ctx.flag(svc.name, "no_entrypoint", "no start task or main module", Evidence(file=rel))
    return bool(svc.get("scripts_start"))


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(name="deno", priority=90, detect=detect, description="Deno apps (deno.json)")
