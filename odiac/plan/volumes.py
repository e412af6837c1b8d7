"""Volumes of one service: create, grow, restore, detach, and what each costs.

A volume is matched by name. Creating the first volume of a running service
converts its workload (about 30 s of downtime), so that action says so. A
volume never shrinks (a plan-time error) and is never detached implicitly: a
volume missing from the file is a manual item unless detaching was asked for.
Volume actions of one service run one after the other.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from odiac.config.rules import mount_path
from odiac.errors import PlanError
from odiac.plan.model import (
    CreateVolume,
    DetachVolume,
    FieldChange,
    Manual,
    ResizeVolume,
    RestoreVolume,
)
from odiac.quantity import QuantityError, memory_bytes

if TYPE_CHECKING:
    from odiac.plan.inputs import DesiredService, DesiredVolume, LiveService, LiveVolume
    from odiac.plan.model import Action

ORPHAN_DAYS = 7
CONVERSION_NOTE = "converts the running service to a stateful workload: about 30 s of downtime"


def plan_volumes(
    name: str,
    svc: DesiredService,
    live_svc: LiveService | None,
    after: list[str],
    *,
    allow_detach: bool,
    read_at: str | None,
) -> tuple[list[Action], list[Action]]:
    """The volume actions of one service and its manual volume items.

    Args:
        name: The service name.
        svc: Its desired state.
        live_svc: Its live state (None when it is created by this plan).
        after: Action ids the first volume action waits for (the service create/update).
        allow_detach: Volumes missing from the file are detached (else manual items).
        read_at: When the live state was read (the expiry of a detach counts from it).

    Raises:
        PlanError: A volume would shrink (the gateway cannot shrink one).
    """
    live = dict(live_svc.volumes) if live_svc is not None else {}
    running = live_svc is not None and live_svc.running_deployment is not None
    attached = any(v.status == "active" for v in live.values())
    actions: list[Action] = []
    manual: list[Action] = []
    chain = list(after)
    for key, want in sorted(svc.volumes.items()):
        have = live.get(key)
        action = _one(name, want, have, live_svc, chain, allow_detach, read_at, manual)
        if action is None:
            continue
        if isinstance(action, CreateVolume) and running and not attached:
            action = action.model_copy(update={"conversion": True})
            attached = True
        actions.append(action)
        chain = [action.id]
    for key, have in sorted(live.items()):
        if key in svc.volumes or have.status != "active":
            continue
        if allow_detach:
            action = _detach(name, have, chain, read_at)
            actions.append(action)
            chain = [action.id]
        else:
            manual.append(
                Manual(
                    id=f"manual.service.{name}.volume.{key}",
                    address=f"service.{name}",
                    impact="manual",
                    reason=f"volume {key} ({have.mount_path}, {have.size}) is not in"
                    " opendeploy.toml; odiac never detaches a volume by itself: declare it"
                    " again, or detach it with `odiac apply --allow-detach-volumes` or"
                    " `detach = true` on the volume (it stays restorable for 7 days)",
                )
            )
    return actions, manual


def _one(
    name: str,
    want: DesiredVolume,
    have: LiveVolume | None,
    live_svc: LiveService | None,
    chain: list[str],
    allow_detach: bool,
    read_at: str | None,
    manual: list[Action],
) -> Action | None:
    where = f"services.{name}.volumes.{want.name}"
    address = f"service.{name}"
    if want.detach:
        if have is None or have.status != "active":
            return None
        return _detach(name, have, chain, read_at)
    size, path = want.size or "", mount_path(want.mount_path or "/")
    if have is None:
        return CreateVolume(
            id=f"{address}.volume.{want.name}",
            address=address,
            depends_on=sorted(set(chain)),
            impact="create",
            changes=[
                FieldChange(path="mount_path", after=path, before_absent=True, impact="create"),
                FieldChange(path="size", after=size, before_absent=True, impact="create"),
            ],
            name=name,
            volume=want.name,
            mount_path=path,
            size=size,
            service_id=live_svc.id if live_svc is not None else None,
        )
    grow = _compare_size(where, have.size, size)
    if have.mount_path != path:
        manual.append(
            Manual(
                id=f"manual.{address}.volume.{want.name}.mount_path",
                address=address,
                impact="manual",
                changes=[
                    FieldChange(
                        path=f"volumes.{want.name}.mount_path",
                        before=have.mount_path,
                        after=path,
                        impact="manual",
                    )
                ],
                reason=f"volume {want.name} cannot move; declare a volume under a new name"
                " for the new mount path",
            )
        )
    if have.status == "orphaned":
        return RestoreVolume(
            id=f"{address}.volume.{want.name}",
            address=address,
            depends_on=sorted(set(chain)),
            changes=[
                FieldChange(path="status", before="orphaned", after="active"),
                *([_size_change(have.size, size)] if grow else []),
            ],
            name=name,
            volume=want.name,
            volume_id=have.id,
            size=size if grow else None,
        )
    if not grow:
        return None
    return ResizeVolume(
        id=f"{address}.volume.{want.name}",
        address=address,
        depends_on=sorted(set(chain)),
        changes=[_size_change(have.size, size)],
        name=name,
        volume=want.name,
        volume_id=have.id,
        size=size,
    )


def _size_change(before: str, after: str) -> FieldChange:
    return FieldChange(path="size", before=before, after=after, impact="in place")


def _compare_size(where: str, live: str, wanted: str) -> bool:
    """True when the volume grows; raises ``cannot_shrink`` when it would shrink."""
    try:
        have, want = memory_bytes(live), memory_bytes(wanted)
    except QuantityError:
        return live != wanted
    if want < have:
        raise PlanError(
            f"{where}.size: cannot_shrink: the volume is {live} and a volume never shrinks"
            f" (the file asks for {wanted})",
            hint=f'Set {where}.size to "{live}" or more.',
        )
    return want > have


def _detach(name: str, have: LiveVolume, chain: list[str], read_at: str | None) -> Action:
    until = expiry(read_at)
    return DetachVolume(
        id=f"service.{name}.volume.{have.name}",
        address=f"service.{name}",
        depends_on=sorted(set(chain)),
        changes=[FieldChange(path="status", before="active", after="orphaned")],
        name=name,
        volume=have.name,
        volume_id=have.id,
        restorable_until=until,
    )


def expiry(read_at: str | None) -> str | None:
    """The date an orphan made now expires (7 days later), ``YYYY-MM-DD``."""
    if not read_at:
        return None
    try:
        start = datetime.fromisoformat(read_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (start.astimezone(UTC) + timedelta(days=ORPHAN_DAYS)).strftime("%Y-%m-%d")
