"""Node.js analyzer (analysis-rules §3.2, §4.4, §13)."""

from __future__ import annotations

import json
from collections.abc import Callable

from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]


def pkg(**fields: object) -> str:
    return json.dumps(fields)


def codes(result: ProjectAnalysisResult) -> set[str]:
    return {item.code for item in result.review}


def test_nextjs_defaults(analyze: Analyze) -> None:
    """§3.2 nextjs row: dep next, `npm run start`, port 3000."""
    r = analyze({
        "package.json": pkg(scripts={"build": "next build", "start": "next start", "dev": "next dev"}, dependencies={"next": "15"}),
        "package-lock.json": "{}",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.port, svc.scripts_start, svc.scripts_build) == (
        "nextjs",
        3000,
        "npm run start",
        "npm run build",
    )
    assert (svc.lockfile, svc.dependency_resolution, svc.language) == (
        "package-lock.json",
        "locked",
        "javascript",
    )


def test_next_export_is_static(analyze: Analyze) -> None:
    """§3.2: `output: 'export'` → static site from out/ on port 80 (§9.2)."""
    r = analyze({
        "package.json": pkg(scripts={"build": "next build"}, dependencies={"next": "15"}),
        "next.config.mjs": "export default { output: 'export' }\n",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.project_type, svc.output_directory, svc.port) == ("static", "out", 80)


def test_dev_start_script_is_rejected_and_reported(analyze: Analyze) -> None:
    """§3.2 / §5: `vite preview` and `nodemon` are never production starts."""
    r = analyze(
        {
            "package.json": pkg(
                scripts={"start": "nodemon server.js"}, dependencies={"express": "4"}
            ),
            "server.js": "app.listen(8080)\n",
        }
    )
    svc = r.services[0]
    assert svc.scripts_start == "node server.js"
    assert "dev_server_start" in codes(r)


def test_express_port_from_fallback_with_indirection(analyze: Analyze) -> None:
    """§4.4: one level of variable indirection; parseInt is transparent."""
    r = analyze({
        "package.json": pkg(main="src/index.js", scripts={"start": "node src/index.js"}, dependencies={"express": "4"}),
        "src/index.js": "const DEFAULT_PORT = 8080\nconst port = parseInt(process.env.PORT || DEFAULT_PORT, 10)\napp.listen(port)\n",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.port) == ("express", 8080)


def test_express_without_listener_evidence_has_no_port(analyze: Analyze) -> None:
    """§4.5: Express has no default port: ask (rung 5), never guess 3000."""
    r = analyze(
        {
            "package.json": pkg(scripts={"start": "node index.js"}, dependencies={"express": "4"}),
            "index.js": "module.exports = 1\n",
        }
    )
    assert r.services[0].port is None
    assert "port_unknown" in codes(r)


def test_server_framework_only_in_dev_dependencies_is_not_claimed(analyze: Analyze) -> None:
    """§3.1: express/fastify/koa/hono/nestjs match only from dependencies."""
    r = analyze(
        {
            "package.json": pkg(
                scripts={"start": "node index.js"}, devDependencies={"express": "4"}
            ),
            "index.js": "require('http').createServer().listen(3000)\n",
        }
    )
    assert r.services[0].framework == ""
    assert r.services[0].port == 3000


def test_package_manager_field_wins_and_several_lockfiles_are_reported(analyze: Analyze) -> None:
    """§3.2 steps 1-2 and the several-lockfiles review item."""
    r = analyze({
        "package.json": pkg(packageManager="pnpm@9.7.1+sha256.abc", scripts={"start": "node a.js"}, dependencies={"express": "4"}),
        "pnpm-lock.yaml": "", "package-lock.json": "{}", "a.js": "app.listen(3000)",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.package_manager, svc.package_manager_version, svc.lockfile) == (
        "pnpm",
        "9.7.1",
        "pnpm-lock.yaml",
    )
    assert "several_lockfiles" in codes(r)


def test_missing_lockfile_is_unlocked(analyze: Analyze) -> None:
    """§9.2 dependency_resolution `unlocked` is a blocking review item."""
    r = analyze({"package.json": pkg(scripts={"start": "node a.js"}), "a.js": "x.listen(3000)"})
    assert r.services[0].dependency_resolution == "unlocked"
    assert any(i.code == "missing_lockfile" and i.severity == "blocking" for i in r.review)


def test_vite_spa_is_static_with_build_time_vars(analyze: Analyze) -> None:
    """§3.2 vite row and §8: VITE_ names are build-time only."""
    r = analyze({
        "package.json": pkg(scripts={"build": "vite build", "start": "vite preview"}, devDependencies={"vite": "5"}),
        "src/main.ts": "fetch(import.meta.env.VITE_API_URL)\n", "tsconfig.json": "{}",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.project_type, svc.port, svc.output_directory, svc.language) == (
        "vite",
        "static",
        80,
        "dist",
        "typescript",
    )
    assert [v.name for v in svc.build_time_vars] == ["VITE_API_URL"]
    assert svc.runtime_vars == []


def test_vite_next_to_node_server_is_the_asset_builder(analyze: Analyze) -> None:
    """§3.2: a Node server start makes the server framework win; Vite goes to build_tool."""
    r = analyze({
        "package.json": pkg(scripts={"build": "vite build", "start": "node server.js"}, dependencies={"express": "4", "vite": "5"}),
        "vite.config.js": "export default {}", "server.js": "app.listen(process.env.PORT || 5000)",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.build_tool, svc.port) == ("express", "vite", 5000)


def test_nestjs_scaffold(analyze: Analyze) -> None:
    """§3.2 nestjs row: `node dist/main`, listen(process.env.PORT ?? 3000)."""
    r = analyze({
        "package.json": pkg(scripts={"build": "nest build", "start": "nest start", "start:prod": "node dist/main"}, dependencies={"@nestjs/core": "10"}),
        "src/main.ts": "await app.listen(process.env.PORT ?? 3000);\n",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.port) == ("nestjs", 3000)
    assert svc.scripts_start == "npm run start:prod"


def test_sveltekit_adapter_auto_is_a_blocking_review_item(analyze: Analyze) -> None:
    """§3.2 sveltekit row: only adapter-node runs as a server."""
    r = analyze({
        "package.json": pkg(devDependencies={"svelte": "4", "@sveltejs/kit": "2", "@sveltejs/adapter-auto": "3"}),
        "svelte.config.js": "import adapter from '@sveltejs/adapter-auto'\n",
    })  # fmt: skip
    assert r.services[0].framework == "sveltekit"
    assert any(i.code == "sveltekit_adapter" and i.severity == "blocking" for i in r.review)


def test_astro_server_output_is_ssr_on_4321(analyze: Analyze) -> None:
    """§3.2 astro row: server output with @astrojs/node → 4321."""
    r = analyze({
        "package.json": pkg(dependencies={"astro": "4", "@astrojs/node": "8"}),
        "astro.config.mjs": "import node from '@astrojs/node'\nexport default { output: 'server', adapter: node({mode: 'standalone'}) }\n",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.port, svc.scripts_start) == (
        "astro",
        4321,
        "node ./dist/server/entry.mjs",
    )


def test_prisma_provider_names_the_engine_of_database_url(analyze: Analyze) -> None:
    """§6.2 ORM signal + §6.4 DATABASE_URL read by app code."""
    r = analyze({
        "package.json": pkg(scripts={"start": "next start"}, dependencies={"next": "15", "@prisma/client": "5"}),
        "prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
    })  # fmt: skip
    assert r.services[0].dependencies == ["postgres"]
    assert [v.name for v in r.services[0].runtime_vars] == ["DATABASE_URL"]


def test_driver_only_in_dev_dependencies_is_weak(analyze: Analyze) -> None:
    """§6.3: packages not in runtime dependencies do not provision."""
    r = analyze(
        {
            "package.json": pkg(
                scripts={"start": "node a.js"},
                dependencies={"express": "4"},
                devDependencies={"pg": "8"},
            ),
            "a.js": "app.listen(3000)",
        }
    )
    assert r.services[0].dependencies == []
    assert "database_weak_signal" in codes(r)


def test_migration_script_is_a_release_step(analyze: Analyze) -> None:
    """§5: `prisma migrate deploy` in a package script is a release step, not the start."""
    r = analyze({
        "package.json": pkg(scripts={"build": "next build", "start": "next start", "db:migrate": "prisma migrate deploy", "postinstall": "prisma migrate deploy"}, dependencies={"next": "14"}),
        "package-lock.json": "{}",
    })  # fmt: skip
    svc = r.services[0]
    assert svc.scripts_start == "npm run start"
    assert r.extras[svc.name].release_commands == ["npm run db:migrate"]


def test_no_migration_script_no_release_step(analyze: Analyze) -> None:
    """§5: a release step needs trigger evidence; `prisma generate` is not one."""
    r = analyze({
        "package.json": pkg(scripts={"build": "prisma generate && next build", "start": "next start"}, dependencies={"next": "14"}),
        "package-lock.json": "{}",
    })  # fmt: skip
    assert r.extras[r.services[0].name].release_commands == []
