"""The runnable examples: valid, within the unclaimed-agent caps, secrets by reference only.

End-to-end application of every example is tested with the applier; these
checks keep the files themselves honest and fast to verify.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from helpers.e2e import OdiacExe

from odiac.config.loader import load_config
from odiac.config.model import Config, SecretRef
from odiac.config.sensitive import is_sensitive_key

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
EXAMPLES = sorted(p.parent for p in EXAMPLES_DIR.glob("*/opendeploy.toml"))
REQUIRED = {
    "flask-postgres",
    "nextjs-postgres",
    "fastapi-redis-worker",
    "static-site",
    "compose-multi",
}
# Applied by an unclaimed agent (the README demo): one project, one service.
NO_ACCOUNT = {"flask-postgres", "static-site"}
# Contract §5.1: what a pending agent may ask for, sent explicitly.
CAPS = {
    "cpu": "1",
    "cpu_request": "500m",
    "memory": "1Gi",
    "memory_request": "512Mi",
    "replicas": 1,
}
SOURCE_SUFFIXES = {".py", ".js", ".ts", ".tsx", ".prisma", ".html"}
# Connection variables a dependency injects (contract §3.4.2) and the engine that provides them.
INJECTED = {"DATABASE_URL": "postgres", "REDIS_URL": "redis"}


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def _load(example: Path, environment: str = "staging") -> Config:
    return load_config(example / "opendeploy.toml", environment).config


def _environments(example: Path) -> list[str]:
    raw = tomllib.loads((example / "opendeploy.toml").read_text(encoding="utf-8"))
    return ["staging", *sorted(raw.get("environments", {}))]


def _source_text(example: Path) -> str:
    files = sorted(p for p in example.rglob("*") if p.is_file() and p.suffix in SOURCE_SUFFIXES)
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def test_every_required_example_exists() -> None:
    assert {p.name for p in EXAMPLES} >= REQUIRED


def test_project_names_are_unique() -> None:
    names = [_load(example).project.name for example in EXAMPLES]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("example", EXAMPLES, ids=_ids(EXAMPLES))
def test_loads_without_warnings_in_every_environment(example: Path) -> None:
    for environment in _environments(example):
        loaded = load_config(example / "opendeploy.toml", environment)
        assert loaded.warnings == (), [str(w) for w in loaded.warnings]
        assert loaded.config.gateway.url == "local"


@pytest.mark.parametrize("example", EXAMPLES, ids=_ids(EXAMPLES))
def test_base_sizes_are_exactly_the_pending_agent_caps(example: Path) -> None:
    for name, service in _load(example).services.items():
        sizes = {key: getattr(service, key) for key in CAPS}
        assert sizes == CAPS, name


@pytest.mark.parametrize("example", EXAMPLES, ids=_ids(EXAMPLES))
def test_service_count_matches_the_account_it_needs(example: Path) -> None:
    config = _load(example)
    header = (example / "opendeploy.toml").read_text(encoding="utf-8").split("\nversion", 1)[0]
    if example.name in NO_ACCOUNT:
        assert len(config.services) == 1
    else:
        assert len(config.services) >= 1
    if len(config.services) > 1:
        # Multi-service examples say up front that an unclaimed agent cannot apply them.
        assert "account" in header
        assert "one service" in header


@pytest.mark.parametrize("example", EXAMPLES, ids=_ids(EXAMPLES))
def test_services_declare_their_runtime(example: Path) -> None:
    for name, service in _load(example).services.items():
        assert service.language, name
        assert service.framework, name
        assert (example / service.path).is_dir(), name
        if service.type == "worker":
            assert service.port is None, name
            assert service.start_command, name
        else:
            assert service.port is not None, name
            assert service.health_check_path, name
        if service.type != "static":
            assert service.start_command, name
        if service.dockerfile:
            assert (example / service.path / service.dockerfile).is_file(), name


@pytest.mark.parametrize("example", EXAMPLES, ids=_ids(EXAMPLES))
def test_secrets_are_references_and_documented(example: Path) -> None:
    readme = (example / "README.md").read_text(encoding="utf-8")
    for environment in _environments(example):
        for name, service in _load(example, environment).services.items():
            for key, value in {**service.env, **service.build_env}.items():
                if isinstance(value, SecretRef):
                    assert value.scheme == "env", (name, key)
                    assert value.ref in readme, f"{value.ref} is not documented in README.md"
                else:
                    assert not is_sensitive_key(key), f"{name}.{key} is a literal secret"


@pytest.mark.parametrize("example", EXAMPLES, ids=_ids(EXAMPLES))
def test_env_keys_are_read_by_the_app(example: Path) -> None:
    source = _source_text(example)
    for name, service in _load(example).services.items():
        for key in service.env:
            assert re.search(rf"\b{key}\b", source), f"{name}.{key} is never read"


@pytest.mark.parametrize("example", EXAMPLES, ids=_ids(EXAMPLES))
def test_dependencies_are_wired_where_the_app_reads_them(example: Path) -> None:
    config = _load(example)
    source = _source_text(example)
    engines = {dep: section.type for dep, section in config.dependencies.items()}
    used = {engines[dep] for service in config.services.values() for dep in service.uses}
    for variable, engine in INJECTED.items():
        assert (variable in source) == (engine in used), variable
    assert set(engines.values()) == used, "every declared dependency is used"


@pytest.mark.parametrize("example", EXAMPLES, ids=_ids(EXAMPLES))
def test_readme_shows_plan_and_apply(example: Path) -> None:
    readme = (example / "README.md").read_text(encoding="utf-8")
    assert "odiac plan" in readme
    assert "odiac apply" in readme


def test_plugin_hello_suite_passes(odiac_exe: OdiacExe) -> None:
    plugin = EXAMPLES_DIR / "plugin-hello"
    tests = plugin / "tests"
    result = odiac_exe.python(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", tests, cwd=plugin, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
