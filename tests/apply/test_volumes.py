"""Volumes end to end: plan, apply and refresh against the emulator (virtual time)."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from apply.harness import VirtualTime, apply_config, plan_for, running_emulator, write_app
from odiac.errors import PlanError
from odiac.ops.status import gather_status, render_status
from odiac.plan.render_text import render_text

BASE = """
    version = 1
    [gateway]
    url = "local"
    [project]
    name = "vault"
    [services.web]
    type = "web"
    port = 8000
    cpu = "1"
    memory = "1Gi"
"""
DATA = """
    [services.web.volumes.data]
    mount_path = "/data"
    size = "{size}"
"""
CACHE = """
    [services.web.volumes.cache]
    mount_path = "/cache"
    size = "1Gi"
"""


def _config(*parts: str, size: str = "5Gi") -> str:
    return BASE + "".join(p.format(size=size) for p in parts)


def _write(tmp_path: Path, text: str) -> Path:
    return write_app(tmp_path / "app", text)


def _volumes(plan_text: str) -> list[str]:
    return [line.strip() for line in plan_text.splitlines() if "volume " in line]


def test_volume_on_a_new_service_is_created_before_the_first_deploy(tmp_path: Path) -> None:
    config = _write(tmp_path, _config(DATA))

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            planned, result = await apply_config(client, config, tmp_path / "s1", VirtualTime(emu))
            plan = planned.plan
            create = plan.action("service.web.volume.data")
            assert create.kind == "create_volume"
            assert not create.conversion  # nothing runs yet: no conversion
            assert "service.web.volume.data" in plan.action("service.web.deploy").depends_on
            text = render_text(plan)
            assert "+ volume data of web: /data, 5Gi" in text
            assert "conversion" not in text
            assert result.ok, [r.detail for r in result.results]
            sid = result.services[0].service_id
            rows = await client.list_volumes(sid)
            assert [(v.name, v.mount_path, v.size, v.status) for v in rows] == [
                ("data", "/data", "5Gi", "active")
            ]
            again = await plan_for(client, config, tmp_path / "s2")
            assert again.plan.actions == []

    asyncio.run(scenario())


def test_first_volume_on_a_running_service_is_flagged_as_a_conversion(tmp_path: Path) -> None:
    config = _write(tmp_path, _config())

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            timing = VirtualTime(emu)
            _, first = await apply_config(client, config, tmp_path / "s1", timing)
            assert first.ok
            config.write_text(config.read_text() + _config(DATA, CACHE)[len(BASE) :])
            planned, result = await apply_config(client, config, tmp_path / "s2", timing)
            text = render_text(planned.plan)
            lines = _volumes(text)
            # Only the first volume converts the workload; the second waits for it.
            assert lines[0].startswith("+ volume cache of web: /cache, 1Gi  (forces workload")
            assert "about 30 s of downtime" in lines[0]
            assert lines[1] == "+ volume data of web: /data, 5Gi"
            data = planned.plan.action("service.web.volume.data")
            assert data.depends_on == ["service.web.volume.cache"]
            assert result.ok, [r.detail for r in result.results]
            rows = await client.list_volumes(first.services[0].service_id)
            assert sorted(v.name for v in rows) == ["cache", "data"]
            # The second create met 409 conversion_in_progress and waited it out.
            statuses = [r["status"] for r in await emu.requests() if r["path"].endswith("/volumes")]
            assert 409 in statuses
            assert (await plan_for(client, config, tmp_path / "s3")).plan.actions == []

    asyncio.run(scenario())


def test_grow_is_in_place_and_shrink_is_refused_at_plan_time(tmp_path: Path) -> None:
    config = _write(tmp_path, _config(DATA))

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            timing = VirtualTime(emu)
            _, first = await apply_config(client, config, tmp_path / "s1", timing)
            assert first.ok
            config.write_text(_config(DATA, size="10Gi").replace("    ", ""))
            planned, result = await apply_config(client, config, tmp_path / "s2", timing)
            assert [a.kind for a in planned.plan.actions] == ["resize_volume"]
            assert "~ volume data of web: grow to 10Gi  (in place)" in render_text(planned.plan)
            assert result.ok
            rows = await client.list_volumes(first.services[0].service_id)
            assert rows[0].size == "10Gi"
            config.write_text(_config(DATA, size="2Gi").replace("    ", ""))
            with pytest.raises(PlanError) as caught:
                await plan_for(client, config, tmp_path / "s3")
            assert "services.web.volumes.data.size: cannot_shrink" in str(caught.value)
            rows = await client.list_volumes(first.services[0].service_id)
            assert rows[0].size == "10Gi"

    asyncio.run(scenario())


def test_removed_volume_is_manual_then_detached_on_opt_in_then_restored(tmp_path: Path) -> None:
    config = _write(tmp_path, _config(DATA))

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            timing = VirtualTime(emu)
            _, first = await apply_config(client, config, tmp_path / "s1", timing)
            sid = first.services[0].service_id
            volume_id = (await client.list_volumes(sid))[0].id
            config.write_text(_config().replace("    ", ""))
            kept = await plan_for(client, config, tmp_path / "s2")
            assert [a.kind for a in kept.plan.actions] == ["manual"]
            text = render_text(kept.plan)
            assert "never detaches a volume by itself" in text
            assert "--allow-detach-volumes" in text
            _, result = await apply_config(client, config, tmp_path / "s3", timing)
            assert result.ok
            assert (await client.list_volumes(sid))[0].status == "active"

            planned, result = await apply_config(
                client, config, tmp_path / "s4", timing, allow_detach_volumes=True
            )
            detach = planned.plan.actions[0]
            assert detach.kind == "detach_volume"
            line = _volumes(render_text(planned.plan))[0]
            assert re.fullmatch(
                r"- volume data of web: detach \(orphaned, data kept, restorable until "
                r"\d{4}-\d\d-\d\d\)",
                line,
            ), line
            assert result.ok, [r.detail for r in result.results]
            rows = await client.list_volumes(sid)
            assert [(v.id, v.status) for v in rows] == [(volume_id, "orphaned")]
            report = await gather_status(client, "vault", "staging", now=datetime.now(UTC))
            shown = render_status(report, None)
            assert re.search(
                r"volume: +data at /data, 5Gi, orphaned \(restorable until \d{4}-\d\d-\d\d\)",
                shown,
            ), shown

            config.write_text(_config(DATA).replace("    ", ""))
            planned, result = await apply_config(client, config, tmp_path / "s5", timing)
            assert [a.kind for a in planned.plan.actions] == ["restore_volume"]
            assert "restore the orphaned volume" in render_text(planned.plan)
            assert result.ok, [r.detail for r in result.results]
            rows = await client.list_volumes(sid)
            assert [(v.id, v.status) for v in rows] == [(volume_id, "active")]
            report = await gather_status(client, "vault", "staging", now=datetime.now(UTC))
            assert "volume:       data at /data, 5Gi, active" in render_status(report, None)

    asyncio.run(scenario())


def test_per_volume_detach_setting_detaches_without_the_flag(tmp_path: Path) -> None:
    config = _write(tmp_path, _config(DATA))

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            timing = VirtualTime(emu)
            _, first = await apply_config(client, config, tmp_path / "s1", timing)
            config.write_text(
                (_config() + "[services.web.volumes.data]\ndetach = true\n").replace("    ", "")
            )
            planned, result = await apply_config(client, config, tmp_path / "s2", timing)
            assert [a.kind for a in planned.plan.actions] == ["detach_volume"]
            assert result.ok
            rows = await client.list_volumes(first.services[0].service_id)
            assert [v.status for v in rows] == ["orphaned"]
            assert (await plan_for(client, config, tmp_path / "s3")).plan.actions == []

    asyncio.run(scenario())


def test_crash_during_volume_create_converges_without_duplicate_f30(tmp_path: Path) -> None:
    """The create commits, then the answer is lost; the next apply adopts it by name."""
    config = _write(tmp_path, _config())

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            timing = VirtualTime(emu)
            _, first = await apply_config(client, config, tmp_path / "s1", timing)
            sid = first.services[0].service_id
            config.write_text(_config(DATA).replace("    ", ""))
            await emu.fault("drop_after_commit", method="POST", path=f"/v1/services/{sid}/volumes")
            _, result = await apply_config(client, config, tmp_path / "s2", timing)
            assert result.ok, [r.detail for r in result.results]
            assert "adopted existing volume" in result.results[0].detail
            dropped = [r for r in await emu.requests() if r["status"] == 502]
            assert dropped, "the fault never fired"
            rows = await client.list_volumes(sid)
            assert [(v.name, v.status) for v in rows] == [("data", "active")]
            again = await plan_for(client, config, tmp_path / "s3")
            assert again.plan.actions == []
            _, result = await apply_config(client, config, tmp_path / "s4", timing)
            assert len(await client.list_volumes(sid)) == 1

    asyncio.run(scenario())
