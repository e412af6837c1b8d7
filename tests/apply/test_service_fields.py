"""The newer service fields end to end: apply, refresh, plan impact and import round trip."""

from __future__ import annotations

import asyncio
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from apply.harness import VirtualTime, apply_config, plan_for, running_emulator, write_app
from odiac.ops.importer import build_document, read_live_project
from odiac.ops.status import gather_status, render_status

CONFIG = """
    version = 1
    [gateway]
    url = "local"
    [project]
    name = "fields"
    [services.api]
    type = "web"
    port = 8000
    cpu = "1"
    memory = "1Gi"
    internal_only = true
    readiness_path = "/ready"
    auto_scaling = true
    build_context = "api"
    dockerfile_inline = '''
    FROM python:3.12-slim
    CMD ["python", "app.py"]
    '''
    [services.api.volumes.data]
    mount_path = "/data"
    size = "2Gi"
    [services.web]
    type = "web"
    port = 8080
    cpu = "1"
    memory = "1Gi"
    depends_on = ["api"]
    dockerfile = "Dockerfile"
    readiness_path = "/healthz"
"""


def test_new_fields_apply_read_back_and_replan_clean(tmp_path: Path) -> None:
    config = write_app(tmp_path / "app", CONFIG, {"Dockerfile": "FROM scratch\n", "app.py": ""})

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            timing = VirtualTime(emu)
            _, result = await apply_config(client, config, tmp_path / "s1", timing)
            assert result.ok, [r.detail for r in result.results]
            by_name = {s.name: s for s in result.services}
            # Internal-only: no URL is waited for or reported.
            assert by_name["api"].url is None
            assert by_name["web"].url is not None
            pid = result.project_id or ""
            live = {s.name: s for s in await client.list_services(pid)}
            api, web = live["api"], live["web"]
            assert (api.internal_only, api.auto_scaling, api.readiness_path) == (
                True,
                True,
                "/ready",
            )
            assert api.build_context == "api"
            assert api.dockerfile.startswith("FROM python:3.12-slim")
            assert api.dockerfile_path == ""
            assert (web.dependencies, web.dockerfile_path, web.dockerfile) == (
                ["api"],
                "Dockerfile",
                "",
            )
            assert [v["name"] for v in api.volumes] == ["data"]
            assert (await plan_for(client, config, tmp_path / "s2")).plan.actions == []
            report = render_status(
                await gather_status(client, "fields", "staging", now=datetime.now(UTC)), None
            )
            assert "url:          (none: internal only)" in report
            assert "volume:       data at /data, 2Gi, active" in report

            # Impacts: readiness is a rolling restart, auto_scaling in place, context a rebuild.
            text = config.read_text()
            text = text.replace('readiness_path = "/ready"', 'readiness_path = "/up"')
            text = text.replace("auto_scaling = true", "auto_scaling = false")
            text = text.replace('build_context = "api"', 'build_context = "."')
            config.write_text(text)
            changed = await plan_for(client, config, tmp_path / "s3")
            update = changed.plan.action("service.api")
            impacts = {c.path: c.impact for c in update.changes}
            assert impacts == {
                "readiness_path": "rolling restart",
                "auto_scaling": "in place",
                "build_context": "redeploy",
            }
            deploy = changed.plan.action("service.api.deploy")
            assert deploy.reason == "config changed"

    asyncio.run(scenario())


def test_import_round_trip_of_every_new_field_plans_no_changes(tmp_path: Path) -> None:
    config = write_app(tmp_path / "app", CONFIG, {"Dockerfile": "FROM scratch\n", "app.py": ""})

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            _, result = await apply_config(client, config, tmp_path / "s1", VirtualTime(emu))
            assert result.ok, [r.detail for r in result.results]
            data = await read_live_project(client, "fields", "staging")
            imported = build_document(data, gateway="local").text()
            doc = tomllib.loads(imported)
            api, web = doc["services"]["api"], doc["services"]["web"]
            assert api["internal_only"] is True
            assert api["auto_scaling"] is True
            assert api["readiness_path"] == "/ready"
            assert api["build_context"] == "api"
            assert api["dockerfile_inline"].startswith("FROM python:3.12-slim")
            assert api["volumes"] == {"data": {"mount_path": "/data", "size": "2Gi"}}
            assert "subdomain" not in api  # internal-only: no public domain in the file
            assert web["depends_on"] == ["api"]
            assert web["dockerfile"] == "Dockerfile"
            assert "internal_only" not in web
            assert "auto_scaling" not in web
            out = tmp_path / "app" / "opendeploy.toml"
            out.write_text(imported)
            again = await plan_for(client, out, tmp_path / "s2")
            assert again.plan.actions == [], [a.id for a in again.plan.actions]

    asyncio.run(scenario())
