"""Start-command facts shared by descriptors (Procfile lines, compose ``command:``)."""

from __future__ import annotations

import re

from odiac.analysis.context import RANK_DESCRIPTOR, AnalysisContext, ServiceDraft
from odiac.analysis.ports import command_ports

MIGRATION = re.compile(
    r"(python\s+manage\.py\s+migrate[^;&]*|alembic\s+upgrade\s+head|flask\s+db\s+upgrade"
    r"|(?:bundle\s+exec\s+)?(?:bin/)?rails\s+db:(?:migrate|prepare)|(?:bundle\s+exec\s+)?rake\s+db:migrate"
    r"|php\s+artisan\s+migrate(?:\s+--force)?|(?:npx\s+)?prisma\s+migrate\s+deploy|mix\s+ecto\.migrate)"
)


def apply_command(
    ctx: AnalysisContext, svc: ServiceDraft, command: str, rel: str, line: int
) -> None:
    """A start command's facts: start, listener ports, embedded migrations (§2.3, §4.3)."""
    svc.set("scripts_start", command, rank=RANK_DESCRIPTOR, file=rel, line=line, note="Procfile")
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
