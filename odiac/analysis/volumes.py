"""Volume suggestions for writable data directories (analysis-rules §6.7).

A compose named volume on an app service, a Dockerfile ``VOLUME`` or an SQLite
database file shows that the app keeps data on disk, which a redeploy would
lose. ``odiac init`` writes each as a commented suggestion with its evidence;
declaring a volume changes how the service runs, so it is never automatic.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from odiac.analysis.result import VolumeSuggestion

if TYPE_CHECKING:
    from odiac.analysis.context import AnalysisContext, ServiceDraft

DEFAULT_MOUNT = "/data"
_SQL_ENGINES = frozenset({"postgres", "mysql", "mongodb", "clickhouse"})


def volume_name(text: str, used: set[str]) -> str:
    """An RFC 1123 label of at most 32 characters, unique among ``used``."""
    label = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:32].strip("-") or "data"
    name, n = label, 2
    while name in used:
        suffix = f"-{n}"
        name, n = label[: 32 - len(suffix)].strip("-") + suffix, n + 1
    return name


def suggestions(
    ctx: AnalysisContext, svc: ServiceDraft, role: str, engines: set[str]
) -> list[VolumeSuggestion]:
    """One suggestion per distinct mount path; compose beats VOLUME beats SQLite."""
    if role == "static":
        return []
    found: list[VolumeSuggestion] = []
    used: set[str] = set()
    paths: set[str] = set()
    for name, mount, ev in svc.data_dirs:
        sqlite = ev.note.startswith("SQLite")
        if sqlite and engines & _SQL_ENGINES:
            continue  # a server database is provisioned; the SQLite file is a fallback
        path = posixpath.normpath(mount) if mount else DEFAULT_MOUNT
        if path in paths or path == "/" or not path.startswith("/"):
            continue
        paths.add(path)
        label = volume_name(name or posixpath.basename(path) or "data", used)
        used.add(label)
        evidence = str(ev)
        if sqlite and not mount:
            evidence += f"; keep the database file under {DEFAULT_MOUNT}"
        found.append(VolumeSuggestion(name=label, mount_path=path, evidence=evidence))
        ctx.decide(svc.name, "volume_suggestion", f"{label} at {path}", ev)
    return found
