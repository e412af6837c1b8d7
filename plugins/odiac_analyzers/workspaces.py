"""Monorepos and workspaces (analysis-rules 2.1 rule 3, analysis-rules 2.4)."""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING, Any

from odiac.analysis.evidence import Evidence
from odiac.analysis.miniyaml import YamlError, loads
from odiac.analysis.pipeline import dns_label
from odiac.analysis.source_index import NEVER_SERVICES
from odiac.plugin import Analyzer, hookimpl
from odiac_analyzers._other_workspaces import other_workspaces
from odiac_analyzers._util import is_dev_start, load_json

if TYPE_CHECKING:
    from collections.abc import Iterator

    from odiac.analysis.context import AnalysisContext

APP_DEPS = frozenset(
    {
        "next", "nuxt", "astro", "vite", "@remix-run/node", "@remix-run/serve", "@sveltejs/kit",
        "@angular/core", "react-scripts", "@nestjs/core", "express", "fastify", "hono", "koa",
        "@react-router/dev", "@tanstack/react-start",
    }
)  # fmt: skip
NOT_DEPLOYABLE = frozenset(
    {"expo", "react-native", "electron", "@tauri-apps/api", "@tauri-apps/cli"}
)
DOCS_DEPS = frozenset({"@docusaurus/core", "vitepress", "nextra", "@astrojs/starlight"})
TEST_ONLY = re.compile(
    r"^(jest|vitest|mocha|@playwright/test|cypress|storybook|@storybook/.*|@testing-library/.*|typescript|@types/.*|eslint.*|prettier)$"
)
SKIP_DOCKER_DIRS = frozenset({"docker", "deploy", ".docker"})


def _node_globs(ctx: AnalysisContext) -> tuple[list[str], str] | None:
    pnpm = ctx.index.read("pnpm-workspace.yaml")
    if pnpm is not None:
        try:
            data = loads(pnpm)
        except YamlError:
            data = None
        packages = data.get("packages") if isinstance(data, dict) else None
        if isinstance(packages, list) and packages:
            return [str(p) for p in packages], "pnpm-workspace.yaml"
    root = load_json(ctx.index, "package.json") or {}
    workspaces: Any = root.get("workspaces")
    if isinstance(workspaces, dict):
        workspaces = workspaces.get("packages")
    if isinstance(workspaces, list) and workspaces:
        return [str(p) for p in workspaces], "package.json"
    lerna = load_json(ctx.index, "lerna.json") or {}
    if isinstance(lerna.get("packages"), list):
        return [str(p) for p in lerna["packages"]], "lerna.json"
    for marker in ("turbo.json", "rush.json", ".moon/workspace.yml"):
        if ctx.index.exists(marker):
            return ["apps/*", "packages/*", "services/*"], marker
    if ctx.index.exists("nx.json") and any(f.endswith("/project.json") for f in ctx.index.files):
        return ["apps/*", "packages/*", "libs/*"], "nx.json"
    return None


def _package_dirs(ctx: AnalysisContext, globs: list[str]) -> list[str]:
    dirs = sorted(
        {
            f.rsplit("/", 1)[0]
            for f in ctx.index.files
            if f.endswith("/package.json") and f.count("/") <= 4
        }
    )
    chosen = []
    for pattern in globs:
        if pattern.startswith("!"):
            continue
        pattern = pattern.rstrip("/").removeprefix("./")
        chosen += [
            d
            for d in dirs
            if fnmatch.fnmatchcase(d, pattern)
            or (pattern.endswith("/**") and d.startswith(pattern[:-3] + "/"))
        ]
    negated = [p[1:].rstrip("/") for p in globs if p.startswith("!")]
    return sorted({d for d in chosen if not any(fnmatch.fnmatchcase(d, n) for n in negated)})


def _classify(ctx: AnalysisContext, directory: str, pkg: dict[str, Any]) -> str:
    """``app``, ``worker``, ``docs`` or ``skip`` for one workspace package."""
    name = str(pkg.get("name") or directory.rsplit("/", 1)[-1])
    short = name.rsplit("/", 1)[-1]
    base = directory.rsplit("/", 1)[-1]
    deps = {**(pkg.get("dependencies") or {}), **(pkg.get("devDependencies") or {})}
    scripts = {k: v for k, v in (pkg.get("scripts") or {}).items() if isinstance(v, str)}
    if short in {"docs", "doc"} or base in {"docs", "doc"} or DOCS_DEPS & deps.keys():
        return "docs"
    if (
        base in NEVER_SERVICES
        or short in NEVER_SERVICES
        or short.endswith("-config")
        or short == "tsconfig"
    ):
        return "skip"
    if NOT_DEPLOYABLE & deps.keys() or (
        ctx.index.exists(f"{directory}/app.json")
        and "expo" in (ctx.index.read(f"{directory}/app.json") or "")
    ):
        return "skip"
    has_start = any(
        k in scripts and not is_dev_start(scripts[k]) for k in ("start", "start:prod", "serve")
    )
    if ctx.index.exists(f"{directory}/Dockerfile") or has_start or APP_DEPS & deps.keys():
        return "app"
    if any(re.search(r"(worker|queue|consumer|scheduler|cron)", k) for k in scripts):
        return "worker"
    return "skip"


