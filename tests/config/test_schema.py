"""The JSON Schema: kept in sync with the models and agreeing with the loader."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from odiac.config.model import (
    Config,
    DependencySection,
    GatewaySection,
    ProjectSection,
    ServiceSection,
    SourceSection,
)
from odiac.config.schema import BASE_ONLY, SCHEMA_FILE, build_schema, render_schema

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"


def test_checked_in_schema_is_in_sync() -> None:
    checked_in = (ROOT / SCHEMA_FILE).read_text(encoding="utf-8")
    assert checked_in == render_schema(), (
        f"{SCHEMA_FILE} is stale: regenerate it with `odiac schema -o {SCHEMA_FILE}`"
    )


@pytest.mark.parametrize(
    ("definition", "model"),
    [
        ("GatewaySection", GatewaySection),
        ("ProjectSection", ProjectSection),
        ("SourceSection", SourceSection),
        ("DependencySection", DependencySection),
        ("ServiceSection", ServiceSection),
    ],
)
def test_every_model_key_is_in_the_schema_and_its_overlay(definition: str, model: type) -> None:
    defs = build_schema()["$defs"]
    assert set(defs[definition]["properties"]) == set(model.model_fields)
    overlay = defs[definition + "Overlay"]
    base_only = set(BASE_ONLY) if model is ProjectSection else set()
    assert set(overlay["properties"]) == set(model.model_fields) - base_only
    assert "required" not in overlay
    assert overlay["additionalProperties"] is False


def test_top_level_keys_and_no_nulls() -> None:
    schema = build_schema()
    assert set(schema["properties"]) == set(Config.model_fields)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert '"null"' not in render_schema()  # TOML has no null


# A small validator for the JSON Schema subset the schema uses, so that the
# schema is checked against real files without another dependency.
def _errors(schema: dict[str, Any], value: Any, root: dict[str, Any], path: str = "") -> list[str]:
    if "$ref" in schema:
        return _errors(root["$defs"][schema["$ref"].rsplit("/", 1)[1]], value, root, path)
    found: list[str] = []
    kinds = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
    }
    kind = schema.get("type")
    if kind and (
        not isinstance(value, kinds[kind])
        or (kind in ("integer", "number") and isinstance(value, bool))
    ):
        return [f"{path}: not {kind}"]
    if "const" in schema and value != schema["const"]:
        found.append(f"{path}: not {schema['const']}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: not in enum")
    if "not" in schema and not _errors(schema["not"], value, root, path):
        found.append(f"{path}: matches 'not'")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(
            schema["pattern"].replace("\\u0000", "\\x00"), value
        ):
            found.append(f"{path}: pattern")
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 10**9):
            found.append(f"{path}: length")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < schema.get("minimum", -(10**18)) or value > schema.get("maximum", 10**18):
            found.append(f"{path}: range")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            found.append(f"{path}: range")
    for key in ("anyOf", "oneOf"):
        if key in schema:
            passing = [option for option in schema[key] if not _errors(option, value, root, path)]
            if not passing or (key == "oneOf" and len(passing) > 1):
                found.append(f"{path}: {key}")
    if isinstance(value, list) and "items" in schema:
        for number, item in enumerate(value):
            found += _errors(schema["items"], item, root, f"{path}[{number}]")
    if isinstance(value, dict):
        found += [f"{path}.{k}: required" for k in schema.get("required", []) if k not in value]
        properties = schema.get("properties", {})
        for key, item in value.items():
            if "propertyNames" in schema:
                found += _errors(schema["propertyNames"], key, root, f"{path}.{key}")
            if key in properties:
                found += _errors(properties[key], item, root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{path}.{key}: unknown")
            elif isinstance(schema.get("additionalProperties"), dict):
                found += _errors(schema["additionalProperties"], item, root, f"{path}.{key}")
    return found


@pytest.mark.parametrize(
    "path",
    [ROOT / "opendeploy.toml.example", *sorted((FIXTURES / "valid").glob("*.toml"))],
    ids=lambda p: p.name,
)
def test_schema_accepts_every_valid_file(path: Path) -> None:
    schema = build_schema()
    assert _errors(schema, tomllib.loads(path.read_text(encoding="utf-8")), schema) == []


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        ('[project]\nname = "Shop"', ".project.name: pattern"),
        ('[project]\nname = "a"\n[services.web]\ncpu = "two"', ".services.web.cpu: anyOf"),
        ('[project]\nname = "a"\n[services.web]\nmemory = "1Gb"', ".services.web.memory: pattern"),
        (
            '[project]\nname = "a"\n[services.web]\nsubdomain = "api"',
            ".services.web.subdomain: matches 'not'",
        ),
        ('[project]\nname = "a"\n[services.Web]', ".services.Web: pattern"),
        ('[project]\nname = "a"\n[services.w.env]\nA = 1', ".services.w.env.A: oneOf"),
        ('[project]\nname = "a"\n[gateway]\nurl = "https://x/api/"', ".gateway.url: anyOf"),
        (
            '[project]\nname = "a"\n[environments.prod.services.w]\nprot = 1',
            ".environments.prod.services.w.prot: unknown",
        ),
        (
            '[project]\nname = "a"\n[environments.prod]\nversion = 1',
            ".environments.prod.version: unknown",
        ),
        ("[services.w]", ".project: required"),
    ],
)
def test_schema_rejects_what_the_loader_rejects(toml: str, fragment: str) -> None:
    schema = build_schema()
    assert fragment in _errors(schema, tomllib.loads(toml), schema)


def test_schema_is_valid_json_with_a_title() -> None:
    data = json.loads((ROOT / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert data["title"] == "opendeploy.toml"
