"""GitHub Actions workflow commands for a plan (``odiac plan --format github``).

Each drifted key becomes ``::warning file=opendeploy.toml,line=N::...`` so the pull
request shows it on the line of ``opendeploy.toml`` that declares it; resources the
plan creates become ``::notice`` lines. The config loader supplies ``locate``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac.plan.render_text import format_after, format_before, headline
from odiac.plan.render_text import where as plan_where

if TYPE_CHECKING:
    from collections.abc import Callable

    from odiac.plan.model import Action, FieldChange, Plan

KeyPath = tuple[str, ...]

#: Plan field name -> opendeploy.toml key name, where they differ.
_TOML_KEYS = {"cpu_limit": "cpu", "memory_limit": "memory"}
_CREATES = ("create_project", "create_dependency", "create_service")


def render_github(
    plan: Plan,
    locate: Callable[[KeyPath], tuple[str, int] | None],
    *,
    config_file: str = "opendeploy.toml",
) -> str:
    """One workflow command per drifted key (warning) or created resource (notice).

    Args:
        plan: The plan to annotate.
        locate: Maps a TOML key path such as ``("services", "web", "cpu")`` to the
            ``(file, line)`` that declares it, or None when the file does not.
        config_file: File named when ``locate`` finds nothing.
    """
    lines: list[str] = []
    for action in plan.actions:
        if action.kind == "bind_source":
            continue
        level = "notice" if action.kind in _CREATES else "warning"
        if action.changes and action.kind not in _CREATES:
            for change in action.changes:
                where = locate(key_path(action, change)) or (config_file, 0)
                text = f"{action.address} {change.path}: {format_before(change)} -> {format_after(change)}"
                lines.append(_command(level, where, f"{text} ({change.impact})"))
        else:
            where = locate(key_path(action, None)) or (config_file, 0)
            lines.append(_command(level, where, headline(plan, action)))
    outcome = plan.summary() if plan.has_changes else "No changes."
    lines.append(_command("notice", None, f"{outcome} ({plan_where(plan)})"))
    return "\n".join(lines) + "\n"


def key_path(action: Action, change: FieldChange | None) -> KeyPath:
    """The opendeploy.toml key path an action (or one of its changes) comes from."""
    kind, _, rest = action.address.partition(".")
    if kind == "source":
        return ("source",)
    if kind == "project":
        return ("project",)
    section = {"service": "services", "dependency": "dependencies"}[kind]
    base: KeyPath = (section, rest)
    if change is None:
        return base
    head, _, tail = change.path.partition(".")
    if head in ("env", "build_env") and tail:
        return (*base, head, tail)
    if kind == "dependency" and head == "engine":
        return (*base, "type")
    return (*base, _TOML_KEYS.get(head, head))


def _command(level: str, where: tuple[str, int] | None, message: str) -> str:
    props = ""
    if where is not None:
        file, line = where
        props = f" file={_escape_property(file)}"
        if line > 0:
            props += f",line={line}"
    return f"::{level}{props}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
