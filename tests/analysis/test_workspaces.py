"""Monorepos and workspaces (analysis-rules §2.1 rule 3, §2.4, §2.5)."""

from __future__ import annotations

import json
from collections.abc import Callable

from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]


def pkg(**fields: object) -> str:
    return json.dumps(fields)


WORKSPACE = {
    "package.json": pkg(name="root", private=True, packageManager="pnpm@9.1.0"),
    "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n  - 'packages/*'\n",
    "pnpm-lock.yaml": "",
    "apps/web/package.json": pkg(name="@acme/web", scripts={"build": "next build", "start": "next start"},
                                 dependencies={"next": "15", "@acme/ui": "workspace:*"}),
    "apps/api/package.json": pkg(name="@acme/api", scripts={"start": "node index.js"}, dependencies={"express": "4"}),
    "apps/api/index.js": "app.listen(process.env.PORT || 4000)",
    "apps/docs/package.json": pkg(name="docs", dependencies={"vitepress": "1"}),
    "packages/ui/package.json": pkg(name="@acme/ui", exports={"./*": "./src/*.tsx"}),
    "packages/eslint-config/package.json": pkg(name="@acme/eslint-config"),
    "apps/mobile/package.json": pkg(name="mobile", dependencies={"expo": "51"}, scripts={"start": "expo start"}),
}  # fmt: skip


def test_shared_and_isolated_workspace_packages(analyze: Analyze) -> None:
    """§2.4: shared → repo root + filtered commands (full package name); isolated → app dir."""
    r = analyze(WORKSPACE)
    names = {s.name: s for s in r.services}
    assert sorted(names) == ["api", "web"]
    web, api = names["web"], names["api"]
    assert (web.source_path, web.framework, web.port) == (".", "nextjs", 3000)
    assert (web.scripts_build, web.scripts_start) == (
        "pnpm --filter @acme/web build",
        "pnpm --filter @acme/web start",
    )
    assert (api.source_path, api.framework, api.port, api.scripts_start) == (
        "apps/api",
        "express",
        4000,
        "pnpm run start",
    )
    assert r.extras["web"].watch_paths == ["apps/web", "packages/ui"]
    assert any(i.code == "docs_site_candidate" for i in r.review), (
        "a docs site is reported, never dropped"
    )


def test_settings_only_pnpm_workspace_is_not_a_monorepo(analyze: Analyze) -> None:
    """§2.4: a pnpm-workspace.yaml without packages is not a marker."""
    r = analyze({
        "pnpm-workspace.yaml": "onlyBuiltDependencies:\n  - esbuild\n",
        "package.json": pkg(name="solo", scripts={"start": "node a.js"}, dependencies={"express": "4"}),
        "a.js": "app.listen(3000)",
    }, name="solo")  # fmt: skip
    assert [(s.name, s.source_path) for s in r.services] == [("solo", ".")]


def test_two_dockerfile_directories_make_two_services(analyze: Analyze) -> None:
    """§2.1 rule 3: Dockerfiles in two top-level directories; docker/ never counts."""
    r = analyze({
        "frontend/Dockerfile": "FROM nginx\nEXPOSE 80\n",
        "backend/Dockerfile": "FROM python:3.12\nEXPOSE 8000\nCMD python app.py\n",
        "docker/Dockerfile": "FROM alpine\n",
        "tests/Dockerfile": "FROM alpine\n",
    })  # fmt: skip
    assert sorted((s.name, s.source_path, s.port) for s in r.services) == [
        ("backend", "backend", 8000),
        ("frontend", "frontend", 80),
    ]
