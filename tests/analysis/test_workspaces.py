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


def _split(r: ProjectAnalysisResult) -> dict[str, tuple[str, list[str]]]:
    return {s.name: (s.source_path, r.extras[s.name].watch_paths) for s in r.services}


def test_uv_workspace_members_become_services(analyze: Analyze) -> None:
    """§2.4 marker: `[tool.uv.workspace] members` globs (minus `exclude`) in the root pyproject."""
    member = '[project]\nname = "{}"\ndependencies = ["fastapi", "uvicorn"]\n'
    r = analyze({
        "pyproject.toml": '[project]\nname = "root"\n\n[tool.uv.workspace]\nmembers = ["services/*"]\nexclude = ["services/legacy"]\n',
        "uv.lock": "",
        "services/api/pyproject.toml": member.format("api"),
        "services/api/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "services/admin/pyproject.toml": member.format("admin"),
        "services/admin/app.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "services/legacy/pyproject.toml": member.format("legacy"),
        "services/legacy/main.py": "print(1)\n",
        "services/shared/pyproject.toml": '[project]\nname = "shared"\n',
    })  # fmt: skip
    assert _split(r) == {
        "admin": (".", ["services/admin"]),
        "api": (".", ["services/api"]),
    }
    assert all(s.framework == "fastapi" for s in r.services)
    assert any(i.code == "workspace_member_build" for i in r.review)


def test_uv_workspace_with_one_app_member_is_not_split(analyze: Analyze) -> None:
    """§2.1 rule 3 needs two or more deployable members; a library member is no service."""
    r = analyze({
        "pyproject.toml": '[project]\nname = "root"\ndependencies = ["flask"]\n\n[tool.uv.workspace]\nmembers = ["libs/*", "app"]\n',
        "app/pyproject.toml": '[project]\nname = "app"\n', "app/main.py": "print(1)\n",
        "libs/core/pyproject.toml": '[project]\nname = "core"\n',
    })  # fmt: skip
    assert [s.source_path for s in r.services] == ["."]


POM_PARENT = """<project>
  <modules>
    <module>api</module>
    <module>common</module>
    <module>batch</module>
    <!-- <module>old</module> -->
  </modules>
</project>
"""


def test_maven_parent_modules(analyze: Analyze) -> None:
    """§2.4 marker: a Maven parent pom.xml with <modules>; commented modules do not count."""
    boot = "<project><build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></project>"
    r = analyze({
        "pom.xml": POM_PARENT,
        "api/pom.xml": boot, "common/pom.xml": "<project></project>",
        "batch/pom.xml": "<project></project>", "batch/Dockerfile": "FROM eclipse-temurin:21\n",
        "old/pom.xml": boot,
    })  # fmt: skip
    assert _split(r) == {"api": (".", ["api"]), "batch": (".", ["batch"])}


def test_gradle_settings_include(analyze: Analyze) -> None:
    """§2.4 marker: `settings.gradle(.kts)` `include(...)`; `:a:b` is directory a/b."""
    r = analyze({
        "settings.gradle.kts": 'rootProject.name = "shop"\ninclude(":services:web", ":libs:core")\ninclude("worker")\n// include("old")\n',
        "services/web/build.gradle.kts": 'plugins {\n  id("org.springframework.boot") version "3.3.0"\n}\n',
        "libs/core/build.gradle.kts": 'plugins {\n  `java-library`\n}\n',
        "worker/build.gradle.kts": 'plugins {\n  application\n}\napplication {\n  mainClass.set("shop.Worker")\n}\n',
        "old/build.gradle.kts": 'plugins {\n  id("org.springframework.boot")\n}\n',
    })  # fmt: skip
    assert _split(r) == {"web": (".", ["services/web"]), "worker": (".", ["worker"])}


UMBRELLA_ROOT = (
    'defmodule Shop.Umbrella.MixProject do\n  def project, do: [apps_path: "apps", deps: []]\nend\n'
)
PHX = 'defmodule {}.MixProject do\n  defp deps, do: [{{:phoenix, "~> 1.7"}}]\nend\n'


def test_elixir_umbrella_with_two_phoenix_apps(analyze: Analyze) -> None:
    """§2.4 marker: root mix.exs `apps_path`; Phoenix members are candidates, the domain app is not."""
    r = analyze({
        "mix.exs": UMBRELLA_ROOT, "mix.lock": "",
        "apps/shop/mix.exs": "defmodule Shop.MixProject do\nend\n",
        "apps/shop_web/mix.exs": PHX.format("ShopWeb"),
        "apps/admin_web/mix.exs": PHX.format("AdminWeb"),
    })  # fmt: skip
    assert _split(r) == {
        "admin-web": (".", ["apps/admin_web"]),
        "shop-web": (".", ["apps/shop_web"]),
    }


def test_elixir_umbrella_with_one_web_app_stays_one_service(analyze: Analyze) -> None:
    """§2.1 rule 3: one deployable umbrella member is not a split; the umbrella is one service."""
    r = analyze({
        "mix.exs": UMBRELLA_ROOT, "mix.lock": "",
        "apps/shop/mix.exs": "defmodule Shop.MixProject do\nend\n",
        "apps/shop_web/mix.exs": PHX.format("ShopWeb"),
    })  # fmt: skip
    roots = [(d.service, d.value) for d in r.ledger if d.decision == "source_root"]
    assert roots == [("app", ".")], "one service at the repository root, no member split"
