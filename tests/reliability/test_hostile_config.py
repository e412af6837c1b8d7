"""Hostile opendeploy.toml: any document, any value in any field, never a traceback.

``load_config`` either returns a configuration or raises :class:`ConfigError` with
at least one diagnostic (file, line, key path, message); ``odiac validate`` prints
the diagnostics and exits 1, or says the file is valid and exits 0: never a
traceback, and always the same verdict as the in-process loader.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest
import tomlkit
from helpers.e2e import OdiacExe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from odiac.config.diagnostics import Diagnostic
from odiac.config.loader import LoadedConfig, load_config
from odiac.config.model import (
    Config,
    DependencySection,
    EnvRef,
    GatewaySection,
    ProjectSection,
    SecretRef,
    ServiceSection,
    SourceSection,
    VolumeSection,
)
from odiac.errors import ConfigError, UsageError

TRACEBACK = "Traceback (most recent call last)"

# A complete, valid document: every section present, so that every field has a home.
VALID: dict[str, Any] = {
    "version": 1,
    "gateway": {"url": "local"},
    "project": {"name": "shop", "description": "a shop"},
    "source": {"path": ".", "exclude": ["*.log"]},
    "dependencies": {"db": {"type": "postgres"}},
    "services": {
        "web": {
            "type": "web",
            "port": 8000,
            "cpu": "1",
            "memory": "1Gi",
            "uses": ["db"],
            "env": {
                "LOG_LEVEL": "info",
                "API_KEY": {"secret": "env:API_KEY"},
                "DB_HOST": {"ref": "db.POSTGRES_HOST"},
            },
            "build_env": {"NODE_ENV": "production"},
        },
        "store": {"type": "worker", "volumes": {"data": {"mount_path": "/data", "size": "1Gi"}}},
    },
    "environments": {"production": {"services": {"web": {"replicas": 2}}}},
}

SECTIONS: list[tuple[tuple[str, ...], type[BaseModel]]] = [
    ((), Config),
    (("gateway",), GatewaySection),
    (("project",), ProjectSection),
    (("source",), SourceSection),
    (("dependencies", "db"), DependencySection),
    (("services", "web"), ServiceSection),
    (("services", "store", "volumes", "data"), VolumeSection),
    (("environments", "production", "services", "web"), ServiceSection),
    (("environments", "production", "project"), ProjectSection),
]


def _field_paths() -> list[tuple[str, ...]]:
    """Every field of the configuration model, at each place it can be written."""
    paths = [(*prefix, name) for prefix, model in SECTIONS for name in model.model_fields]
    paths += [
        ("services", "web", "env", "LOG_LEVEL"),
        ("services", "web", "env", "API_KEY", "secret"),
        ("services", "web", "env", "DB_HOST", "ref"),
        ("services", "web", "build_env", "NODE_ENV"),
        ("source", "token", "secret"),
    ]
    return sorted(set(paths))


FIELD_PATHS = _field_paths()

toml_scalars = (
    st.text(max_size=30)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats()
    | st.booleans()
    | st.datetimes(timezones=st.none() | st.just(dt.UTC))
    | st.dates()
    | st.times()
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _set(document: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Write ``value`` at ``path``, turning whatever lies on the way into tables."""
    node = document
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _dump(document: dict[str, Any]) -> str | None:
    """TOML text for ``document``, or None when TOML cannot express it (e.g. a NaN key)."""
    try:
        return tomlkit.dumps(document)
    except (TypeError, ValueError, tomlkit.exceptions.TOMLKitError):
        return None


def _load(
    text: str | bytes, environment: str = "staging"
) -> LoadedConfig | ConfigError | UsageError:
    with tempfile.TemporaryDirectory(prefix="odiac-hostile-") as folder:
        path = Path(folder) / "opendeploy.toml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        try:
            return load_config(path, environment)
        except ConfigError as exc:
            _assert_diagnosed(exc)
            return exc
        except UsageError as exc:
            # An environment name that cannot name a project: refused, with the reason.
            _assert_usage(exc)
            return exc


def _assert_usage(exc: UsageError) -> None:
    assert "environment" in exc.message
    assert exc.exit_code == 64


def _assert_diagnosed(exc: ConfigError) -> None:
    assert exc.diagnostics, "a ConfigError without a diagnostic"
    for diagnostic in exc.diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        assert diagnostic.message.strip()
        assert diagnostic.line >= 0
        assert diagnostic.column >= 0
        assert str(diagnostic)


def test_the_base_document_is_valid() -> None:
    """The mutations below start from a valid file, so each failure is the mutation's."""
    text = _dump(_copy(VALID))
    assert text is not None
    assert isinstance(_load(text), LoadedConfig)


