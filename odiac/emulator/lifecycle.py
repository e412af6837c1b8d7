"""Time-driven transitions, applied lazily before each request.

Nothing runs in the background: every request first brings the store up to
the current virtual time (finished deployments, auto domains, garbage
collection, expired uploads), in the order the events happened.
"""

from __future__ import annotations

import secrets
import shutil
import string
from typing import TYPE_CHECKING

from odiac.emulator import sources, timeline
from odiac.emulator.fixtures import APP_SUFFIX, GC_HORIZON_S, RESERVED_LABELS
from odiac.emulator.tokens import new_id

if TYPE_CHECKING:
    from odiac.emulator.store import Doc, Store
    from odiac.emulator.world import World


def tick(world: World) -> float:
    """Apply every transition due at the current virtual time; return that time."""
    now = world.now()
    store = world.store
    with store.transaction():
        _settle_sources(world, now)
        _finish_deployments(store, now, float(world.settings["auto_domain_delay_s"]))
        _write_auto_domains(store, now)
        _collect_idle_projects(world, now)
        _expire_uploads(world, now)
    return now


def _settle_sources(world: World, now: float) -> None:
    for project in world.store.find("project", source_status="extracting"):
        if project.get("pending_source") and sources.finish_pending(world, project, now):
            world.store.put("project", project)


def _finish_deployments(store: Store, now: float, delay: float) -> None:
    due: list[tuple[float, Doc]] = []
    for dep in store.find("deployment", finished=False):
        end = dep["created_at"] + timeline.end_offset(dep["plan"])
        if end <= now:
            due.append((end, dep))
    for end, dep in sorted(due, key=lambda item: (item[0], item[1]["id"])):
        _finish(store, dep, end, delay)


def _finish(store: Store, dep: Doc, at: float, delay: float) -> None:
    status = timeline.final_status(dep["plan"])
    dep.update(finished=True, status=status, completed_at=at, updated_at=at)
    dep["progress"] = (
        100
        if status == "success"
        else timeline.frozen_progress(dep["plan"], at - dep["created_at"])
    )
    if status == "failed":
        dep["error_msg"], dep["message"] = timeline.error_texts(dep["plan"])
    else:
        dep["message"] = "Deployment completed successfully"
    store.put("deployment", dep)
    if status != "success":
        return
    service = store.get("service", dep["service_id"])
    if service is None:
        return
    live = service.get("live_deployments", {})
    previous = live.get(dep["environment"])
    if dep.get("is_rollback") and previous and previous != dep["id"]:
        old = store.get("deployment", previous)
        if old is not None and old.get("status") == "success":
            old.update(status="rolled_back", updated_at=at)
            store.put("deployment", old)
    live[dep["environment"]] = dep["id"]
    service["live_deployments"] = live
    service["status"] = "running"
    service["updated_at"] = at
    pending = service.setdefault("auto_domain_due", {})
    done = service.setdefault("auto_domain_done", [])
    if dep["environment"] not in done and dep["environment"] not in pending:
        pending[dep["environment"]] = at + delay
        service["domain_pending"] = True
    store.put("service", service)


def _write_auto_domains(store: Store, now: float) -> None:
    for service in store.find("service", domain_pending=True):
        pending: dict[str, float] = service.get("auto_domain_due") or {}
        ready = {env: due for env, due in pending.items() if due <= now}
        if not ready:
            continue
        for env, due in sorted(ready.items()):
            label = _fresh_label(store)
            store.put(
                "domain",
                {
                    "id": new_id(),
                    "service_id": service["id"],
                    "project_id": service["project_id"],
                    "domain": f"{label}.{APP_SUFFIX}",
                    "label": label,
                    "environment": env,
                    "type": "auto",
                    "status": "active",
                    "ssl_enabled": True,
                    "is_primary": True,
                    "created_at": due,
                    "updated_at": due,
                },
            )
            del pending[env]
            service["auto_domain_done"].append(env)
        service["domain_pending"] = bool(pending)
        store.put("service", service)


def _fresh_label(store: Store) -> str:
    alphabet = string.ascii_lowercase + string.digits
    while True:
        label = secrets.choice(string.ascii_lowercase) + "".join(
            secrets.choice(alphabet) for _ in range(7)
        )
        if label not in RESERVED_LABELS and not store.find("domain", label=label):
            return label


def _collect_idle_projects(world: World, now: float) -> None:
    for project in world.store.find("project", user_id=None):
        if project["last_activity_at"] + GC_HORIZON_S <= now:
            delete_project(world, project["id"])


def _expire_uploads(world: World, now: float) -> None:
    ttl = float(world.settings["temp_file_ttl_s"])
    for upload in world.store.find("upload"):
        if upload["created_at"] + ttl <= now:
            world.store.delete("upload", upload["id"])
            shutil.rmtree(world.data_dir / "uploads" / upload["dir"], ignore_errors=True)


def delete_project(world: World, pid: str) -> None:
    """Remove a project and everything under it; frees its labels and agent slot."""
    store = world.store
    for kind in ("service", "deployment", "dependency", "domain", "volume", "mpupload"):
        for row in store.find(kind, project_id=pid):
            store.delete(kind, row["id"])
    store.delete("project", pid)
    shutil.rmtree(world.data_dir / "projects" / pid, ignore_errors=True)
