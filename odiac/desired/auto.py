"""Fill ``"auto"`` service fields from the framework analyzers.

A field set to ``"auto"`` in ``opendeploy.toml`` asks odiac to take the value the
analyzers find in the source tree. When no analyzer is installed, or the analysis
cannot decide, the run stops and says which explicit value is required: a
silently guessed framework or command would change what gets deployed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from odiac.errors import ConfigError

AUTO = "auto"

#: ``opendeploy.toml`` field -> field of the analysis result (analysis-rules 9.2).
AUTO_FIELDS: dict[str, str] = {
    "language": "language",
    "framework": "framework",
    "build_command": "scripts_build",
    "start_command": "scripts_start",
}

Analyze = Callable[[Path], Any]


def auto_fields(values: dict[str, Any]) -> list[str]:
    """Names of the fields of one service that ask for an analyzer value."""
    return [name for name in AUTO_FIELDS if values.get(name) == AUTO]


def fill_auto(
    service_name: str,
    service_path: str,
    values: dict[str, Any],
    analysis: Any | None,
) -> dict[str, Any]:
    """Replace ``"auto"`` values with what the analysis found for this service.

    Args:
        service_name: The service's key in the file.
        service_path: Its ``path`` (source sub-folder, ``"."`` for the root).
        values: The service's fields (a plain dict, modified copy returned).
        analysis: The analysis result, or None when no analyzer ran.

    Raises:
        ConfigError: A field stays undecided (names the field and what to write).
    """
    wanted = auto_fields(values)
    if not wanted:
        return values
    found = _service_facts(analysis, service_name, service_path) if analysis else None
    out = dict(values)
    missing: list[str] = []
    for name in wanted:
        value = getattr(found, AUTO_FIELDS[name], None) if found is not None else None
        if isinstance(value, str) and value:
            out[name] = value
        else:
            missing.append(name)
    if missing:
        reason = (
            "no framework analyzer is installed"
            if analysis is None
            else "the analyzers could not decide it from the source"
        )
        fields = ", ".join(f"services.{service_name}.{name}" for name in missing)
        raise ConfigError(
            f'{fields}: "auto" needs an analyzer value but {reason}; '
            "set an explicit value in opendeploy.toml"
        )
    return out


def _service_facts(analysis: Any, name: str, path: str) -> Any | None:
    services = getattr(analysis, "services", None)
    candidates = list(services) if services else [analysis]
    wanted_path = _norm(path)
    for svc in candidates:
        if _norm(getattr(svc, "source_path", ".")) == wanted_path and (
            len(candidates) == 1 or getattr(svc, "name", name) == name
        ):
            return svc
    by_path = [s for s in candidates if _norm(getattr(s, "source_path", ".")) == wanted_path]
    if len(by_path) == 1:
        return by_path[0]
    return next((s for s in candidates if getattr(s, "name", None) == name), None)


def _norm(path: str | None) -> str:
    text = (path or ".").strip().removeprefix("./").rstrip("/")
    return text or "."
