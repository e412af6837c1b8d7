"""The configuration API other parts of odiac are written against, pinned."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

from odiac.config import diagnostics, loader, sensitive
from odiac.config.diagnostics import Diagnostic, Location
from odiac.config.loader import LoadedConfig, load_config


def test_load_config_signature() -> None:
    signature = inspect.signature(load_config)
    assert list(signature.parameters) == ["path", "environment", "overrides"]
    assert signature.parameters["environment"].default is None  # the file's default environment
    assert signature.parameters["overrides"].kind is inspect.Parameter.KEYWORD_ONLY
    assert signature.parameters["overrides"].default is None


def test_diagnostic_fields_in_order() -> None:
    names = [f.name for f in dataclasses.fields(Diagnostic)]
    assert names == ["file", "line", "column", "key_path", "message", "severity"]
    assert [f.name for f in dataclasses.fields(Location)] == ["file", "line", "column"]


def test_loaded_config_members() -> None:
    public = {f.name for f in dataclasses.fields(LoadedConfig) if not f.name.startswith("_")}
    assert public == {
        "config",
        "path",
        "environment",
        "digest",
        "warnings",
        "default_environment",
        "environments",
        "overlay_name",
    }
    assert callable(LoadedConfig.locate)


def test_module_entry_points() -> None:
    assert loader.load_config is load_config
    assert diagnostics.Diagnostic is Diagnostic
    assert callable(sensitive.is_sensitive_key)


def test_locate_returns_a_location(tmp_path: Path) -> None:
    path = tmp_path / "opendeploy.toml"
    path.write_text('[project]\nname = "a"\n')
    assert load_config(path).locate(("project", "name")) == Location(str(path), 2, 8)
