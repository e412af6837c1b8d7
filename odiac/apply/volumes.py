"""Apply steps for volumes: create, grow, restore, detach; each read back.

A volume is found by name before it is created, and again after an ambiguous
failure, so it is never created twice. While the gateway converts a service's
workload for its first volume, another volume create answers 409
``conversion_in_progress``: the step waits and tries again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac.apply.retry import create_once, mutate_once
from odiac.errors import ApplyError
from odiac.gateway.errors import GatewayHTTPError
from odiac.quantity import QuantityError, memory_bytes

if TYPE_CHECKING:
    from odiac.apply.runtime import Runtime
    from odiac.gateway.models import Volume
    from odiac.plan.model import CreateVolume, DetachVolume, ResizeVolume, RestoreVolume

#: How long a create waits for a running workload conversion to end.
CONVERSION_WAIT_S = 180.0
CONVERSION_POLL_S = 5.0


def _code(exc: GatewayHTTPError) -> str:
    return exc.code or exc.gateway_message or ""


async def _find(rt: Runtime, sid: str, name: str, status: str = "active") -> Volume | None:
    rows = await rt.client.list_volumes(sid)
    return next((v for v in rows if v.name == name and v.status == status), None)


def _same_size(a: str, b: str) -> bool:
    try:
        return memory_bytes(a) == memory_bytes(b)
    except QuantityError:
        return a == b


async def create_volume(rt: Runtime, action: CreateVolume) -> str:
    sid = action.service_id or rt.require_service(action.name)
    client = rt.client

    async def lookup() -> Volume | None:
        return await _find(rt, sid, action.volume)

    async def create() -> Volume:
        waited = 0.0
        while True:
            try:
                created = await client.create_volume(
                    sid, action.volume, action.mount_path, action.size
                )
            except GatewayHTTPError as exc:
                if _code(exc) != "conversion_in_progress" or waited >= CONVERSION_WAIT_S:
                    raise
                if await rt.timing.pause(CONVERSION_POLL_S):
                    raise ApplyError(f"stopped waiting to attach volume {action.volume}") from None
                waited += CONVERSION_POLL_S
                continue
            found = await lookup()
            if found is None or found.id != created.volume_id:
                raise ApplyError(
                    f"service {action.name}: read-back did not find volume {action.volume}"
                    f" ({created.volume_id})"
                )
            return found

    def duplicate(exc: GatewayHTTPError) -> bool:
        return _code(exc) == "duplicate_name"

    back, adopted = await create_once(create, lookup, adopt_on=duplicate)
    if back.mount_path != action.mount_path or not _same_size(back.size, action.size):
        raise ApplyError(
            f"service {action.name}: volume {action.volume} reads back as {back.mount_path},"
            f" {back.size}; planned {action.mount_path}, {action.size}"
        )
    verb = "adopted existing" if adopted else "created"
    note = " (workload converted)" if action.conversion and not adopted else ""
    return f"{verb} volume {back.id}{note}"


async def resize_volume(rt: Runtime, action: ResizeVolume) -> str:
    client = rt.client

    async def settled() -> Volume | None:
        rows = await client.list_volumes(rt.require_service(action.name))
        row = next((v for v in rows if v.id == action.volume_id), None)
        return row if row is not None and _same_size(row.size, action.size) else None

    await mutate_once(lambda: client.resize_volume(action.volume_id, action.size), settled)
    back = await settled()
    if back is None:
        raise ApplyError(f"volume {action.volume}: read-back does not show {action.size}")
    return f"grown to {back.size}"


async def restore_volume(rt: Runtime, action: RestoreVolume) -> str:
    client = rt.client
    sid = rt.require_service(action.name)

    async def settled() -> Volume | None:
        return await _find(rt, sid, action.volume)

    await mutate_once(lambda: client.restore_volume(action.volume_id), settled)
    back = await settled()
    if back is None or back.id != action.volume_id:
        raise ApplyError(f"volume {action.volume}: read-back does not show it active")
    if action.size and not _same_size(back.size, action.size):
        await resize_volume(rt, _as_resize(action))
        return f"restored {back.id}, grown to {action.size}"
    return f"restored {back.id}"


def _as_resize(action: RestoreVolume) -> ResizeVolume:
    from odiac.plan.model import ResizeVolume

    return ResizeVolume(
        id=action.id,
        address=action.address,
        name=action.name,
        volume=action.volume,
        volume_id=action.volume_id,
        size=action.size or "",
    )


async def detach_volume(rt: Runtime, action: DetachVolume) -> str:
    client = rt.client
    sid = rt.require_service(action.name)

    async def settled() -> Volume | None:
        return await _find(rt, sid, action.volume, status="orphaned")

    await mutate_once(lambda: client.detach_volume(action.volume_id), settled)
    back = await settled()
    if back is None:
        raise ApplyError(f"volume {action.volume}: read-back does not show it detached")
    until = (back.expires_at or "")[:10] or "in 7 days"
    return f"detached {back.id}; restorable until {until}"
