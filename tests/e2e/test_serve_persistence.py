"""State on a db file survives SIGKILL; a mid-build deployment resumes on its timeline."""

from __future__ import annotations

from typing import Any

from helpers.e2e import FLASK_APP, GUEST_SIZES, Api, register_agent, zip_bytes

from odiac.testing import serve_emulator

# 1 wall second = 1 virtual millisecond: only explicit advances move the clock, so
# "mid-build" stays mid-build across the kill and restart.
FROZEN = ["--time-scale", "0.001"]


def _upload(api: Api, name: str, region: str, files: dict[str, str]) -> str:
    body = api.post(
        "/v1/upload/upload-only",
        data={"project_name": name, "region_id": region},
        files={"project_file": ("app.zip", zip_bytes(files), "application/zip")},
    )
    path: str = body["temp_file_path"]
    return path


def _snapshot(agent_api: Api, pat_api: Api, ids: dict[str, str]) -> dict[str, Any]:
    return {
        "agent_project": agent_api.get(f"/v1/projects/{ids['project']}"),
        "service": agent_api.get(f"/v1/services/{ids['service']}"),
        "env": agent_api.get(f"/v1/projects/{ids['project']}/services/{ids['service']}/env"),
        "dependencies": agent_api.get(f"/v1/dependencies/status/{ids['project']}"),
        "pat_projects": pat_api.get("/v1/projects/"),
    }


def test_state_survives_sigkill_and_a_mid_build_deployment_resumes(tmp_path):
    db = tmp_path / "state" / "emulator.sqlite"
    with serve_emulator(tmp_path / "server", db=db, extra_args=FROZEN) as emu:
        admin = emu.control()
        user = admin.create_user("owner@example.test")
        agent = register_agent(emu.base_url)
        agent_api = Api(emu.base_url, agent["api_key"])
        pat_api = Api(emu.base_url, user["api_key"])

        region = agent_api.get("/v1/regions/")[0]["id"]
        project = agent_api.post(
            "/v1/projects/",
            json={
                "name": "persist",
                "repo_url": "file://upload",
                "skip_validation": True,
                "region_id": region,
            },
            expect=201,
        )
        pid = project["id"]
        pat_api.post(
            "/v1/projects/",
            json={"name": "owned-by-user", "repo_url": "file://upload", "skip_validation": True},
            expect=201,
        )
        dependency = agent_api.post(
            "/v1/dependencies/create", json={"project_id": pid, "dependency_id": "redis"}
        )
        service = agent_api.post(
            f"/v1/projects/{pid}/services/",
            json={
                "name": "web",
                "type": "web",
                "port": 8080,
                "runtime_variables": {"REDIS_URL": dependency["env_vars"]["REDIS_URL"]},
                **GUEST_SIZES,
            },
            expect=201,
        )
        sid = service["service_id"]
        bound = _upload(agent_api, "persist", region, FLASK_APP)
        agent_api.post(
            "/v1/upload/update-source", json={"project_id": pid, "temp_file_path": bound}
        )
        # A second upload is parked (not yet bound) when the server dies.
        parked = _upload(agent_api, "persist", region, {**FLASK_APP, "VERSION": "2\n"})
        deployment = agent_api.post(
            "/v1/deployments/",
            json={"project_id": pid, "service_id": sid, "source": "zip"},
            expect=201,
        )
        did = deployment["id"]
        admin.advance(2)  # timeline 4.1: building between t = 1 and t = 4
        mid = agent_api.get(f"/v1/deployments/{did}")
        assert mid["status"] == "building"
        ids = {"project": pid, "service": sid}
        before = _snapshot(agent_api, pat_api, ids)

        assert emu.kill() < 0  # SIGKILL: no shutdown code ran
        emu.restart()

        # Tokens still authenticate, with the same tenancy (Q50).
        regions = agent_api.call("GET", "/v1/regions/")
        assert regions.headers["X-Tenant-Type"] == "guest"
        assert pat_api.call("GET", "/v1/profile").status_code == 200
        agent_api.call("GET", "/v1/profile", expect=401)  # still pending (Q6)

        after = _snapshot(agent_api, pat_api, ids)
        assert after == before
        assert after["agent_project"]["source_path"] != ""
        assert after["agent_project"]["agent_id"] == agent["agent_id"]

        resumed = agent_api.get(f"/v1/deployments/{did}")
        assert resumed["status"] == "building"
        assert resumed["progress"] >= mid["progress"]
        assert resumed["created_at"] == mid["created_at"]

        admin.advance(10)
        done = agent_api.get(f"/v1/deployments/{did}")
        assert done["status"] == "success"
        assert done["progress"] == 100
        assert agent_api.get(f"/v1/services/{sid}")["status"] == "running"

        # The upload parked before the kill is still there to be bound.
        rebound = agent_api.post(
            "/v1/upload/update-source", json={"project_id": pid, "temp_file_path": parked}
        )
        assert rebound["message"] == "Project source updated successfully"
        assert rebound["source_path"] not in ("", before["agent_project"]["source_path"])

        # The one-live-project cap also survived (Q23).
        second = agent_api.call(
            "POST",
            "/v1/projects/",
            json={"name": "another", "repo_url": "file://upload", "skip_validation": True},
            expect=409,
        )
        assert second.json()["project_id"] == pid
        agent_api.http.close()
        pat_api.http.close()
        admin.close()
    assert db.exists()
    # Uploads and sources live in a directory beside the db file.
    assert [p for p in db.parent.iterdir() if p.is_dir() and any(p.iterdir())]


def test_memory_state_is_gone_after_restart(tmp_path):
    """Without --db the emulator keeps nothing: a token from before the restart gets 401."""
    with serve_emulator(tmp_path) as emu:
        agent = register_agent(emu.base_url)
        with Api(emu.base_url, agent["api_key"]) as api:
            api.call("GET", "/v1/regions/")
            emu.kill()
            emu.restart()
            api.call("GET", "/v1/regions/", expect=401)
