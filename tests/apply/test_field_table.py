"""One row of the service-field table is all a field needs to flow through every layer.

The test runs a project without the ``readiness_path`` row (the field is then unknown
to desired state, apply, refresh, plan and import), then adds the row back and sees
the same key travel through all of them against the emulator.
"""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path

import pytest

from apply.harness import VirtualTime, apply_config, plan_for, running_emulator, write_app
from odiac.ops.importer import build_document, read_live_project
from odiac.plan import fields

CONFIG = """
    version = 1
    [gateway]
    url = "local"
    [project]
    name = "table"
    [services.web]
    type = "web"
    port = 8000
    cpu = "1"
    memory = "1Gi"
    readiness_path = "/ready"
"""
ROW = "readiness_path"


def test_adding_one_table_row_carries_a_field_through_every_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_app(tmp_path / "app", CONFIG)
    full = fields.SERVICE_FIELDS
    without = tuple(row for row in full if row.name != ROW)
    assert len(without) == len(full) - 1

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            token = await emu.user_token()
            client = emu.client(token)
            timing = VirtualTime(emu)

            monkeypatch.setattr(fields, "SERVICE_FIELDS", without)
            planned, result = await apply_config(client, config, tmp_path / "s1", timing)
            assert result.ok
            create = planned.plan.action("service.web")
            assert ROW not in {c.path for c in create.changes}
            sid = result.services[0].service_id
            assert (await client.get_service(sid)).readiness_path == ""  # never sent
            assert (await plan_for(client, config, tmp_path / "s2")).plan.actions == []
            # Changed in the dashboard: odiac's requests cannot name a field the table lacks.
            changed = await emu.control.put(
                f"/api/v1/services/{sid}",
                json={ROW: "/live"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert changed.status_code == 200
            data = await read_live_project(client, "table", "staging")
            doc = tomllib.loads(build_document(data, gateway="local").text())
            assert ROW not in doc["services"]["web"]

            monkeypatch.setattr(fields, "SERVICE_FIELDS", full)  # the row is added
            planned = await plan_for(client, config, tmp_path / "s3")
            update = planned.plan.action("service.web")
            assert [(c.path, c.before, c.after, c.impact) for c in update.changes] == [
                (ROW, "/live", "/ready", "rolling restart")
            ]
            _, result = await apply_config(client, config, tmp_path / "s4", timing)
            assert result.ok, [r.detail for r in result.results]
            assert (await client.get_service(sid)).readiness_path == "/ready"
            assert (await plan_for(client, config, tmp_path / "s5")).plan.actions == []
            data = await read_live_project(client, "table", "staging")
            doc = tomllib.loads(build_document(data, gateway="local").text())
            assert doc["services"]["web"][ROW] == "/ready"

    asyncio.run(scenario())
