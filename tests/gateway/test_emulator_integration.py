"""The real client against the real emulator (httpx.ASGITransport, no network)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.emukit import CAPPED, ORIGIN, capped, emulator, make_zip
from gateway.gwkit import run
from odiac.errors import CredentialError
from odiac.gateway.auth import resolve_credential
from odiac.gateway.bodies import ServiceUpdate
from odiac.gateway.errors import AuthenticationError, Conflict, PermissionDenied
from odiac.gateway.local import LOCAL_BASE_URL


def test_q29_register_regions_and_q6_pending_profile() -> None:
    async def scenario() -> None:
        async with emulator() as emu:
            async with emu.client(None) as anon:
                result = await anon.register_agent("laptop")
            assert result.api_key is not None
            assert re.fullmatch(r"od_a[0-9A-Za-z]{43}", result.api_key)
            assert result.gateway == LOCAL_BASE_URL
            assert result.claim_url == f"{ORIGIN}/claim/{result.agent_id}?h={result.bind_sig}"
            async with emu.client(result.api_key) as client:
                regions = await client.list_regions()
                assert [(r.code, r.active) for r in regions] == [
                    ("us-east-1", True),
                    ("eu-west-1", False),
                ]
                with pytest.raises(AuthenticationError) as info:
                    await client.get_profile()
                assert info.value.playbook == "failure-2"

    run(scenario())


def test_q27_replay_through_resolve_credential_writes_nothing(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with emulator() as emu:
            await emu.register(user_agent="odiac/test-replay")
            with pytest.raises(CredentialError, match="shown only once"):
                await resolve_credential(
                    flag_token=None,
                    gateway=LOCAL_BASE_URL,
                    workdir=tmp_path,
                    allow_register=True,
                    client_factory=lambda url: emu.client(None, user_agent="odiac/test-replay"),
                    env={},
                )
        assert not (tmp_path / ".opendeploy" / "auth.json").exists()

    run(scenario())


def test_q1_slashless_post_redirects_and_the_client_uses_the_slash_form() -> None:
    async def scenario() -> None:
        async with emulator() as emu:
            client, token, _ = await emu.register()
            raw = await emu.control.post(
                "/api/v1/projects",
                json={"name": "demo", "repo_url": "file://upload", "skip_validation": True},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert raw.status_code == 301
            assert raw.headers["location"].endswith("/api/v1/projects/")
            async with client:
                assert await client.list_projects() == []
                project = await client.create_project("demo")
                assert [p.id for p in await client.list_projects()] == [project.id]
                assert (await client.get_project(project.id)).repo_url == "file://upload"

    run(scenario())


def test_q19_q21_q23_pending_caps_carry_structured_fields() -> None:
    async def scenario() -> None:
        async with emulator() as emu:
            client, _, _ = await emu.register()
            async with client:
                project = await client.create_project("demo")
                with pytest.raises(PermissionDenied) as info:
                    await client.create_service(project.id, capped(cpu_limit="2"))
                err = info.value
                assert err.is_quota
                assert (err.fields["field"], err.fields["requested"], err.fields["limit"]) == (
                    "cpu_limit",
                    "2",
                    "1",
                )
                assert "cpu_limit requested 2, limit 1" in str(err)
                await client.create_service(project.id, CAPPED)
                with pytest.raises(PermissionDenied) as info:
                    await client.create_service(project.id, capped("api"))
                assert (info.value.fields["field"], info.value.fields["requested"]) == (
                    "services",
                    2,
                )
                dependency = await client.create_dependency(project.id, "postgres")
                assert "DATABASE_URL" in dependency.env_vars
                with pytest.raises(Conflict) as conflict:
                    await client.create_project("second")
                assert conflict.value.project_id == project.id

    run(scenario())


def test_q33_env_put_is_a_full_replace_and_service_round_trips() -> None:
    async def scenario() -> None:
        async with emulator() as emu:
            client, _, _ = await emu.register()
            async with client:
                project = await client.create_project("demo")
                sid = await client.create_service(project.id, capped(runtime={"A": "1"}))
                service = await client.get_service(sid)
                assert (service.name, service.port, service.runtime_variables) == (
                    "web",
                    8080,
                    {"A": "1"},
                )
                assert await client.put_env(project.id, sid, {"A": "1", "B": "2"}) == {
                    "A": "1",
                    "B": "2",
                }
                assert await client.put_env(project.id, sid, {"B": "3"}) == {"B": "3"}
                assert await client.get_env(project.id, sid) == {"B": "3"}
                resized = await client.update_service(
                    sid, ServiceUpdate(settings={"cpu_limit": "1000m"})
                )
                assert resized.cpu_limit == "1000m"
                [listed] = await client.list_services(project.id)
                assert listed.id == sid

    run(scenario())


def test_q9_deploy_without_source_fails_fast_with_null_logs() -> None:
    async def scenario() -> None:
        async with emulator() as emu:
            client, _, _ = await emu.register()
            async with client:
                project = await client.create_project("demo")
                sid = await client.create_service(project.id, CAPPED)
                deployment = await client.create_deployment(project.id, sid)
                assert (deployment.status, deployment.progress) == ("pending", 0)
                await emu.advance(3)
                failed = await client.get_deployment(deployment.id)
                assert (failed.status, failed.progress, failed.error_msg) == (
                    "failed",
                    10,
                    "Service failed",
                )
                assert (await client.get_logs(deployment.id)).logs is None

    run(scenario())


def test_q11_full_deploy_flow_then_domain_rename(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "src.zip",
        {"Dockerfile": "FROM python:3.12\nEXPOSE 8080\n", "app.py": "print('hi')\n"},
    )

    async def scenario() -> None:
        async with emulator() as emu:
            client, _, _ = await emu.register()
            async with client:
                [region, *_] = await client.list_regions()
                project = await client.create_project("demo", region_id=region.id)
                sid = await client.create_service(project.id, CAPPED)
                upload = await client.upload_archive(
                    project_name="demo", region_id=region.id, archive_path=archive
                )
                assert (await client.get_project(project.id)).source_path == ""  # Q10
                bound = await client.update_source(project.id, upload.temp_file_path)
                assert bound.source_path
                assert not bound.already_up_to_date
                assert (await client.get_project(project.id)).source_bound
                deployment = await client.create_deployment(
                    project.id, sid, temp_file_path=upload.temp_file_path
                )
                await emu.advance(12)
                done = await client.get_deployment(deployment.id)
                assert (done.status, done.progress, done.terminal) == ("success", 100, True)
                assert (await client.get_logs(deployment.id, tail=5)).lines
                [listed] = await client.list_deployments(project.id, status="success")
                assert listed.id == deployment.id
                await emu.advance(30)
                [domain] = await client.list_domains(sid, environment="staging", type="auto")
                assert domain.url.startswith("https://")
                assert domain.domain.endswith(".dev.opendeploy.run")
                check = await client.check_subdomain("myapp-odiac")
                assert check.available
                renamed = await client.rename_subdomain(domain.id, "myapp-odiac")
                assert renamed.domain == "myapp-odiac.dev.opendeploy.run"
                assert (await client.get_domain(domain.id)).label == "myapp-odiac"
                taken = await client.check_subdomain("myapp-odiac")
                assert (taken.available, taken.reason) == (False, "taken")

    run(scenario())


def test_q32_bound_agent_gets_a_profile() -> None:
    async def scenario() -> None:
        async with emulator() as emu:
            client, _, agent_id = await emu.register()
            user = await emu.create_user("dev@example.test")
            await emu.bind(agent_id, user["user_id"])
            async with client:
                profile = await client.get_profile()
            assert profile.email == "dev@example.test"

    run(scenario())


def test_get_retries_an_injected_503_and_succeeds() -> None:
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def scenario() -> None:
        async with emulator() as emu:
            _, token, _ = await emu.register()
            fault = {
                "kind": "http_503",
                "count": 1,
                "match": {"method": "GET", "path": "/v1/regions/"},
            }
            (await emu.control.post("/_emulator/faults", json=fault)).raise_for_status()
            async with emu.client(token, sleep=fake_sleep) as client:
                assert len(await client.list_regions()) == 2
                assert client.round_trips == 2
        assert len(sleeps) == 1

    run(scenario())


def test_f30_drop_after_commit_is_ambiguous_and_the_read_back_finds_the_project() -> None:
    from odiac.gateway.errors import ServerError

    async def scenario() -> None:
        async with emulator() as emu:
            client, _, _ = await emu.register()
            fault = {
                "kind": "drop_after_commit",
                "match": {"method": "POST", "path": "/v1/projects/"},
            }
            (await emu.control.post("/_emulator/faults", json=fault)).raise_for_status()
            async with client:
                with pytest.raises(ServerError) as info:
                    await client.create_project("demo")
                assert info.value.ambiguous
                assert info.value.playbook == "failure-30"
                assert client.round_trips == 1  # never retried by the client
                assert [p.name for p in await client.list_projects()] == ["demo"]

    run(scenario())


def test_sse_log_stream_follows_a_deployment_to_the_end(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "src.zip", {"Dockerfile": "FROM python:3.12\n", "app.py": "x = 1\n"}
    )

    async def scenario() -> None:
        async with emulator(time_scale=20.0) as emu:
            client, _, _ = await emu.register()
            async with client:
                project = await client.create_project("demo")
                sid = await client.create_service(project.id, CAPPED)
                upload = await client.upload_archive(
                    project_name="demo", region_id=project.region_id, archive_path=archive
                )
                await client.update_source(project.id, upload.temp_file_path)
                deployment = await client.create_deployment(project.id, sid)
                events = [event async for event in client.stream_logs(deployment.id)]
        kinds = [e.event for e in events]
        assert "log" in kinds
        assert kinds[-1] == "end"
        statuses = [e.data.get("status") for e in events if e.event == "status"]
        assert statuses[-1] == "success"

    run(scenario())
