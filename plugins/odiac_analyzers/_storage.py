"""SQLite database files: data the app writes next to itself (analysis-rules §6.3, §6.7).

A container's filesystem is thrown away on every deploy, so an SQLite file needs a
volume. The path is read from settings and code (an SQLAlchemy ``sqlite:///`` URL,
Django's ``NAME`` of a ``sqlite3`` engine, ``sqlite3.connect("app.db")``, a Laravel
``DB_DATABASE``); it only becomes a commented suggestion in ``odiac init``.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from odiac.analysis.comments import code_of
from odiac.analysis.envrefs import scannable
from odiac.analysis.evidence import Evidence
from odiac.plugin import Analyzer

if TYPE_CHECKING:
    from odiac.analysis.context import AnalysisContext, ServiceDraft

_URL = re.compile(r"""sqlite(?:\+\w+)?:///(?P<path>[^"'`\s?]+)""")
_FILE = re.compile(r"""["'`](?P<path>[^"'`\s:]*\.(?:sqlite3?|db))["'`]""")


def enrich(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """Record the first SQLite database path of the service's source."""
    if svc.role in ("static", "cron"):
        return
    for rel in scannable(ctx.index, svc.root):
        text = code_of(ctx.index, rel)
        if "sqlite" not in text.lower():
            continue
        match = _URL.search(text) or _FILE.search(text)
        if match is None:
            continue
        path = match["path"]
        line = ctx.index.line_of(rel, match.start())
        mount = posixpath.dirname(path) if path.startswith("/") else ""
        if mount in ("", "/"):
            mount = ""
        note = f"SQLite database {path}"
        svc.data_dirs.append(("data", mount, Evidence(file=rel, line=line, note=note)))
        svc.notes.setdefault("sqlite", note)
        return


def analyzer() -> Analyzer:
    """The storage analyzer (registered by the env analyzer's entry point)."""
    return Analyzer(
        name="storage",
        priority=950,
        enrich=enrich,
        description="SQLite database files that need a volume",
    )