def _local_dirs(pkg: dict[str, Any], dirs_by_name: dict[str, str]) -> list[str]:
    """Directories of the local packages ``pkg`` depends on (analysis-rules 2.4 rebuild triggers)."""
    names = {**(pkg.get("dependencies") or {}), **(pkg.get("devDependencies") or {})}
    return sorted(dirs_by_name[n] for n in names if n in dirs_by_name)


def _shared(pkg: dict[str, Any], local_names: set[str]) -> bool:
    for section in ("dependencies", "devDependencies"):
        for name, spec in (pkg.get(section) or {}).items():
            if name in local_names or str(spec).startswith(("workspace:", "link:", "file:")):
                return True
    return False


def layout(ctx: AnalysisContext) -> None:
    """Rule 3: one service per qualifying workspace package or Dockerfile directory."""
    if ctx.layout_by:
        return
    found = _node_globs(ctx)
    if found is not None:
        globs, marker = found
        dirs = _package_dirs(ctx, globs)
        packages = {d: load_json(ctx.index, f"{d}/package.json") or {} for d in dirs}
        local = {str(p.get("name")) for p in packages.values() if p.get("name")}
        dirs_by_name = {str(p["name"]): d for d, p in packages.items() if p.get("name")}
        tool = _tool(ctx, marker)
        for directory, pkg in packages.items():
            kind = _classify(ctx, directory, pkg)
            ev = Evidence(file=f"{directory}/package.json", note=f"workspace package ({marker})")
            if kind == "docs":
                ctx.flag(
                    "",
                    "docs_site_candidate",
                    f"{directory} is a docs site: an optional static service",
                    ev,
                )
                continue
            if kind == "skip":
                ctx.decide("", "workspace_skipped", directory, ev)
                continue
            name = dns_label(str(pkg.get("name") or directory.rsplit("/", 1)[-1]))
            shared = _shared(pkg, local)
            svc = ctx.add_service(name, "." if shared else directory, app_dir=directory)
            svc.notes.update(
                {"workspace_pkg": str(pkg.get("name") or name), "workspace_tool": tool}
            )
            if shared:
                svc.notes["workspace_shared"] = "1"
                svc.watch_paths = [directory, *_local_dirs(pkg, dirs_by_name)]
            if kind == "worker":
                svc.set_role("worker", file=ev.file, note="worker scripts")
            ctx.decide(svc.name, "source_root", svc.source_path, ev)
        if ctx.services:
            ctx.layout_by = "workspaces"
            return
    _dockerfile_dirs(ctx)
    if not ctx.services:
        other_workspaces(ctx)


def _tool(ctx: AnalysisContext, marker: str) -> str:
    root = load_json(ctx.index, "package.json") or {}
    field = str(root.get("packageManager") or "")
    if field:
        return field.split("@", 1)[0]
    for lock, tool in (
        ("pnpm-lock.yaml", "pnpm"),
        ("bun.lock", "bun"),
        ("bun.lockb", "bun"),
        ("yarn.lock", "yarn"),
    ):
        if ctx.index.exists(lock):
            return tool
    return "pnpm" if marker == "pnpm-workspace.yaml" else "npm"


def _dockerfile_dirs(ctx: AnalysisContext) -> None:
    dirs: list[str] = []
    if any(
        n == "Dockerfile" or n.startswith("Dockerfile.") or n.endswith(".Dockerfile")
        for n in ctx.index.listdir("")
    ):
        dirs.append("")
    for sub in ctx.index.subdirs(""):
        if sub in SKIP_DOCKER_DIRS or sub in NEVER_SERVICES:
            continue
        if any(n == "Dockerfile" or n.startswith("Dockerfile.") for n in ctx.index.listdir(sub)):
            dirs.append(sub)
    if len(dirs) < 2:
        return
    ctx.layout_by = "dockerfiles"
    for directory in dirs:
        name = ctx.project_name if not directory else dns_label(directory)
        svc = ctx.add_service(name, directory or ".")
        ctx.decide(
            svc.name,
            "source_root",
            svc.source_path,
            Evidence(file=f"{directory}/Dockerfile" if directory else "Dockerfile"),
        )


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="workspaces",
        priority=30,
        layout=layout,
        description="monorepo workspaces and Dockerfile directories",
    )
