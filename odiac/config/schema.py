"""The JSON Schema of ``opendeploy.toml`` for editors (taplo, Even Better TOML).

Generated from the models, then tidied for TOML: TOML has no null, so optional
keys are simply absent; table names get ``propertyNames`` patterns; and
``[environments.<name>]`` overlays get copies of the section schemas in which
nothing is required, since an overlay only states what differs.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from odiac.config.model import OVERLAY_SECTIONS, Config

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILE = "opendeploy.schema.json"
_OVERLAY_SUFFIX = "Overlay"
_WHOLE_VALUES = frozenset({"SecretRef", "EnvRef"})  # replaced whole by an overlay, never merged
#: [project] keys only the base may set (not part of the overlay schema).
BASE_ONLY = ("default_environment",)


def build_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of format version 1, as a JSON-ready dict."""
    schema = _tidy(Config.model_json_schema(mode="validation"))
    defs: dict[str, Any] = schema.pop("$defs")
    for name in [name for name in defs if name not in _WHOLE_VALUES]:
        overlay = _without_required(copy.deepcopy(defs[name]))
        defs[name + _OVERLAY_SUFFIX] = _retarget(overlay)
    for key in BASE_ONLY:
        defs["ProjectSection" + _OVERLAY_SUFFIX]["properties"].pop(key)
    overlay_properties = {
        key: _retarget(_without_required(copy.deepcopy(schema["properties"][key])))
        for key in OVERLAY_SECTIONS
    }
    overlay_properties["project"] = {
        "anyOf": [
            {"type": "string", "description": "This environment's project name (short form)."},
            overlay_properties["project"],
        ]
    }
    defs["Overlay"] = {
        "type": "object",
        "description": "Keys that differ in this environment; merged over the base.",
        "properties": overlay_properties,
        "additionalProperties": False,
    }
    schema["properties"]["environments"] = {
        "type": "object",
        "description": "Overlays deep-merged over the base, chosen with --env NAME; a name "
        'with wildcards ("pr-*") applies to every matching environment without its own.',
        "propertyNames": {
            "pattern": r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?|[a-z0-9*?\[\]!-]*[*?\[][a-z0-9*?\[\]!-]*)$"
        },
        "additionalProperties": {"$ref": "#/$defs/Overlay"},
    }
    schema.pop("description", None)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "opendeploy.toml",
        "description": "OpenDeploy project configuration read by odiac (format version 1).",
        **schema,
        "$defs": dict(sorted(defs.items())),
    }


def render_schema() -> str:
    """The schema as the text of ``opendeploy.schema.json`` (stable, trailing newline)."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def _tidy(node: Any) -> Any:
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _tidy(value) for key, value in node.items() if key != "title"}
    options = node.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        rest = [option for option in options if option != {"type": "null"}]
        del node["anyOf"]
        if node.get("default", ...) is None:
            del node["default"]
        node = {**rest[0], **node} if len(rest) == 1 else {"anyOf": rest, **node}
    patterns = node.get("patternProperties")
    if isinstance(patterns, dict) and len(patterns) == 1 and "additionalProperties" not in node:
        # Names that break the pattern should be flagged, not silently unchecked.
        ((pattern, value),) = patterns.items()
        del node["patternProperties"]
        node["propertyNames"] = {**node.get("propertyNames", {}), "pattern": pattern}
        node["additionalProperties"] = value
    return node


def _without_required(node: Any) -> Any:
    if isinstance(node, dict):
        node.pop("required", None)
        node.pop("default", None)
        for value in node.values():
            _without_required(value)
    elif isinstance(node, list):
        for item in node:
            _without_required(item)
    return node


def _retarget(node: Any) -> Any:
    """Point ``$ref``s at the overlay copies of the definitions."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                if value.rpartition("/")[2] not in _WHOLE_VALUES:
                    node[key] = value + _OVERLAY_SUFFIX
            else:
                _retarget(value)
    elif isinstance(node, list):
        for item in node:
            _retarget(item)
    return node
