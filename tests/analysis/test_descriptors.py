"""Deployment descriptors: Dockerfile (§3.13, §4.1-§4.2), compose (§2.1-§2.2), Procfile (§2.3)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from odiac.analysis.compose import container_ports, interpolate, merge_service
from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]
NODE_APP = {"package.json": '{"dependencies": {"express": "4"}}', "index.js": "app.listen(3000)"}


def codes(result: ProjectAnalysisResult) -> set[str]:
    return {item.code for item in result.review}


def test_expose_drops_ssh_and_records_ignored_ports(analyze: Analyze) -> None:
    """§4.2 step a: 22 is never the HTTP port; the ledger lists it."""
    r = analyze(
        {**NODE_APP, "Dockerfile": 'FROM node:20\nEXPOSE 22 3000\nCMD ["node", "index.js"]\n'}
    )
    svc = r.services[0]
    assert (svc.port, svc.build_tool, svc.scripts_start) == (3000, "docker", "node index.js")
    assert any(d.decision == "ignored_ports" and d.value == "22" for d in r.ledger)


def test_expose_with_arg_default(analyze: Analyze) -> None:
    """§3.13: `EXPOSE ${PORT}` resolves through an ARG default."""
    r = analyze(
        {
            **NODE_APP,
            "Dockerfile": "FROM node:20\nARG PORT=8080\nEXPOSE ${PORT}\nCMD node index.js\n",
        }
    )
    assert r.services[0].port == 8080


def test_exec_form_port_variable_is_blocking(analyze: Analyze) -> None:
    """§4.4: an exec-form CMD passes $PORT unexpanded."""
    r = analyze(
        {
            **NODE_APP,
            "Dockerfile": 'FROM python:3.12\nEXPOSE 8000\nCMD ["gunicorn", "-b", "0.0.0.0:$PORT", "app:app"]\n',
        }
    )
    assert any(i.code == "exec_form_port" and i.severity == "blocking" for i in r.review)


def test_expose_contradicted_by_cmd_is_a_port_conflict(analyze: Analyze) -> None:
    """§4.1: rung 3 contradicting rung 1 is reported, not silently chosen."""
    r = analyze(
        {**NODE_APP, "Dockerfile": "FROM node:20\nEXPOSE 3000\nCMD node index.js --port 8080\n"}
    )
    assert "port_conflict" in codes(r)


def test_apache_base_image_default(analyze: Analyze) -> None:
    """§4.5: final stage php:*-apache serves on 80."""
    r = analyze(
        {
            "index.php": "<?php echo 1;",
            "Dockerfile": "FROM composer AS v\nFROM php:8.3-apache\nCOPY . /var/www/html\n",
        }
    )
    assert r.services[0].port == 80
    assert "dockerfile_no_cmd" in codes(r)


COMPOSE = """
services:
  web:
    build: .
    command: node index.js
    ports:
      - "127.0.0.1:8080:3000"
    environment:
      DATABASE_URL: postgres://app:pw@db:5432/app
      LOG_LEVEL: debug
    depends_on: [db]
  worker:
    build: .
    command: node worker.js
  db:
    image: postgres:16
  mq:
    image: rabbitmq:3
  proxy:
    image: nginx:1.27
  migrate:
    build: .
    restart: "no"
    command: npm run migrate
  adminer:
    image: adminer
    profiles: [tools]