def _models(annotation: Any) -> set[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {annotation}
    return {m for arg in get_args(annotation) for m in _models(arg)}


def test_every_section_model_is_mutated() -> None:
    """A new section of the model must join SECTIONS, or its fields go untested."""
    reachable: set[type[BaseModel]] = set()
    pending: list[type[BaseModel]] = [Config]
    while pending:
        model = pending.pop()
        reachable.add(model)
        for info in model.model_fields.values():
            pending.extend(_models(info.annotation) - reachable)
    # SecretRef is covered through the secret paths of env values and source.token,
    # EnvRef through the ref path of an env value.
    assert reachable - {SecretRef, EnvRef} == {model for _, model in SECTIONS}


@settings(max_examples=80, deadline=None)
@given(
    edits=st.lists(st.tuples(st.sampled_from(FIELD_PATHS), toml_values), min_size=1, max_size=3),
    environment=st.sampled_from(["staging", "production"]),
)
def test_arbitrary_values_in_any_field_give_diagnostics(
    edits: list[tuple[tuple[str, ...], Any]], environment: str
) -> None:
    document = _copy(VALID)
    for path, value in edits:
        _set(document, path, value)
    text = _dump(document)
    if text is not None:
        _load(text, environment)


@settings(max_examples=60, deadline=None)
@given(document=st.dictionaries(st.text(max_size=12), toml_values, max_size=6))
def test_arbitrary_toml_documents_give_diagnostics(document: dict[str, Any]) -> None:
    text = _dump(document)
    if text is not None:
        _load(text)


@settings(max_examples=60, deadline=None)
@given(
    raw=st.binary(max_size=200)
    | st.text(max_size=200).map(str.encode)
    | st.sampled_from(
        [
            b"\xef\xbb\xbf[project]\nname = 'shop'\n",  # BOM
            b'[project]\nname = "shop\x00"\n',
            b"[[services]]\nname = 'web'\n",
            b"[services.web]\n[services.web]\n",
            b"project = { name = 'shop', name = 'x' }\n",
            b"[" * 2000,
            b"[project]\nname = '" + b"x" * 100_000 + b"'\n",
        ]
    ),
    environment=st.text(max_size=20),
)
def test_arbitrary_bytes_and_environment_names_give_diagnostics(
    raw: bytes, environment: str
) -> None:
    _load(raw, environment)


# A handful of hostile files through the real executable: same verdict, no traceback.
CLI_CASES = {
    "binary": b"\x00\xff\xfe garbage",
    "not-utf8": b"[project]\nname = '\xff'\n",
    "wrong-types": b"version = 'one'\n[project]\nname = 42\n[services]\nweb = []\n",
    "table-redefined": b"[project]\nname = 'a'\n[project]\nname = 'b'\n",
    "huge-string": b"[project]\nname = '" + b"x" * 200_000 + b"'\n",
    "env-array": b"[project]\nname = 'a'\n[services.web.env]\nA = [1, {b = 2}]\n",
    "secret-bad": b"[project]\nname = 'a'\n[services.web.env]\nA = { secret = 7 }\n",
}


Validate = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def validate(odiac_exe: OdiacExe) -> Validate:
    """``odiac --env ENV validate`` in a folder (the executable, no terminal)."""

    def run(folder: Path, environment: str = "staging") -> subprocess.CompletedProcess[str]:
        return odiac_exe.run(folder, "--env", environment, "validate", timeout=60)

    return run


def test_validate_reports_hostile_files_with_exit_1(tmp_path: Path, validate: Validate) -> None:
    for name, raw in CLI_CASES.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "opendeploy.toml").write_bytes(raw)
        result = validate(folder)
        output = result.stdout + result.stderr
        assert TRACEBACK not in output, name
        assert result.returncode == 1, f"{name}: {output[-500:]}"
        assert "is invalid" in result.stdout, name
        assert "opendeploy.toml:" in result.stdout, name  # a diagnostic with a position


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(st.tuples(st.sampled_from(FIELD_PATHS), toml_values), min_size=1, max_size=2))
def test_validate_agrees_with_the_loader(
    tmp_path: Path, validate: Validate, edits: list[tuple[tuple[str, ...], Any]]
) -> None:
    document = _copy(VALID)
    for path, value in edits:
        _set(document, path, value)
    text = _dump(document)
    if text is None:
        return
    verdict = _load(text)
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        (Path(folder) / "opendeploy.toml").write_text(text, encoding="utf-8")
        result = validate(Path(folder))
    assert TRACEBACK not in result.stdout + result.stderr
    assert result.returncode == (1 if isinstance(verdict, ConfigError) else 0), result.stdout


DEEP = b"a = " + b"[" * 600 + b"]" * 600 + b"\n"


def test_deeply_nested_values_give_a_diagnostic() -> None:
    assert isinstance(_load(DEEP), ConfigError)


def test_validate_reports_deep_nesting_without_a_traceback(
    tmp_path: Path, validate: Validate
) -> None:
    (tmp_path / "opendeploy.toml").write_bytes(DEEP)
    result = validate(tmp_path)
    assert TRACEBACK not in result.stdout + result.stderr
    assert result.returncode == 1
