"""Plain static sites (analysis-rules 3.12): index.html with no serving manifest."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis import dockerfile as df
from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.plugin import Analyzer, hookimpl
from odiac_analyzers._util import load_json

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


_HUGO_CONFIG = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
_HUGO_NPM = ("hugo-extended", "hugo-bin", "hugo-bin-extended")
_PUBLISH_DIR = re.compile(r"""^\s*"?publishDir"?\s*[:=]\s*["']?([\w./-]+)""", re.M)


def _hugo_config(ctx: AnalysisContext, svc: ServiceDraft) -> str | None:
    """``hugo.*`` at the service root, else a ``config.*`` naming a ``baseURL`` beside
    ``content/`` and ``layouts/`` or ``themes/`` (the layout Hugo creates)."""
    found = next((svc.join(n) for n in _HUGO_CONFIG if ctx.index.exists(svc.join(n))), None)
    if found is not None:
        return found
    prefix = svc.root + "/" if svc.root else ""
    dirs = {rel[len(prefix) :].split("/")[0] for rel in ctx.index.under(svc.root)}
    if "content" not in dirs or not dirs & {"layouts", "themes"}:
        return None
    for name in ("config.toml", "config.yaml", "config.yml"):
        text = ctx.index.read(svc.join(name))
        if text is not None and re.search(r"^\s*baseurl\s*[:=]", text, re.M | re.I):
            return svc.join(name)
    return None


def detect_hugo(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """A Hugo site is built static: ``hugo`` renders it into ``public/`` (``publishDir``).

    Claimed before Go, whose ``go.mod`` a site keeps only for Hugo modules (themes).
    """
    config = _hugo_config(ctx, svc)
    if config is None:
        return False
    svc.set("language", "html", rank=Rank.MANIFEST, file=config)
    svc.set("framework", "static", rank=Rank.MANIFEST, file=config, note="Hugo site")
    svc.set_role("static", file=config, note="Hugo site")
    publish = _PUBLISH_DIR.search(ctx.index.read(config) or "")
    out = publish[1].strip("./") if publish and publish[1].strip("./") else "public"
    svc.set("output_directory", out, rank=Rank.MANIFEST, file=config)
    pkg = svc.join("package.json")
    data = load_json(ctx.index, pkg) or {}
    deps = {**(data.get("dependencies") or {}), **(data.get("devDependencies") or {})}
    if any(name in deps for name in _HUGO_NPM):
        svc.set("build_tool", "npm", rank=Rank.MANIFEST, file=pkg, note="hugo from npm")
        svc.set("scripts_build", "npx hugo --minify", rank=Rank.DEFAULT, file=pkg)
    else:
        svc.set("scripts_build", "hugo --minify", rank=Rank.DEFAULT, file=config)
    svc.set_default_port(80, file=config, note="static file server")
    return True


_HUGO_SERVER = re.compile(r"^(?:hugo\s+)?(?:server|serve)\b")


def enrich_hugo(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """An image that only runs ``hugo server`` (the live-reload development server on 1313)
    is the development setup; deployed, the site is built and served on port 80."""
    if svc.runtime != "hugo" or not svc.dockerfile:
        return
    start = svc.facts.get("scripts_start")
    stage = df.parse(svc.dockerfile, ctx.index.read(svc.dockerfile) or "").stage(
        svc.dockerfile_target
    )
    if start is None or stage is None:
        return
    entry = stage.last("ENTRYPOINT")
    runs_hugo = "hugo" in stage.base.lower() or bool(
        entry and re.search(r"\bhugo\b", df.command_text(entry.args))
    )
    command = start.value.strip()
    if not (command.startswith("hugo ") or runs_hugo) or not _HUGO_SERVER.match(command):
        return
    ctx.flag(
        svc.name,
        "dev_server_image",
        f"{svc.dockerfile} only runs the Hugo development server (hugo {command.removeprefix('hugo ')});"
        f" the platform builds the site and serves {svc.get('output_directory')}/ on port 80",
        start.evidence[0],
    )
    dev_files = {svc.dockerfile, start.evidence[0].file}
    # The image is not built, so what its Dockerfile lacks (a CMD) no longer matters.
    ctx.review = [
        item
        for item in ctx.review
        if item.service != svc.name
        or not item.evidence
        or any(ev.file != svc.dockerfile for ev in item.evidence)
    ]
    svc.ports = [c for c in svc.ports if c.evidence.file not in dev_files]
    svc.dockerfile, svc.dockerfile_target = "", ""
    for field in ("build_tool", "scripts_start"):
        fact = svc.facts.get(field)
        if fact is not None and fact.evidence[0].file in dev_files:
            del svc.facts[field]


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="static", priority=110, detect=detect, description="plain static HTML sites"
    )
    yield Analyzer(
        name="hugo",
        priority=25,
        detect=detect_hugo,
        enrich=enrich_hugo,
        description="Hugo sites (hugo.toml / hugo.yaml)",
    )
