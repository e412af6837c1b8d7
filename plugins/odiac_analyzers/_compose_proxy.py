"""A compose service built ``FROM nginx`` (or another proxy image) that only forwards
to sibling services is a reverse proxy (analysis-rules 2.2): the platform ingress
replaces it. One that also serves files (``root``, ``alias``, ``try_files``) stays.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis import dockerfile
from odiac.analysis.databases import image_kind

if TYPE_CHECKING:
    from odiac.analysis.source_index import SourceIndex

MAX_FILES = 20
"""A build context with more files than this is an app, not a proxy configuration."""

_FORWARD = re.compile(
    r"(?m)^\s*(?:proxy_pass\s+https?://|reverse_proxy\s+(?:https?://)?)([A-Za-z0-9_.-]+)"
)
_UPSTREAM = re.compile(r"(?s)\bupstream\s+([A-Za-z0-9_.-]+)\s*\{(.*?)\}")
_SERVER = re.compile(r"(?m)^\s*server\s+([A-Za-z0-9_.-]+)")
_SERVES = re.compile(r"(?m)^\s*(root|alias|try_files|file_server|php_fastcgi|fastcgi_pass)\b")


def _config_text(index: SourceIndex, context: str, files: list[str]) -> str:
    return "\n".join(
        index.read(rel) or ""
        for rel in files
        if not rel.rsplit("/", 1)[-1].startswith("Dockerfile")
    )


def built_proxy(
    index: SourceIndex, context: str, dockerfile_rel: str, siblings: set[str]
) -> str | None:
    """The proxy image a build context only configures to forward to ``siblings``, else None."""
    parsed = dockerfile.parse(dockerfile_rel, index.read(dockerfile_rel) or "")
    if len(parsed.stages) != 1 or image_kind(parsed.stages[0].base) != "proxy":
        return None  # a multi-stage build (say an SPA copied into nginx) serves files
    files = list(index.under(context)) if context else list(index.files)
    if len(files) > MAX_FILES:
        return None
    text = _config_text(index, context, files)
    if _SERVES.search(text):
        return None
    upstreams = {
        name: {s.split(":")[0] for s in _SERVER.findall(body)}
        for name, body in _UPSTREAM.findall(text)
    }
    targets = {
        host
        for target in _FORWARD.findall(text)
        for host in upstreams.get(target, {target.split(":")[0]})
    }
    if not targets or not targets <= siblings:
        return None
    return parsed.stages[0].base
