"""Start-command facts shared by descriptors (Procfile lines, compose ``command:``)."""

from __future__ import annotations

import re

from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.analysis.evidence import Evidence
from odiac.analysis.glue import strip_glue
from odiac.analysis.ports import command_ports

MIGRATION = re.compile(
    r"(python\s+manage\.py\s+migrate[^;&]*|alembic\s+upgrade\s+head|flask\s+db\s+upgrade"
    r"|(?:bundle\s+exec\s+)?(?:bin/)?rails\s+db:(?:migrate|prepare)|(?:bundle\s+exec\s+)?rake\s+db:migrate"
    r"|php\s+artisan\s+migrate(?:\s+--force)?|(?:npx\s+)?prisma\s+migrate\s+deploy|mix\s+ecto\.migrate)"
)


# analysis-rules 3.2 / analysis-rules 5: development servers are never production starts.
DEV_START = re.compile(
    r"(\bnext\s+dev\b|^vite$|\bvite(\s+dev)?(\s|$)(?!build)|\bastro\s+dev\b|\bnuxi?\s+dev\b"
    r"|\bnest\s+start\b(?!.*--prod)|\bnodemon\b|\bts-node-dev\b|\btsx\s+watch\b"
    r"|\breact-scripts\s+start\b|\bng\s+serve\b|\bexpo\s+start\b|\bwebpack\s+serve\b"
    r"|\bremix\s+dev\b|\bvite\s+preview\b|--watch\b|\brunserver\b|\bflask\s+run\b.*--debug"
    r"|\bfastapi\s+dev\b|--reload\b)"
)


def is_dev_start(command: str) -> bool:
    """Whether a command starts a development server (analysis-rules 3.2, analysis-rules 5)."""
    return bool(DEV_START.search(command.strip()))


def apply_command(
    ctx: AnalysisContext, svc: ServiceDraft, command: str, rel: str, line: int
) -> None:
    """A start command's facts: start, listener ports, embedded migrations (analysis-rules 2.3, analysis-rules 4.3).

    A development-server command (analysis-rules 5) is reported and never becomes the start.
    """
    command, glue = strip_glue(command)
    if glue:
        ctx.flag(
            svc.name,
            "start_glue",
            f"the start command waits for local containers ({'; '.join(glue)}); "
            "not copied into the start command",
            Evidence(file=rel, line=line),
            key=f"services.{svc.name}.start_command",
        )
        if not command:
            return
    if is_dev_start(command):
        ctx.flag(
            svc.name,
            "dev_server_start",
            f"{command!r} runs a development server; not used as the production start",
            Evidence(file=rel, line=line),
        )
        return
    svc.set("scripts_start", command, rank=Rank.DESCRIPTOR, file=rel, line=line, note="Procfile")
    for port, honours in command_ports(command):
        if port is not None:
            svc.add_port(
                3, port, file=rel, line=line, note="start command flag", honours_port=honours
            )
        elif honours:
            svc.honours_port = True
    migration = MIGRATION.search(command)
    if migration and re.search(r"[;&]", command):
        svc.add_release(migration[1].strip(), file=rel, line=line)
