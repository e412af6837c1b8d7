"""Binding an uploaded archive (or Git checkout) to a project (contract 3.7.2, 4.3)."""

from __future__ import annotations

import contextlib
import shutil
from typing import TYPE_CHECKING, Any

from odiac.emulator.archive import ArchiveError, Limits, extract
from odiac.emulator.errors import bad_request
from odiac.emulator.fixtures import PROJECT_ROOT
from odiac.emulator.tokens import new_id

if TYPE_CHECKING:
    from pathlib import Path

    from odiac.emulator.store import Doc
    from odiac.emulator.world import World

EXTRACTION_DELAY_S = 2.0  # newer profile: how long "extracting" lasts


def limits(world: World) -> Limits:
    """Extraction limits from the settings."""
    s = world.settings
    return Limits(
        int(s["archive_max_bytes"]), float(s["archive_max_ratio"]), int(s["archive_max_entries"])
    )


def source_dir(world: World, project: Doc) -> Path | None:
    """Real directory of the project's bound source, or None for a Git checkout/no source."""
    rel = project.get("source_dir")
    if not rel or project.get("source_kind") == "git":
        return None
    return world.data_dir / "projects" / str(project["id"]) / str(rel)


def materialise(world: World, project: Doc, upload: Doc, injected_failure: bool) -> dict[str, Any]:
    """Copy and extract an upload into a new project source directory.

    Returns the fields to merge into the project. Raises a 400 for a bad archive
    (nothing is written in that case).
    """
    key = new_id()
    base = world.data_dir / "projects" / project["id"]
    base.mkdir(parents=True, exist_ok=True)
    target = base / key
    public = f"{PROJECT_ROOT}/{project['id']}/{key}"
    if upload.get("is_git"):
        target.mkdir()
        (target / ".checkout").write_text(
            f"{upload['git_url']}#{upload['branch']}\n", encoding="utf-8"
        )
        return {
            "source_dir": key, "source_kind": "git", "source_public": public,
            "original_file_path": "", "original_file_size": 0,
        }  # fmt: skip
    archive = world.data_dir / "uploads" / upload["dir"] / upload["filename"]
    stored = base / f"{key}.zip"
    try:
        if injected_failure:
            raise ArchiveError("injected extraction failure")
        shutil.copyfile(archive, stored)
        extract(stored, target, limits(world))
    except (ArchiveError, OSError) as exc:
        stored.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            base.rmdir()  # only succeeds when the project has no other source
        reason = str(exc) if isinstance(exc, ArchiveError) else "uploaded file is unreadable"
        raise bad_request(f"failed to extract archive: {reason}") from None
    return {
        "source_dir": key, "source_kind": "zip", "source_public": public,
        "original_file_path": f"{PROJECT_ROOT}/{project['id']}/{key}.zip",
        "original_file_size": stored.stat().st_size,
    }  # fmt: skip


def apply_bound(project: Doc, fields: dict[str, Any], now: float) -> None:
    """Make ``fields`` (from :func:`materialise`) the project's bound source."""
    project.update(
        source_path=fields["source_public"],
        source_dir=fields["source_dir"],
        source_kind=fields["source_kind"],
        source_status="ready",
        extraction_error="",
        original_file_path=fields["original_file_path"],
        original_file_size=fields["original_file_size"],
        updated_at=now,
    )
    project.pop("pending_source", None)


def finish_pending(project: Doc, now: float) -> bool:
    """Newer profile: settle an ``extracting`` source whose time has come."""
    pending = project.get("pending_source")
    if not pending or pending["ready_at"] > now:
        return False
    if pending.get("error"):
        project.update(source_status="failed", extraction_error=pending["error"], updated_at=now)
        project.pop("pending_source", None)
    else:
        apply_bound(project, pending["fields"], pending["ready_at"])
    return True
