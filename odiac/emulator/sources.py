"""Binding an uploaded archive (or Git checkout) to a project (gateway-api 3.7.2, 4.3).

Each binding extracts into a fresh directory; the source it supersedes (and its
stored archive) is removed as soon as the new one is bound, so rebinding never
accumulates copies. An account's sources and parked uploads together stay under
``account_disk_max_bytes``.
"""

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

    from odiac.emulator.store import Doc, Store
    from odiac.emulator.world import World

EXTRACTION_DELAY_S = 2.0  # newer profile: how long "extracting" lasts


def limits(world: World, room: int | None = None) -> Limits:
    """Extraction limits from the settings, the total capped at ``room`` bytes."""
    s = world.settings
    total = int(s["archive_max_bytes"])
    return Limits(
        total if room is None else max(0, min(total, room)),
        float(s["archive_max_ratio"]),
        int(s["archive_max_entries"]),
    )


def account_usage(store: Store, identities: list[str], projects: list[Doc], skip: str = "") -> int:
    """Bytes held for one account: parked uploads it owns plus its projects' sources.

    ``skip`` names a project whose bound source is left out (it is about to be
    superseded).
    """
    wanted = set(identities)
    used = sum(
        int(u.get("size") or 0) for u in store.find("upload") if wanted & set(u.get("owners", []))
    )
    for project in projects:
        if project["id"] != skip:
            used += int(project.get("source_bytes") or 0)
        pending = project.get("pending_source") or {}
        used += int((pending.get("fields") or {}).get("source_bytes") or 0)
        for upload in store.find("mpupload", project_id=project["id"], status="open"):
            used += int(upload.get("total_size") or 0)  # multipart parts in flight
    return used


def source_dir(world: World, project: Doc) -> Path | None:
    """Real directory of the project's bound source, or None for a Git checkout/no source."""
    rel = project.get("source_dir")
    if not rel or project.get("source_kind") == "git":
        return None
    return world.data_dir / "projects" / str(project["id"]) / str(rel)


def materialise(
    world: World, project: Doc, upload: Doc, injected_failure: bool, room: int | None = None
) -> dict[str, Any]:
    """Copy and extract an upload into a new project source directory.

    Returns the fields to merge into the project. Raises a 400 for a bad archive
    or one that does not fit in ``room`` bytes (nothing is kept in that case).
    Blocking: callers run it in a worker thread.
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
            "original_file_path": "", "original_file_size": 0, "source_bytes": 0,
        }  # fmt: skip
    archive = world.data_dir / "uploads" / upload["dir"] / upload["filename"]
    stored = base / f"{key}.zip"
    try:
        if injected_failure:
            raise ArchiveError("injected extraction failure")
        packed = archive.stat().st_size
        if room is not None and packed > room:
            raise ArchiveError(_over_budget(world))
        shutil.copyfile(archive, stored)
        lim = limits(world, None if room is None else room - packed)
        try:
            written = extract(stored, target, lim)
        except ArchiveError as exc:
            capped = lim.max_bytes < int(world.settings["archive_max_bytes"])
            if capped and str(exc).startswith("archive expands beyond"):
                raise ArchiveError(_over_budget(world)) from None
            raise
    except (ArchiveError, OSError) as exc:
        stored.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            base.rmdir()  # only succeeds when the project has no other source
        reason = str(exc) if isinstance(exc, ArchiveError) else "uploaded file is unreadable"
        raise bad_request(f"failed to extract archive: {reason}") from None
    return {
        "source_dir": key, "source_kind": "zip", "source_public": public,
        "original_file_path": f"{PROJECT_ROOT}/{project['id']}/{key}.zip",
        "original_file_size": packed, "source_bytes": packed + written,
    }  # fmt: skip


def _over_budget(world: World) -> str:
    limit = int(world.settings["account_disk_max_bytes"])
    return f"the account's disk budget of {limit} bytes would be exceeded"


def discard(world: World, project_id: str, fields: dict[str, Any] | None) -> None:
    """Remove a source directory (and its stored archive) that is no longer bound."""
    key = (fields or {}).get("source_dir")
    if not key:
        return
    base = world.data_dir / "projects" / project_id
    shutil.rmtree(base / str(key), ignore_errors=True)
    (base / f"{key}.zip").unlink(missing_ok=True)


def apply_bound(world: World, project: Doc, fields: dict[str, Any], now: float) -> None:
    """Make ``fields`` (from :func:`materialise`) the project's bound source.

    The source it replaces is removed from disk.
    """
    old = project.get("source_dir")
    project.update(
        source_path=fields["source_public"],
        source_dir=fields["source_dir"],
        source_kind=fields["source_kind"],
        source_status="ready",
        extraction_error="",
        original_file_path=fields["original_file_path"],
        original_file_size=fields["original_file_size"],
        source_bytes=int(fields.get("source_bytes") or 0),
        updated_at=now,
    )
    project.pop("pending_source", None)
    if old and old != fields["source_dir"]:
        discard(world, project["id"], {"source_dir": old})


def replace_pending(world: World, project: Doc, pending: dict[str, Any] | None) -> None:
    """Newer profile: queue ``pending`` (or nothing), dropping an unsettled earlier one."""
    earlier = project.pop("pending_source", None) or {}
    discard(world, project["id"], earlier.get("fields"))
    if pending is not None:
        project["pending_source"] = pending


def finish_pending(world: World, project: Doc, now: float) -> bool:
    """Newer profile: settle an ``extracting`` source whose time has come."""
    pending = project.get("pending_source")
    if not pending or pending["ready_at"] > now:
        return False
    if pending.get("error"):
        project.update(source_status="failed", extraction_error=pending["error"], updated_at=now)
        project.pop("pending_source", None)
    else:
        apply_bound(world, project, pending["fields"], pending["ready_at"])
    return True
