"""Plain static sites (analysis-rules 3.12): index.html with no serving manifest."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.plugin import Analyzer, hookimpl

if TYPE_CHECKING:
    from collections.abc import Iterator


def detect(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """Claim a service whose root, ``public/`` or Staticfile ``root:`` holds index.html."""
    staticfile = svc.join("Staticfile")
    candidates = [svc.join("index.html"), svc.join("public/index.html")]
    root_dir = ""
    text = ctx.index.read(staticfile)
    if text is not None:
        match = re.search(r"^root:\s*(\S+)", text, re.M)
        if match:
            root_dir = match[1].strip("/")
            candidates.insert(0, svc.join(f"{root_dir}/index.html"))
    found = next((c for c in candidates if ctx.index.exists(c)), None)
    if found is None:
        return False
    svc.set("language", "html", rank=Rank.MANIFEST, file=found)
    svc.set("framework", "static", rank=Rank.MANIFEST, file=found)
    svc.set_role("static", file=found, note="plain static site")
    directory = found.rsplit("/", 1)[0] if "/" in found else "."
    rel_dir = (
        directory[len(svc.root) + 1 :]
        if svc.root and directory.startswith(svc.root + "/")
        else directory
    )
    svc.set(
        "output_directory", rel_dir if rel_dir != svc.root else ".", rank=Rank.MANIFEST, file=found
    )
    svc.set_default_port(80, file=found, note="static file server")
    return True


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="static", priority=110, detect=detect, description="plain static HTML sites"
    )
