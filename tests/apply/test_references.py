"""Reference variables end to end: planned with their origin, resolved at apply, idempotent.

The real planner, applier and client against the in-process emulator (virtual time).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from apply.harness import VirtualTime, apply_config, plan_for, running_emulator, write_app
from odiac.plan.render_json import render_json
from odiac.plan.render_text import render_text

CONFIG = """
    version = 1
    [project]
    name = "refs"
    [dependencies.mongodb]
    type = "mongodb"
    [services.api]
    type = "web"
    port = 8000
    subdomain = "refs-api"
    [services.api.env]
    MONGODB_URL = { ref = "mongodb.MONGODB_URI" }
    DB_HOST = { ref = "mongodb.MONGO_HOST" }
    [services.front]
    type = "web"
    port = 3000
    [services.front.env]
    API_URL = { ref = "services.api.url" }
    API_HOST = { ref = "services.api.host" }
    [services.front.build_env]
    PUBLIC_API_URL = { ref = "services.api.url" }
"""


def test_references_plan_apply_and_replan_clean(tmp_path: Path) -> None:
    config = write_app(tmp_path / "app", CONFIG)

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            first = await plan_for(client, config, tmp_path / "s0")
            text = render_text(first.plan)
            assert "env.MONGODB_URL = (known after apply) (from mongodb.MONGODB_URI)" in text
            assert "env.DB_HOST     = (known after apply) (from mongodb.MONGO_HOST)" in text
            url = '"https://refs-api.dev.opendeploy.run" (from services.api.url)'
            assert f"env.API_URL              = {url}" in text
            assert f"build_env.PUBLIC_API_URL = {url}" in text
            assert 'env.API_HOST             = "api" (from services.api.host)' in text
            # Order: the dependency before the api's env, the api before the front.
            api = first.plan.action("service.api")
            front = first.plan.action("service.front")
            assert "dependency.mongodb" in api.depends_on
            assert "service.api" in front.depends_on

            _, result = await apply_config(client, config, tmp_path / "s1", VirtualTime(emu))
            assert result.ok, [r.detail for r in result.results]
            pid = result.project_id or ""
            (dep,) = await client.list_dependencies_status(pid)
            services = {s.name: s for s in await client.list_services(pid)}
            api_env = await client.get_env(pid, services["api"].id)
            assert api_env["MONGODB_URL"] == dep.env_vars["MONGODB_URI"]
            assert api_env["DB_HOST"] == dep.env_vars["MONGO_HOST"]
            front_env = await client.get_env(pid, services["front"].id)
            assert front_env["API_URL"] == "https://refs-api.dev.opendeploy.run"
            assert front_env["API_HOST"] == "api"

            again = await plan_for(client, config, tmp_path / "s2")
            assert again.plan.actions == []
            # A password-bearing value is never shown, resolved or not.
            secret = dep.env_vars["MONGODB_URI"]
            for output in (text, render_json(first.plan), render_json(again.plan)):
                assert secret not in output

    asyncio.run(scenario())


def test_a_known_reference_is_masked_when_it_carries_a_password(tmp_path: Path) -> None:
    config = write_app(tmp_path / "app", CONFIG)
    changed = write_app(
        tmp_path / "app2",
        CONFIG.replace(
            'DB_HOST = { ref = "mongodb.MONGO_HOST" }',
            'DB_HOST = "elsewhere"\nDB_PASS = { ref = "mongodb.MONGO_PASSWORD" }',
        ),
    )

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            _, result = await apply_config(client, config, tmp_path / "s1", VirtualTime(emu))
            assert result.ok
            (dep,) = await client.list_dependencies_status(result.project_id or "")
            planned = await plan_for(client, changed, tmp_path / "s2")
            text = render_text(planned.plan)
            assert "+ DB_PASS = (sensitive value) (from mongodb.MONGO_PASSWORD)" in text
            host = dep.env_vars["MONGO_HOST"]
            assert f'~ DB_HOST: "{host}" -> "elsewhere"' in text  # not a secret: shown
            assert dep.env_vars["MONGO_PASSWORD"] not in text + render_json(planned.plan)

    asyncio.run(scenario())
