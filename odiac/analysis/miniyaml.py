"""A small, safe YAML subset reader for compose files and workspace manifests.

Supports block mappings and sequences, plain/quoted scalars, flow sequences
and flow mappings on one line, block scalars (``|``/``>``), comments and
document markers. Anchors, tags and multi-document streams are not
interpreted (aliases come back as plain strings). Never executes anything.
"""

from __future__ import annotations

import re
from typing import Any

_KEY_RE = re.compile(r"""^(?P<key>"[^"]*"|'[^']*'|[^\s#'"{\[][^#]*?)\s*:(?:\s+|$)(?P<rest>.*)$""")


class YamlError(ValueError):
    """The text is outside the supported subset."""


def loads(text: str) -> Any:
    """Parse ``text``; returns dicts, lists and strings (scalars stay strings)."""
    lines: list[tuple[int, str, int]] = []  # (indent, content, line number)
    raw = text.splitlines()
    i = 0
    while i < len(raw):
        line = raw[i]
        stripped = _strip_comment(line).rstrip()
        if stripped.strip() in {"---", "..."} or not stripped.strip():
            i += 1
            continue
        indent = len(stripped) - len(stripped.lstrip(" "))
        content = stripped.strip()
        if content.endswith(("|", ">", "|-", ">-", "|+", ">+")) and (
            ":" in content or content.startswith("-")
        ):
            block, i = _block_scalar(raw, i + 1, indent)
            content = content.rstrip("|>+-").rstrip() + " " + _quote(block)
            lines.append((indent, content, i))
            continue
        lines.append((indent, content, i + 1))
        i += 1
    if not lines:
        return None
    value, _pos = _node(lines, 0, lines[0][0])
    return value


def _block_scalar(raw: list[str], i: int, parent: int) -> tuple[str, int]:
    out: list[str] = []
    while i < len(raw):
        line = raw[i]
        if line.strip() and len(line) - len(line.lstrip(" ")) <= parent:
            break
        out.append(line.strip())
        i += 1
    return "\n".join(out).strip(), i


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _strip_comment(line: str) -> str:
    quote = ""
    for idx, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'" and (idx == 0 or line[idx - 1] in " [{,:-"):
            quote = ch
        elif ch == "#" and (idx == 0 or line[idx - 1] in " \t"):
            return line[:idx]
    return line


def _node(lines: list[tuple[int, str, int]], pos: int, indent: int) -> tuple[Any, int]:
    if lines[pos][1].startswith("- ") or lines[pos][1] == "-":
        return _seq(lines, pos, indent)
    return _map(lines, pos, indent)


def _seq(lines: list[tuple[int, str, int]], pos: int, indent: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    while (
        pos < len(lines)
        and lines[pos][0] == indent
        and (lines[pos][1].startswith("- ") or lines[pos][1] == "-")
    ):
        rest = lines[pos][1][1:].strip()
        if not rest:
            if pos + 1 < len(lines) and lines[pos + 1][0] > indent:
                value, pos = _node(lines, pos + 1, lines[pos + 1][0])
            else:
                value, pos = None, pos + 1
            items.append(value)
            continue
        if _KEY_RE.match(rest) and not rest.startswith(("{", "[", '"', "'")):
            # "- key: value" starts a mapping whose indent is the item's content column
            inner = indent + (len(lines[pos][1]) - len(rest))
            sub = [(inner, rest, lines[pos][2])]
            j = pos + 1
            while j < len(lines) and lines[j][0] > indent:
                sub.append(lines[j])
                j += 1
            value, _ = _map(sub, 0, inner)
            items.append(value)
            pos = j
            continue
        items.append(_scalar(rest))
        pos += 1
    return items, pos


def _map(lines: list[tuple[int, str, int]], pos: int, indent: int) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {}
    while pos < len(lines) and lines[pos][0] == indent:
        content = lines[pos][1]
        match = _KEY_RE.match(content)
        if not match:
            raise YamlError(f"line {lines[pos][2]}: expected 'key: value'")
        key = str(_scalar(match["key"]))
        rest = match["rest"].strip()
        if rest:
            out[key] = _scalar(rest)
            pos += 1
        elif pos + 1 < len(lines) and (
            lines[pos + 1][0] > indent
            or (lines[pos + 1][0] == indent and lines[pos + 1][1].startswith("- "))
        ):
            out[key], pos = _node(lines, pos + 1, lines[pos + 1][0])
        else:
            out[key] = None
            pos += 1
    return out, pos


def _scalar(text: str) -> Any:
    text = text.strip()
    if text.startswith("&"):  # anchor: keep the value, drop the name
        text = text.split(None, 1)[1] if " " in text else ""
    if text.startswith("!"):
        text = text.split(None, 1)[1] if " " in text else ""
    if text.startswith("[") and text.endswith("]"):
        return [_scalar(p) for p in _split_flow(text[1:-1]) if p.strip()]
    if text.startswith("{") and text.endswith("}"):
        result: dict[str, Any] = {}
        for part in _split_flow(text[1:-1]):
            if ":" in part:
                k, v = part.split(":", 1)
                result[str(_scalar(k))] = _scalar(v)
        return result
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return bytes(text[1:-1], "utf-8").decode("unicode_escape")
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if text in {"~", "null", "Null", "NULL"}:
        return None
    return text


def _split_flow(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    quote = ""
    current = ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += ch
    parts.append(current)
    return parts
