"""Compose files: selection, overlay merge, interpolation and port mappings (analysis-rules 2.1-analysis-rules 2.2)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from odiac.analysis.miniyaml import YamlError, loads

if TYPE_CHECKING:
    from odiac.analysis.source_index import SourceIndex

COMPOSE_DIRS = ("", "docker", "deploy", ".docker")
_NAME = re.compile(r"^(docker-)?compose(\.[\w-]+)?\.ya?ml$")
_IGNORED = re.compile(r"\.(override|test|ci|e2e)\.ya?ml$")
_PROD = re.compile(r"\.(prod|production)\.ya?ml$")
_INTERP = re.compile(r"\$\{(\w+)(?::?-([^}]*))?(?::?\?[^}]*)?\}|\$(\w+)")


def select_files(index: SourceIndex) -> tuple[list[str], list[str]]:
    """``(files to merge, ignored test/CI/override files)`` per rule 1 of analysis-rules 2.1."""
    ignored: list[str] = []
    for directory in COMPOSE_DIRS:
        names = [n for n in index.listdir(directory) if _NAME.match(n)]
        if not names:
            continue
        paths = {n: f"{directory}/{n}" if directory else n for n in names}
        ignored += [paths[n] for n in names if _IGNORED.search(n)]
        usable = [n for n in names if not _IGNORED.search(n)]
        base = [n for n in usable if re.match(r"^(docker-)?compose\.ya?ml$", n)]
        prod = [n for n in usable if _PROD.search(n)]
        if base and prod:
            return [paths[base[0]], paths[prod[0]]], ignored
        if prod:
            return [paths[prod[0]]], ignored
        if base:
            return [paths[base[0]]], ignored
        if usable:
            return [paths[sorted(usable)[0]]], ignored
    return [], ignored


def load(index: SourceIndex, files: list[str]) -> dict[str, dict[str, Any]]:
    """Merged ``services`` mapping of ``files`` (base first, overlays after)."""
    merged: dict[str, dict[str, Any]] = {}
    for rel in files:
        try:
            data = loads(index.read(rel) or "")
        except YamlError:
            continue
        services = data.get("services") if isinstance(data, dict) else None
        if not isinstance(services, dict):
            continue
        for name, spec in services.items():
            if isinstance(spec, dict):
                merged[name] = merge_service(merged.get(name, {}), spec)
    return merged


def merge_service(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """Compose merge rules: scalars replaced, mappings merged, ports/expose concatenated."""
    result = dict(base)
    for key, value in overlay.items():
        old = result.get(key)
        if key in {"ports", "expose"} and isinstance(old, list) and isinstance(value, list):
            unique: dict[str, Any] = {}
            for item in old + value:
                unique.setdefault(repr(item), item)
            result[key] = list(unique.values())
        elif key in {"environment", "labels"}:
            merged = as_mapping(old)
            merged.update(as_mapping(value))
            result[key] = merged
        elif key == "build" and isinstance(old, dict) and isinstance(value, dict):
            result[key] = {**old, **value}
        else:
            result[key] = value
    return result


def as_mapping(value: Any) -> dict[str, str | None]:
    """``environment:`` in list or mapping form as a mapping (values may be None)."""
    if isinstance(value, dict):
        return {str(k): (None if v is None else str(v)) for k, v in value.items()}
    if isinstance(value, list):
        out: dict[str, str | None] = {}
        for item in value:
            key, sep, val = str(item).partition("=")
            out[key.strip()] = val if sep else None
        return out
    return {}


def interpolate(value: str) -> str | None:
    """Resolve ``${VAR:-N}``/``${VAR-N}`` to N; None when a variable has no default."""
    unresolved = False

    def repl(match: re.Match[str]) -> str:
        nonlocal unresolved
        if match[2] is not None:
            return match[2]
        unresolved = True
        return ""

    result = _INTERP.sub(repl, value)
    return None if unresolved else result


def container_ports(spec: dict[str, Any]) -> tuple[list[int], list[str]]:
    """Container-side ports of ``ports:`` and ``expose:`` (analysis-rules 2.2), and ranges seen."""
    ports: list[int] = []
    ranges: list[str] = []
    for entry in list(spec.get("ports") or []) + list(spec.get("expose") or []):
        if isinstance(entry, dict):
            if str(entry.get("protocol", "tcp")) == "udp":
                continue
            target = interpolate(str(entry.get("target", "")))
            if target and target.isdigit():
                ports.append(int(target))
            continue
        text = str(entry)
        if text.endswith("/udp"):
            continue
        text = text.removesuffix("/tcp")
        container = _split_mapping(text)
        resolved = interpolate(container) if container else None
        if resolved is None:
            continue
        if "-" in resolved:
            ranges.append(resolved)
        elif resolved.isdigit():
            ports.append(int(resolved))
    return ports, ranges


def _split_mapping(text: str) -> str:
    # The container side is after the last colon that is not inside ${...}.
    depth = 0
    last = -1
    for idx, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == ":" and depth == 0:
            last = idx
    return text[last + 1 :] if last >= 0 else text
