"""The ``gleam`` analyzer: claims a Gleam app (``gleam.toml``) and fills its build facts.

Every value is written with the file (and line) it comes from, and with a rank:
``Rank.MANIFEST`` for what the manifest says, ``Rank.DEFAULT`` for Gleam's own
defaults, so a Dockerfile or Procfile in the same folder (a stronger rank) still
wins whatever order the analyzers run in.
"""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING

from odiac.analysis import Rank

if TYPE_CHECKING:
    from odiac.analysis import AnalysisContext, ServiceDraft

SHIPMENT = "build/erlang-shipment"
WISP_PORT = 8000  # the port Wisp's project template listens on


def detect_gleam(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """Claim ``svc`` when its folder holds a ``gleam.toml``.

    Returns:
        True when the service is a Gleam app (no later analyzer claims it).
    """
    manifest = svc.join("gleam.toml")
    text = ctx.index.read(manifest)
    if text is None:
        return False
    try:
        dependencies = tomllib.loads(text).get("dependencies", {})
    except tomllib.TOMLDecodeError:
        return False  # an unreadable manifest is no evidence: leave the service to others
    svc.set("language", "gleam", rank=Rank.MANIFEST, file=manifest)
    svc.set("package_manager", "gleam", rank=Rank.MANIFEST, file=manifest)
    svc.set("build_tool", "gleam", rank=Rank.MANIFEST, file=manifest)
    lock = svc.join("manifest.toml")
    if ctx.index.exists(lock):
        svc.set("lockfile", "manifest.toml", rank=Rank.MANIFEST, file=lock)
        svc.set("dependency_resolution", "locked", rank=Rank.MANIFEST, file=lock)
    else:
        svc.set("dependency_resolution", "unlocked", rank=Rank.MANIFEST, file=manifest)
        ctx.flag(
            svc.name, "missing_lockfile", "manifest.toml is missing: run `gleam deps download`"
        )
    if "wisp" in dependencies:
        line = _line_of(text, "wisp")
        svc.set(
            "framework",
            "wisp",
            rank=Rank.MANIFEST,
            file=manifest,
            line=line,
            note="dependency wisp",
        )
        svc.set_default_port(WISP_PORT, file=manifest, note="Wisp template default")
    svc.set("scripts_build", "gleam export erlang-shipment", rank=Rank.DEFAULT, file=manifest)
    svc.set("output_directory", SHIPMENT, rank=Rank.DEFAULT, file=manifest)
    svc.set("scripts_start", f"./{SHIPMENT}/entrypoint.sh run", rank=Rank.DEFAULT, file=manifest)
    return True


def _line_of(text: str, key: str) -> int | None:
    """1-based line where ``key`` is assigned in the manifest."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.split("=", 1)[0].strip() == key:
            return number
    return None
