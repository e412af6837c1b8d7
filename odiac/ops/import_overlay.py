"""``odiac import --env E`` into an existing file: the live project as E's overlay.

The imported document is compared with the file's base, key by key; what differs
becomes ``[environments.<E>]`` (with ``project = "<P>"``), so that loading the file
for E reproduces the live project. An overlay can add and change keys, not remove
them: base keys the live project lacks are reported as notes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import tomlkit

from odiac.config.model import OVERLAY_SECTIONS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tomlkit.items import Table
    from tomlkit.toml_document import TOMLDocument


class OverlayExists(Exception):
    """The file already has an overlay for the environment."""


def overlay_document(
    existing_text: str, imported: TOMLDocument, environment: str, *, replace: bool
) -> tuple[str, list[str]]:
    """The existing file with ``[environments.<environment>]`` set from ``imported``.

    Args:
        existing_text: The current ``opendeploy.toml``.
        imported: The document ``odiac import`` built from the live project.
        environment: The environment whose overlay is written.
        replace: Replace an overlay the file already has for that environment.

    Returns:
        The new file text and notes about what an overlay cannot express.

    Raises:
        OverlayExists: The environment has an overlay and ``replace`` is false.
    """
    doc = tomlkit.parse(existing_text)
    environments = doc.get("environments")
    if environments is not None and environment in environments and not replace:
        raise OverlayExists(environment)
    base = {key: value for key, value in doc.items() if key != "environments"}
    notes: list[str] = []
    overlay = tomlkit.table()
    project = imported.get("project", {})
    name = project.get("name")
    extra = _diff(base.get("project", {}), project, ("project",), notes)
    if "name" in extra:
        del extra["name"]
    if extra:
        table = tomlkit.table()
        table.add("name", name)
        for key, value in extra.items():
            table.add(key, value)
        overlay.add("project", table)
    else:
        overlay.add("project", name)  # the short form: project = "<name>"
    for section in OVERLAY_SECTIONS:
        # The gateway is the file's (or the command line's), not the project's.
        if section in ("project", "gateway") or section not in imported:
            continue
        if section not in base:
            overlay.add(section, imported[section])
            continue
        changed = _diff(base[section], imported[section], (section,), notes)
        if changed:
            overlay.add(section, changed)
    for section in OVERLAY_SECTIONS:
        if section in base and section not in imported and section != "gateway":
            notes.append(f"{section} is in the file but not in the live project")
    if environments is None:
        environments = tomlkit.table(is_super_table=True)
        doc.add("environments", environments)
    if environment in environments:
        del environments[environment]
    environments.add(environment, overlay)
    return tomlkit.dumps(doc), notes


def _is_value_table(value: Any) -> bool:
    """A secret reference ``{ secret = "..." }``: replaced whole, never merged."""
    return isinstance(value, dict) and set(value) == {"secret"}


def _diff(
    base: Mapping[str, Any], imported: Mapping[str, Any], path: tuple[str, ...], notes: list[str]
) -> Table:
    """The keys of ``imported`` that differ from ``base`` (tables key by key)."""
    out = tomlkit.table()
    for key, value in imported.items():
        old = base.get(key)
        if isinstance(value, dict) and isinstance(old, dict) and not _is_value_table(value):
            nested = _diff(old, value, (*path, key), notes)
            if nested:
                out.add(key, nested)
        elif key not in base or _plain(old) != _plain(value):
            out.add(key, value)
    for key in base:
        if key not in imported and not (path == ("project",) and key == "default_environment"):
            notes.append(
                f"{'.'.join((*path, key))} is in the file but not in the live project; "
                "an overlay cannot remove it"
            )
    return out


def _plain(value: Any) -> Any:
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if callable(unwrap) else value
