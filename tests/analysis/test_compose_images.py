"""Compose entries whose `image:` is a locally built tag (analysis-rules §2.2 classification)."""

from __future__ import annotations

from collections.abc import Callable

from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]

NODE_APP = {
    "package.json": '{"dependencies": {"express": "4"}}',
    "index.js": "app.listen(3000)",
    "worker.js": "",
    "api/Dockerfile": 'FROM node:22\nCOPY . .\nCMD ["node", "index.js"]\n',
    "api/package.json": '{"dependencies": {"express": "4"}}',
    "api/index.js": "app.listen(3000)",
    "api/worker.js": "",
}

PAIR = """services:
  web:
    build:
      context: ./api
      target: runtime
    image: acme/shop:${TAG:-latest}
    ports: ["8080:3000"]
  worker:
    image: acme/shop
    command: node worker.js
  cache:
    image: redis:7
"""


def test_image_of_a_local_build_is_an_app_service(analyze: Analyze) -> None:
    """§2.2: an `image:` matching a local build tag is an app service, built like its builder."""
    r = analyze({**NODE_APP, "docker-compose.yml": PAIR})
    names = {s.name: s for s in r.services}
    assert sorted(names) == ["web", "worker"]
    worker = names["worker"]
    assert (worker.source_path, worker.project_type) == ("api", "worker")
    assert worker.scripts_start == "node worker.js"
    assert not any(e.name == "worker" for e in r.external), "not a prebuilt sidecar"
    assert any(
        d.decision == "compose_local_image" and d.service == "worker" and "web" in d.value
        for d in r.ledger
    )


def test_image_that_no_service_builds_stays_a_sidecar(analyze: Analyze) -> None:
    """§2.2: `image:` only and not a local tag → prebuilt sidecar, never built."""
    compose = PAIR.replace("    image: acme/shop\n", "    image: acme/shop:1.2\n")
    r = analyze({**NODE_APP, "docker-compose.yml": compose})
    assert [s.name for s in r.services] == ["web"]
    assert {e.name: e.kind for e in r.external}.get("worker") == "sidecar"


def test_local_tag_beats_a_dependency_lookalike_image(analyze: Analyze) -> None:
    """§2.2: a locally built `redis`-named tag is our code, not the managed engine (§6.2)."""
    compose = """services:
  web:
    build: ./api
    image: redis
    ports: ["3000:3000"]
  jobs:
    image: redis:latest
    command: node worker.js
"""
    r = analyze({**NODE_APP, "docker-compose.yml": compose})
    names = {s.name: s for s in r.services}
    assert sorted(names) == ["jobs", "web"]
    assert all(s.dependencies == [] for s in r.services)


def test_local_image_gated_by_a_profile_is_tooling(analyze: Analyze) -> None:
    """§2.2 tooling class wins: a profiled one-shot reusing the app image is ignored."""
    compose = PAIR.replace(
        "    command: node worker.js\n", "    command: node worker.js\n    profiles: [ops]\n"
    )
    r = analyze({**NODE_APP, "docker-compose.yml": compose})
    assert [s.name for s in r.services] == ["web"]
