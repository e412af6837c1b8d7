"""Procfile analyzer (analysis-rules 2.1 rule 2, analysis-rules 2.3)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.commands import apply_command
from odiac.analysis.context import EnvRead
from odiac.analysis.envrefs import SHELL
from odiac.analysis.evidence import Evidence
from odiac.analysis.ports import command_ports
from odiac.plugin import Analyzer, hookimpl

if TYPE_CHECKING:
    from collections.abc import Iterator

    from odiac.analysis.context import AnalysisContext, Role, ServiceDraft

WORKER_TYPES = frozenset({"worker", "queue", "jobs", "sidekiq", "celery", "rq", "consumer"})
CRON_TYPES = frozenset({"scheduler", "clock", "beat", "cron"})
_LINE = re.compile(r"^([A-Za-z0-9_-]+)\s*:\s*(.+)$")


def parse_procfile(text: str) -> list[tuple[str, str, int]]:
    """``(process type, command, line)`` for every ``name: command`` line."""
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match:
            entries.append((match[1], match[2].strip(), number))
    return entries


def role_of(kind: str, command: str) -> Role:
    """analysis-rules 2.3 process-type roles."""
    if kind == "web":
        return "web"
    if kind in CRON_TYPES:
        return "cron"
    if kind in WORKER_TYPES:
        return "worker"
    return "web" if any(p for p, _ in command_ports(command)) else "worker"


def layout(ctx: AnalysisContext) -> None:
    """Rule 2: one service per process type, unless compose decided the split."""
    rel = "Procfile"
    if ctx.layout_by or not ctx.index.exists(rel):
        return
    entries = parse_procfile(ctx.index.read(rel) or "")
    services = [(k, c, n) for k, c, n in entries if k != "release"]
    if not services:
        return
    ctx.layout_by = "procfile"
    for kind, command, number in services:
        svc = ctx.add_service(kind.lower().replace("_", "-"), ".")
        svc.set_role(role_of(kind, command), file=rel, line=number, note=f"Procfile {kind}")
        apply_command(ctx, svc, command, rel, number)
        _command_env(svc, command, rel, number)
        ctx.decide(svc.name, "source_root", ".", *svc.role_evidence)
    web = next((s for s in ctx.services if s.role == "web"), None)
    for kind, command, number in entries:
        if kind == "release" and web is not None:
            web.add_release(command, file=rel, line=number)


def _command_env(svc: ServiceDraft, command: str, rel: str, number: int) -> None:
    """analysis-rules 7.1 (shell): ``${NAME:-default}`` and ``$NAME`` in a process command.

    ``PORT`` and the other platform names are dropped later (analysis-rules 7.2).
    """
    seen: set[str] = set()
    for pattern in SHELL:
        for match in pattern.regex.finditer(command):
            name, fallback = match["name"], match.groupdict().get("fb")
            if name in seen:
                continue
            seen.add(name)
            svc.add_env(
                EnvRead(
                    name=name,
                    source="code",
                    evidence=Evidence(file=rel, line=number, note="read in a Procfile command"),
                    fallback=None if fallback is None else f'"{fallback}"',
                )
            )


def enrich(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """A Procfile inside a service root (compose build context, workspace app) supplies its start."""
    if ctx.layout_by == "procfile" or (svc.root == "" and ctx.layout_by != "compose"):
        return
    rel = svc.join("Procfile")
    if not ctx.index.exists(rel):
        return
    entries = {k: (c, n) for k, c, n in parse_procfile(ctx.index.read(rel) or "")}
    kind = "web" if svc.role in (None, "web") else "worker"
    if kind in entries:
        apply_command(ctx, svc, entries[kind][0], rel, entries[kind][1])
    if "release" in entries and kind == "web":
        svc.add_release(entries["release"][0], file=rel, line=entries["release"][1])


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="procfile",
        priority=20,
        layout=layout,
        enrich=enrich,
        description="Procfile process types (web, worker, release, ...)",
    )
