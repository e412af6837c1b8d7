"""Refusal scan (§11), port selection (§4), payload discipline (§9.1)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from odiac.analysis.ports import choose_http_port, command_ports, number_of
from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]
APP = {
    "package.json": json.dumps(
        {"scripts": {"start": "node a.js"}, "dependencies": {"express": "4"}}
    ),
    "a.js": "app.listen(3000)",
}


@pytest.mark.parametrize(
    "text",
    [
        "./xmrig --donate-level 1",
        "pool: stratum+tcp://pool.example:3333",
        "RUN wget lolMiner.tar.gz",
    ],
)
def test_mining_strings_refuse(analyze: Analyze, text: str) -> None:
    """§11: token-boundary match in scripts; the reason names the file, not its content."""
    r = analyze({**APP, "start.sh": text})
    assert r.refusal is not None
    assert r.refusal.evidence[0] == "start.sh"
    assert "start.sh" in r.refusal.reason
    assert text not in r.refusal.reason
    assert r.payload() == {
        "refused": True,
        "reason": r.refusal.reason,
        "evidence": list(r.refusal.evidence),
    }


def test_t_rex_inside_a_word_is_a_near_miss(analyze: Analyze) -> None:
    """§11: `t-rex` inside an unrelated word is reported for review, not refused."""
    r = analyze({**APP, "public/t-rex-runner.js": "const sprite = 't-rex-runner'"})
    assert r.refusal is None
    assert any(i.code == "mining_near_miss" for i in r.review)


def test_choose_http_port() -> None:
    """§4.2 steps a-d."""
    assert choose_http_port([22, 3000]) == (3000, [22], False)
    assert choose_http_port([443]) == (None, [443], False)
    assert choose_http_port([8080, 7000]) == (8080, [], False)
    assert choose_http_port([7000, 7001]) == (None, [], True)
    assert choose_http_port([3000, 8080], frozenset({8080})) == (8080, [], False)


def test_command_ports() -> None:
    """§4.3 generic flags and §4.4 shell fallbacks."""
    assert command_ports("gunicorn -b 0.0.0.0:8000 app:app") == [(8000, False)]
    assert command_ports("uvicorn m:app --host 0.0.0.0 --port $PORT") == [(None, True)]
    assert command_ports("rails s -p ${PORT:-3000}") == [(3000, True)]
    assert command_ports("java -Dserver.port=9090 -jar app.jar") == [(9090, False)]
    assert command_ports("node index.js") == []


def test_number_of_follows_one_level() -> None:
    """§4.4: literals, quoted literals, wrappers and one indirection."""
    assert number_of("'8080'", "") == 8080
    assert number_of("parseInt(PORTNUM)", "const PORTNUM = 5001") == 5001
    assert number_of("OTHER", "import { OTHER } from './c'") is None


def test_two_candidate_ports_leave_the_port_empty(analyze: Analyze) -> None:
    """§4.2 step d / §0.4: several equal candidates → null and a blocking review item."""
    r = analyze({**APP, "a.js": "x", "Dockerfile": "FROM node\nEXPOSE 7000 7001\nCMD node a.js\n"})
    assert r.services[0].port is None
    assert any(i.code == "port_ambiguous" and i.severity == "blocking" for i in r.review)


def test_payload_has_exactly_the_section_9_fields(analyze: Analyze) -> None:
    """§9.1 / §9.2: exact field names, one object for one service."""
    payload = analyze(APP).payload()
    assert list(payload) == [
        "name", "source_path", "language", "language_version", "framework", "build_tool",
        "package_manager", "package_manager_version", "lockfile", "dependency_resolution",
        "project_type", "port", "entry_point", "output_directory", "scripts_build", "scripts_start",
        "database_type", "dependencies", "runtime_vars", "build_time_vars", "ai_config",
    ]  # fmt: skip
    assert list(payload["ai_config"]) == [
        "requires_ai_api_key",
        "detected_providers",
        "api_key_vars",
        "base_url_vars",
    ]


def test_every_non_empty_field_has_evidence(analyze: Analyze) -> None:
    """§0.1: every decided field is in the ledger with a file."""
    r = analyze({**APP, "package-lock.json": "{}"})
    svc = r.services[0]
    decided = {d.decision for d in r.ledger if d.service == svc.name and d.evidence}
    for field in ("language", "framework", "package_manager", "lockfile", "scripts_start", "port"):
        assert getattr(svc, field) not in ("", None)
        assert field in decided


def test_analysis_is_deterministic(analyze: Analyze) -> None:
    """§0.7: same tree in, same analysis out."""
    first = analyze(APP, name="same").payload()
    assert analyze(APP, name="same").payload() == first


def test_complexity_storage_and_aliases(analyze: Analyze) -> None:
    """§9.3 complexity class, §6.7 storage signals, §6.6 env aliases."""
    r = analyze({
        **APP, "a.js": "app.listen(3000); process.env.DB_HOST; process.env.POSTGRES_DB; process.env.APP_UPLOAD_DIR",
        "Dockerfile": "FROM node\nEXPOSE 22 3000\nVOLUME /data\nCMD node a.js\n",
    })  # fmt: skip
    extras = r.extras["app"]
    assert r.complexity == "multi_protocol"
    assert extras.storage == ["VOLUME /data", "env APP_UPLOAD_DIR"]
    assert extras.env_aliases == {"DB_HOST": "postgres.POSTGRES_HOST"}
    assert analyze({"index.html": "<p>hi</p>"}, name="site").complexity == "static"