"""


def test_compose_graph(analyze: Analyze) -> None:
    """§2.2: app services, managed dependency, external, proxy, tooling classes."""
    r = analyze({**NODE_APP, "docker-compose.yml": COMPOSE, "worker.js": ""})
    names = {s.name: s for s in r.services}
    assert sorted(names) == ["web", "worker"]
    assert (names["web"].port, names["web"].project_type) == (3000, "web")
    assert (names["worker"].port, names["worker"].project_type) == (None, "worker")
    assert names["web"].dependencies == ["postgres"]
    assert names["worker"].dependencies == []
    kinds = {e.name: e.kind for e in r.external}
    assert kinds == {"mq": "external", "proxy": "proxy"}
    env = {v.name: v for v in names["web"].runtime_vars}
    assert env["DATABASE_URL"].default == "", "compose passwords never become defaults"
    assert env["LOG_LEVEL"].default == "", "a compose value is no default (code or template only)"


def test_compose_with_only_databases_does_not_split(analyze: Analyze) -> None:
    """§2.1: a dependency-only compose file falls through; its image names the engine."""
    r = analyze({
        **NODE_APP, "index.js": "const u = process.env.DATABASE_URL; app.listen(3000)",
        "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n",
    })  # fmt: skip
    assert [s.name for s in r.services] == ["app"]
    assert r.services[0].dependencies == ["postgres"]


def test_test_compose_files_are_ignored(analyze: Analyze) -> None:
    """§2.1: *.test.* compose files never trigger rule 1 (weak evidence only, §6.3)."""
    r = analyze(
        {
            **NODE_APP,
            "docker-compose.test.yml": "services:\n  t:\n    build: .\n  db:\n    image: mysql:8\n",
        }
    )
    assert [s.name for s in r.services] == ["app"]
    assert r.services[0].dependencies == []


def test_compose_prod_overlay_merges(analyze: Analyze) -> None:
    """§2.1 / §2.2: base + production overlay, ports concatenated, command replaced."""
    r = analyze({
        **NODE_APP,
        "compose.yaml": "services:\n  web:\n    build: .\n    command: node dev.js\n    ports: ['3000:3000']\n",
        "compose.prod.yaml": "services:\n  web:\n    command: node index.js\n",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.name, svc.scripts_start, svc.port) == ("web", "node index.js", 3000)


@pytest.mark.parametrize(
    ("entry", "port"),
    [("8080:80", 80), ("127.0.0.1:8000:8000", 8000), ("${WEB_PORT:-8080}:80", 80),
     ("8080:${APP_PORT:-3000}", 3000), ("3000", 3000)],
)  # fmt: skip
def test_port_mappings(entry: str, port: int) -> None:
    """§2.2 port mapping table."""
    assert container_ports({"ports": [entry]}) == ([port], [])


def test_port_ranges_udp_and_unresolved() -> None:
    """§2.2: ranges are recorded, not used; /udp ignored; `${X}` without default unresolved."""
    assert container_ports({"ports": ["9000-9005:9000-9005", "53:53/udp", "${PORT}:${PORT}"]}) == (
        [],
        ["9000-9005"],
    )
    assert interpolate("${A:-1}${B-2}") == "12"
    assert interpolate("${A:?required}") is None


def test_overlay_merge_rules() -> None:
    """§2.2: scalars replaced, mappings merged key by key, ports de-duplicated."""
    merged = merge_service(
        {"image": "a", "environment": ["A=1", "B=2"], "ports": ["80:80"]},
        {"image": "b", "environment": {"B": "3"}, "ports": ["80:80", "443:443"]},
    )
    assert merged == {
        "image": "b",
        "environment": {"A": "1", "B": "3"},
        "ports": ["80:80", "443:443"],
    }


def test_procfile_roles_and_release(analyze: Analyze) -> None:
    """§2.3: web/worker/clock roles, release is a pre-deploy command, migrations in web are reported."""
    r = analyze({
        "requirements.txt": "flask\ngunicorn\ncelery\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "Procfile": "web: flask db upgrade; gunicorn app:app --bind 0.0.0.0:$PORT\nworker: celery -A app worker\nclock: celery -A app beat\nrelease: python migrate.py\n",
        "Procfile.dev": "web: flask run --debug\n",
    })  # fmt: skip
    names = {s.name: s for s in r.services}
    assert sorted(names) == ["clock", "web", "worker"]
    assert [names[n].project_type for n in ("web", "worker", "clock")] == ["web", "worker", "cron"]
    assert names["web"].scripts_start.startswith("flask db upgrade; gunicorn")
    assert r.extras["web"].release_commands == ["flask db upgrade", "python migrate.py"]
    assert names["web"].port == 5000


def test_compose_dev_target_uses_the_final_stage(analyze: Analyze) -> None:
    """§2.2: `target: dev` → the production start comes from the final stage, and the plan says so."""
    r = analyze({
        **NODE_APP,
        "Dockerfile": "FROM node:20 AS dev\nCMD npm run dev\nFROM node:20 AS prod\nEXPOSE 3000\nCMD node index.js\n",
        "docker-compose.yml": "services:\n  web:\n    build:\n      context: .\n      target: dev\n    ports: ['3000:3000']\n",
    })  # fmt: skip
    assert r.services[0].scripts_start == "node index.js"
    assert any(i.code == "dev_build_target" for i in r.review)


def test_procfile_dev_command_is_never_the_start(analyze: Analyze) -> None:
    """§5: `uvicorn --reload` is a development server."""
    r = analyze({
        "requirements.txt": "fastapi\nuvicorn\n", "main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "Procfile": "web: uvicorn main:app --reload\n",
    })  # fmt: skip
    assert r.services[0].scripts_start == "uvicorn main:app --host 0.0.0.0 --port $PORT"
    assert any(i.code == "dev_server_start" for i in r.review)
