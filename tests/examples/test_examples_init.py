"""Every runnable example, re-derived from its source by ``odiac init`` (the real CLI).

Each example folder that holds an ``opendeploy.toml`` is copied without that file,
then ``odiac init --json`` and ``odiac init`` run on the copy in a subprocess. The
analysis payload and the written file are snapshotted; the written file must load;
and on the facts the analysis rules can decide (each service's type, port,
framework and language, and the dependency engines it uses) it must agree with the
hand-written file.

Where the hand-written file knows more than the source can prove, the difference
is listed below with the rule that explains it. Each listed difference is checked
to still hold, so a stale entry fails too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.e2e import OdiacExe
from syrupy.assertion import SnapshotAssertion

from odiac.config.loader import load_config
from odiac.config.model import Config

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
EXAMPLES = sorted(p.parent.name for p in EXAMPLES_DIR.glob("*/opendeploy.toml"))
CONFIG = "opendeploy.toml"

# Hand-written service name -> the name init derives (analysis-rules §2.5). A single
# service found by §2.1 rule 4 is named after the project (the folder); the examples
# chose role names. Names are the author's choice, not a fact the source decides.
RENAMED: dict[str, dict[str, str]] = {
    "fastapi-redis-worker": {"web": "fastapi-redis-worker"},
    "flask-postgres": {"web": "flask-postgres"},
    "nextjs-postgres": {"web": "nextjs-postgres"},
    "static-site": {"site": "static-site"},
}

# Hand-written services the source cannot prove, with the reason.
NOT_PROVABLE: dict[tuple[str, str], str] = {
    ("fastapi-redis-worker", "worker"): (
        "app/worker.py runs only under `python -m app.worker`, which no Procfile, compose "
        "file or workspace names (§2.1 rules 1-3); rule 4 gives one service, so the "
        "worker process is the author's knowledge"
    ),
}

# The facts compared, and documented disagreements: (example, service, fact) -> reason.
# "env"/"build_env" are the variable names set in the file (names a dependency in
# `uses` injects are comments in the generated file, and absent from the examples).
FACTS = ("type", "port", "framework", "language", "engines", "env", "build_env")
DIFFERENT: dict[tuple[str, str, str], str] = {
    ("compose-multi", "web", "env"): (
        "the author opts into ADMIN_TOKEN, which src/web.js reads only to guard /reset (the "
        "app runs without it): init writes an optional secret as a commented reference, so "
        "the first plan never waits for it"
    ),
    ("nextjs-postgres", "web", "env"): (
        "the author opts into NOTES_SIGNING_SECRET, which lib/auth.ts reads with a fallback "
        '(`?? ""`): init writes an optional secret as a commented reference'
    ),
    ("nextjs-postgres", "web", "build_env"): (
        "NEXT_TELEMETRY_DISABLED is a tool switch the author opts into; the source never "
        "reads it, and §0.4 forbids inventing env names"
    ),
}

# Differences outside FACTS, decided by the rules in favour of init (or a matter of
# the author's choice); kept here so the comparison is complete and reviewable.
NOTED = {
    "all": "[dependencies.<name>] keys: init names a dependency after its engine "
    "(postgres, redis); the examples chose db/cache. Sizes, replicas, health-check paths, "
    "descriptions, [source] excludes and [environments.*] overlays are deployment "
    "choices the source does not state.",
    "secret references": "init references a required secret by its own name "
    "(env:ADMIN_TOKEN); the examples use prefixed shell variables (env:CLICKS_ADMIN_TOKEN).",
    "build_command": "init leaves it empty for plain Python (§5: the ecosystem needs no "
    "build; installing requirements is the platform's job) and uses `npm run build` for "
    "Next.js (§5); the examples spell out the install step.",
    "start_command": "init writes `--bind 0.0.0.0:$PORT` / `--port $PORT` (§3.3 table); "
    "the examples' `${PORT:-8000}` forms are equivalent because odiac sets PORT to the "
    "service port (§4.4). Extra flags (`--workers 2`) are tuning, not evidence.",
    "nextjs-postgres migrations": "the example folds `npx prisma migrate deploy` into the "
    "start command; §5 reports migrations separately, so init writes `npm run start` and "
    "a `release step to run before start: npm run db:migrate` comment.",
    "env defaults": "flask-postgres APP_GREETING: init writes the code fallback 'Hello' "
    "(§7.3); the example sets its own value.",
}


@dataclass(frozen=True)
class Facts:
    """What the rules decide about one service."""

    type: str
    port: int | None
    framework: str | None
    language: str | None
    engines: frozenset[str]
    env: frozenset[str]
    build_env: frozenset[str]


def _facts(config: Config) -> dict[str, Facts]:
    return {
        name: Facts(
            type=svc.type,
            port=svc.port,
            framework=svc.framework,
            language=svc.language,
            engines=frozenset(config.dependencies[dep].type for dep in svc.uses),
            env=frozenset(svc.env),
            build_env=frozenset(svc.build_env),
        )
        for name, svc in config.services.items()
    }


@pytest.fixture(params=EXAMPLES)
def example(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    """``(name, copy)``: the example's source under ``tmp_path/<name>``, without its config."""
    name: str = request.param
    copy = tmp_path / name
    shutil.copytree(
        EXAMPLES_DIR / name,
        copy,
        ignore=shutil.ignore_patterns(CONFIG, ".opendeploy", "node_modules", "__pycache__"),
    )
    return name, copy


