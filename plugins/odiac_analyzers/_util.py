"""Small helpers shared by the built-in analyzers (not a plugin module)."""

from __future__ import annotations

import json
import re
import tomllib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from odiac.analysis.walk import SourceIndex

# §3.2 / §5: development servers are never production starts.
DEV_START = re.compile(
    r"(\bnext\s+dev\b|^vite$|\bvite(\s+dev)?(\s|$)(?!build)|\bastro\s+dev\b|\bnuxi?\s+dev\b"
    r"|\bnest\s+start\b(?!.*--prod)|\bnodemon\b|\bts-node-dev\b|\btsx\s+watch\b"
    r"|\breact-scripts\s+start\b|\bng\s+serve\b|\bexpo\s+start\b|\bwebpack\s+serve\b"
    r"|\bremix\s+dev\b|\bvite\s+preview\b|--watch\b|\brunserver\b|\bflask\s+run\b.*--debug"
    r"|\bfastapi\s+dev\b|--reload\b)"
)


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


def is_dev_start(command: str) -> bool:
    """Whether a command starts a development server (§3.2, §5)."""
    return bool(DEV_START.search(command.strip()))


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
