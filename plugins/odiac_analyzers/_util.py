"""Small helpers shared by the built-in analyzers (not a plugin module)."""

from __future__ import annotations

import json
import re
import tomllib
from typing import TYPE_CHECKING, Any

from odiac.analysis.commands import is_dev_start

if TYPE_CHECKING:
    from odiac.analysis.source_index import SourceIndex

__all__ = ["is_dev_start", "line_of", "load_json", "load_toml", "version_from_tool_versions"]


def load_json(index: SourceIndex, rel: str) -> dict[str, Any] | None:
    """A JSON object from ``rel``, or None when absent or invalid."""
    text = index.read(rel)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def load_toml(index: SourceIndex, rel: str) -> dict[str, Any] | None:
    """A TOML document from ``rel``, or None when absent or invalid."""
    text = index.read(rel)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def line_of(index: SourceIndex, rel: str, needle: str) -> int | None:
    """First line of ``rel`` containing ``needle`` literally."""
    found = index.find_line(rel, re.escape(needle))
    return found[0] if found else None


def version_from_tool_versions(
    index: SourceIndex, root_rel: str, tool: str
) -> tuple[str, str] | None:
    """``(version, file)`` for ``tool`` from ``.tool-versions`` or ``mise.toml``."""
    for name in (".tool-versions",):
        rel = f"{root_rel}/{name}" if root_rel else name
        for line in index.lines(rel):
            parts = line.split()
            if len(parts) >= 2 and parts[0] == tool:
                return parts[1], rel
    rel = f"{root_rel}/mise.toml" if root_rel else "mise.toml"
    data = load_toml(index, rel)
    if data and isinstance(data.get("tools"), dict):
        value = data["tools"].get(tool)
        if isinstance(value, str):
            return value, rel
    return None