def test_examples_are_selected_by_their_config() -> None:
    """Apps are the folders with an opendeploy.toml; plugin-hello and ci have none."""
    assert {"flask-postgres", "static-site", "compose-multi"} <= set(EXAMPLES)
    assert not {"plugin-hello", "ci"} & set(EXAMPLES)


def test_documented_differences_name_real_examples() -> None:
    for name in RENAMED:
        assert name in EXAMPLES
    for name, _service in NOT_PROVABLE:
        assert name in EXAMPLES
    for name, _service, fact in DIFFERENT:
        assert name in EXAMPLES
        assert fact in FACTS


def test_init_json_analysis(
    example: tuple[str, Path], snapshot: SnapshotAssertion, odiac_exe: OdiacExe
) -> None:
    """``odiac init --json`` prints the §9 payload, writes nothing, and is deterministic."""
    name, copy = example
    first = odiac_exe.run(copy.parent, "init", name, "--json")
    assert first.returncode == 0, first.stderr
    assert not (copy / CONFIG).exists(), "--json writes nothing"
    again = odiac_exe.run(copy.parent, "init", name, "--json")
    assert again.stdout == first.stdout, "§0.7: same tree in, same analysis out"
    assert json.loads(first.stdout) == snapshot(name="analysis")


def test_init_writes_the_example_config(
    example: tuple[str, Path], snapshot: SnapshotAssertion, odiac_exe: OdiacExe
) -> None:
    """The written opendeploy.toml loads and agrees with the hand-written one."""
    name, copy = example
    # the hand-written files describe every service: compare with init for an account
    done = odiac_exe.run(copy.parent, "init", name, "--account")
    assert done.returncode == 0, done.stderr
    text = (copy / CONFIG).read_text(encoding="utf-8")
    assert text == snapshot(name=CONFIG)

    generated = load_config(copy / CONFIG).config
    written = load_config(EXAMPLES_DIR / name / CONFIG).config
    assert generated.project.name == written.project.name
    got = _facts(generated)
    want = _facts(written)
    renamed = RENAMED.get(name, {})
    expected_names = {
        renamed.get(service, service) for service in want if (name, service) not in NOT_PROVABLE
    }
    assert set(got) == expected_names
    for service, facts in want.items():
        ours = renamed.get(service, service)
        if (name, service) in NOT_PROVABLE:
            assert ours not in got, f"{service} is now found: drop it from NOT_PROVABLE"
            continue
        for fact in FACTS:
            theirs, mine = getattr(facts, fact), getattr(got[ours], fact)
            if (name, service, fact) in DIFFERENT:
                assert mine != theirs, f"{service}.{fact} now agrees: drop it from DIFFERENT"
            else:
                assert mine == theirs, (
                    f"{name}: {service}.{fact}: init {mine!r}, example {theirs!r}"
                )
