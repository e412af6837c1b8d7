"""Fixtures for configuration tests: write a file, load it, collect diagnostics."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from odiac.config.diagnostics import Diagnostic
from odiac.config.loader import LoadedConfig, load_config
from odiac.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = '[project]\nname = "shop"\n'


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Write dedented TOML to ``opendeploy.toml`` in a fresh folder; return its relative path.

    The test runs inside that folder so diagnostics name the file as users see it.
    """
    monkeypatch.chdir(tmp_path)

    def write(text: str) -> Path:
        path = Path("opendeploy.toml")
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def load(config_file: Callable[[str], Path]) -> Callable[..., LoadedConfig]:
    """Write TOML and load it; fails the test if the file is invalid."""

    def run(text: str, environment: str = "staging", **kwargs: object) -> LoadedConfig:
        return load_config(config_file(text), environment, **kwargs)  # type: ignore[arg-type]

    return run


@pytest.fixture
def diagnose(config_file: Callable[[str], Path]) -> Callable[..., list[Diagnostic]]:
    """Write TOML, expect loading to fail, and return the error's diagnostics."""

    def run(text: str, environment: str = "staging", **kwargs: object) -> list[Diagnostic]:
        with pytest.raises(ConfigError) as caught:
            load_config(config_file(text), environment, **kwargs)  # type: ignore[arg-type]
        diagnostics = caught.value.diagnostics
        assert diagnostics, "a ConfigError must carry at least one diagnostic"
        assert all(isinstance(d, Diagnostic) for d in diagnostics)
        return diagnostics  # type: ignore[return-value]

    return run


@pytest.fixture
def problems(diagnose: Callable[..., list[Diagnostic]]) -> Callable[..., list[str]]:
    """Like ``diagnose`` but as the printed text of each diagnostic."""

    def run(text: str, environment: str = "staging", **kwargs: object) -> list[str]:
        return [str(d) for d in diagnose(text, environment, **kwargs)]

    return run
