"""Dependency credentials reach ``POST /v1/dependencies/create`` and are read back (§3.4.2).

The real client and applier against the in-process emulator, with virtual time.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from apply.harness import VirtualTime, apply_config, plan_for, running_emulator, write_app
from odiac.apply import apply_plan
from odiac.apply.events import SilentReporter
from odiac.redact import redact

PASSWORD = "Dep-Pw-4b9e1c7a"

#: engine -> (user key, password key, database key) of its connection env (§3.4.2 table).
KEYS = {
    "postgres": ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"),
    "mysql": ("MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE"),
    "mongodb": ("MONGO_USER", "MONGO_PASSWORD", "MONGO_DATABASE"),
    "clickhouse": ("CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD", "CLICKHOUSE_DB"),
}


def _config(engine: str, credentials: str) -> str:
    return f"""
        version = 1
        [gateway]
        url = "local"
        [project]
        name = "shop"
        [dependencies.db]
        type = "{engine}"
        {credentials}
    """


@pytest.mark.parametrize("engine", sorted(KEYS))
def test_credentials_are_created_as_asked_and_replan_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    monkeypatch.setenv("ODIAC_TEST_DB_PASSWORD", PASSWORD)
    creds = (
        'username = "shop_user"\ndatabase_name = "shop_db"\n'
        'password = { secret = "env:ODIAC_TEST_DB_PASSWORD" }'
    )
    config = write_app(tmp_path / "app", _config(engine, creds))

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            _, result = await apply_config(client, config, tmp_path / "s1", VirtualTime(emu))
            assert result.ok, [r.detail for r in result.results]
            (dep,) = await client.list_dependencies_status(result.project_id or "")
            user, password, database = KEYS[engine]
            assert dep.env_vars[user] == "shop_user"
            assert dep.env_vars[password] == PASSWORD
            assert dep.env_vars[database] == "shop_db"
            urls = [v for k, v in dep.env_vars.items() if k.endswith(("_URL", "_URI"))]
            assert urls
            assert all(f"shop_user:{PASSWORD}@" in url for url in urls)
            assert redact(PASSWORD) == "[redacted]"
            again = await plan_for(client, config, tmp_path / "s2")
            assert again.plan.actions == []

    asyncio.run(scenario())


def test_redis_password_is_created_as_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODIAC_TEST_DB_PASSWORD", PASSWORD)
    creds = 'password = { secret = "env:ODIAC_TEST_DB_PASSWORD" }'
    config = write_app(tmp_path / "app", _config("redis", creds))

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            _, result = await apply_config(client, config, tmp_path / "s1", VirtualTime(emu))
            assert result.ok, [r.detail for r in result.results]
            (dep,) = await client.list_dependencies_status(result.project_id or "")
            assert dep.env_vars["REDIS_PASSWORD"] == PASSWORD
            assert dep.env_vars["REDIS_URL"].startswith(f"redis://:{PASSWORD}@")

    asyncio.run(scenario())


def test_without_credentials_the_gateway_generates_them(tmp_path: Path) -> None:
    config = write_app(tmp_path / "app", _config("postgres", ""))

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            _, result = await apply_config(client, config, tmp_path / "s1", VirtualTime(emu))
            assert result.ok, [r.detail for r in result.results]
            (dep,) = await client.list_dependencies_status(result.project_id or "")
            assert dep.env_vars["POSTGRES_USER"] == "app"  # the emulator's default
            assert len(dep.env_vars["POSTGRES_PASSWORD"]) >= 8

    asyncio.run(scenario())


def test_a_password_changed_after_creation_is_manual_and_applies_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODIAC_TEST_DB_PASSWORD", PASSWORD)
    creds = 'password = { secret = "env:ODIAC_TEST_DB_PASSWORD" }'
    config = write_app(tmp_path / "app", _config("postgres", creds))

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            _, first = await apply_config(client, config, tmp_path / "s1", VirtualTime(emu))
            assert first.ok
            monkeypatch.setenv("ODIAC_TEST_DB_PASSWORD", PASSWORD + "-rotated")
            reporter = SilentReporter()
            planned, result = await apply_config(
                client, config, tmp_path / "s2", VirtualTime(emu), reporter=reporter
            )
            assert [a.id for a in planned.plan.actions] == ["manual.dependency.db.credentials"]
            assert [r.outcome for r in result.results] == ["manual"]
            (dep,) = await client.list_dependencies_status(first.project_id or "")
            assert dep.env_vars["POSTGRES_PASSWORD"] == PASSWORD  # untouched

    asyncio.run(scenario())


def test_a_password_the_gateway_refuses_fails_at_plan_time_not_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """§3.4.2 would answer 400; the resolved value is checked before any request."""
    from odiac.errors import SecretError

    monkeypatch.setenv("ODIAC_TEST_DB_PASSWORD", "semi;colon-pw")
    creds = 'password = { secret = "env:ODIAC_TEST_DB_PASSWORD" }'
    config = write_app(tmp_path / "app", _config("postgres", creds))

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            with pytest.raises(SecretError, match=r"dependencies\.db\.password"):
                await plan_for(client, config, tmp_path / "s1")
            methods = {r["method"] for r in await emu.requests()}
            assert methods == {"GET"}  # the refresh ran; nothing was created

    asyncio.run(scenario())


def test_adopting_a_dependency_with_other_credentials_fails_the_read_back_f30(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ambiguous create (502 after commit) adopts by name; wrong credentials are caught."""
    monkeypatch.setenv("ODIAC_TEST_DB_PASSWORD", PASSWORD)
    bare = write_app(tmp_path / "bare", _config("postgres", "").split("[dependencies")[0])
    creds = 'username = "shop_user"\npassword = { secret = "env:ODIAC_TEST_DB_PASSWORD" }'
    config = write_app(tmp_path / "app", _config("postgres", creds))

    async def scenario() -> None:
        async with running_emulator(tmp_path) as emu:
            client = emu.client(await emu.user_token())
            _, first = await apply_config(client, bare, tmp_path / "s1", VirtualTime(emu))
            assert first.ok
            planned = await plan_for(client, config, tmp_path / "s2")
            assert [a.kind for a in planned.plan.actions] == ["create_dependency"]
            pid = first.project_id or ""
            await client.create_dependency(pid, "postgres", display_name="db", username="other")
            await emu.fault("drop_after_commit", method="POST", path="/v1/dependencies/create")
            result = await apply_plan(
                planned.plan,
                client=client,
                desired=planned.desired,
                live=planned.live,
                archive_path=None,
                reporter=SilentReporter(),
                timing=VirtualTime(emu),
            )
            (failed,) = result.results
            assert failed.outcome == "failed"
            assert failed.detail.startswith(
                "dependency 'db': read-back of POSTGRES_PASSWORD, POSTGRES_USER does not match"
            )
            assert PASSWORD not in failed.detail

    asyncio.run(scenario())
