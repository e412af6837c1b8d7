"""JS/TS, Deno and static-site rules found missing on unseen public apps
(analysis-rules 3.10, 3.12, 4.5, 7.3, 7.4).

Each fixture is a minimal app of our own: assertions that stop the app without a
name, the JSON schema ``@fastify/env`` validates with, dev-tooling names, Vite's own
names in a committed ``.env``, Fresh's default port and a Hugo site whose image only
runs ``hugo server``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]


def _env(result: ProjectAnalysisResult) -> dict[str, bool]:
    svc = result.services[0]
    return {v.name: v.required for v in svc.runtime_vars + svc.build_time_vars}


def _node(**deps: str) -> str:
    return json.dumps({"name": "app", "scripts": {"start": "node server.js"}, "dependencies": deps})


def test_assertions_on_env_reads_make_them_required(analyze: Analyze) -> None:
    """tiny-invariant, assert and `if (X === undefined || …) throw` stop the app when the
    name is unset: required, even where a template gives an example value."""
    result = analyze({
        "package.json": _node(express="4", **{"tiny-invariant": "1"}),
        ".env.example": "SESSION_SECRET=super-duper-s3cret\nSHOP_DOMAIN=acme.myshopify.com\nSHOP_TOKEN=shpat_1234\n"
                        "API_ORIGIN=https://api.acme.io\nTRACE_ID=abc\n",
        "server.js": (
            "import invariant from 'tiny-invariant';\n"
            "import assert from 'node:assert';\n"
            "invariant(process.env.SESSION_SECRET, 'SESSION_SECRET must be set');\n"
            "assert(process.env.SIGNING_KEY);\n"
            "const shop = process.env.SHOP_DOMAIN;\n"
            "const token = process.env.SHOP_TOKEN;\n"
            "if (shop === undefined || token === undefined) {\n"
            "  throw new Error('shop settings missing');\n"
            "}\n"
            "const host = process.env.API_ORIGIN;\n"
            "console.assert(process.env.TRACE_ID, 'no trace id');\n"
            "require('express')().listen(3000, () => console.log(shop, token, host));\n"
        ),
    })  # fmt: skip
    env = _env(result)
    assert env["SESSION_SECRET"] is True
    assert env["SIGNING_KEY"] is True
    assert env["SHOP_DOMAIN"] is True
    assert env["SHOP_TOKEN"] is True
    assert env["API_ORIGIN"] is False  # the example value stands; nothing throws without it
    assert env["TRACE_ID"] is False  # console.assert only logs: the example value stands


def test_deno_const_read_checked_for_undefined_then_thrown_is_required(analyze: Analyze) -> None:
    result = analyze({
        "deno.json": '{"tasks": {"start": "deno run -A main.ts"}}',
        ".env.example": "SHOP=acme.myshopify.com\n",
        "main.ts": (
            'const SHOP = Deno.env.get("SHOP");\n'
            "if (SHOP === undefined) {\n"
            '  throw new Error("SHOP must be set");\n'
            "}\n"
            "Deno.serve(() => new Response(SHOP));\n"
        ),
    })  # fmt: skip
    assert _env(result) == {"SHOP": True}


def test_fastify_env_json_schema_required_and_defaults(analyze: Analyze) -> None:
    """`required` names without a default are required; properties with a default,
    or left out of `required`, are optional (also when read only as `fastify.config.X`)."""
    result = analyze({
        "package.json": _node(fastify="5", **{"@fastify/env": "5"}),
        ".env.example": "COOKIE_NAME=sid\n",
        "server.js": (
            "import env from '@fastify/env';\n"
            "const schema = {\n"
            "  type: 'object',\n"
            "  required: ['COOKIE_SECRET', 'COOKIE_NAME', 'COOKIE_SECURED'],\n"
            "  properties: {\n"
            "    COOKIE_SECRET: { type: 'string' },\n"
            "    COOKIE_NAME: { type: 'string' },\n"
            "    COOKIE_SECURED: { type: 'boolean', default: true },\n"
            "    UPLOAD_DIRNAME: { type: 'string', minLength: 1, default: 'uploads' },\n"
            "    SMTP_URL: { type: 'string' },\n"
            "  },\n"
            "};\n"
            "const app = require('fastify')();\n"
            "app.register(env, { schema, data: process.env });\n"
            "app.listen({ port: 3000, host: '0.0.0.0' });\n"
        ),
    })  # fmt: skip
    env = _env(result)
    assert env == {
        "COOKIE_SECRET": True,
        "COOKIE_NAME": True,
        "COOKIE_SECURED": False,
        "UPLOAD_DIRNAME": False,
        "SMTP_URL": False,
    }
    defaults = {v.name: v.default for v in result.services[0].runtime_vars}
    assert defaults["UPLOAD_DIRNAME"] == "uploads"


def test_a_json_schema_without_the_env_library_reads_nothing(analyze: Analyze) -> None:
    result = analyze({
        "package.json": _node(fastify="5"),
        "server.js": (
            "const body = { type: 'object', required: ['TITLE'], properties: { TITLE: { type: 'string' } } };\n"
            "require('fastify')().post('/', { schema: { body } }, () => 'ok').listen({ port: 3000, host: '0.0.0.0' });\n"
        ),
    })  # fmt: skip
    assert "TITLE" not in _env(result)


def test_mock_directories_are_dev_tooling(analyze: Analyze) -> None:
    """MSW/Jest mocks (`mocks/`, `__mocks__/`) run only under development scripts."""
    result = analyze({
        "package.json": _node(express="4"),
        "mocks/index.js": "fetch(`${process.env.MOCK_ORIGIN}/ping`);\n",
        "src/__mocks__/mail.js": "module.exports = process.env.FAKE_MAILBOX;\n",
        "server.js": "require('express')().listen(3000, () => console.log(process.env.GREETING || 'hi'));\n",
    })  # fmt: skip
    assert set(_env(result)) == {"GREETING"}


def test_remix_dev_origin_is_set_by_the_dev_server(analyze: Analyze) -> None:
    result = analyze({
        "package.json": json.dumps({"name": "app", "scripts": {"build": "remix build", "start": "remix-serve ./build/index.js"},
                                    "dependencies": {"@remix-run/node": "2", "@remix-run/serve": "2", "@remix-run/react": "2"}}),
        "app/entry.server.tsx": "const origin = process.env.REMIX_DEV_HTTP_ORIGIN;\nexport const secret = process.env.SESSION_SECRET;\n",
    })  # fmt: skip
    assert result.services[0].framework == "remix"
    assert set(_env(result)) == {"SESSION_SECRET"}


def test_vite_own_names_in_a_committed_env_file_are_not_user_env(analyze: Analyze) -> None:
    """Vite sets BASE_URL/MODE from its config; a `.env` key of that name never reaches the app."""
    result = analyze({
        "package.json": json.dumps({"name": "app", "scripts": {"build": "vite build"}, "devDependencies": {"vite": "5"}}),
        "index.html": "<div id=app></div>\n",
        ".env": "BASE_URL=/\nMODE=production\nVITE_API_ORIGIN=https://api.example.com\n",
        "src/main.ts": "fetch(import.meta.env.VITE_API_ORIGIN);\n",
    })  # fmt: skip
    assert result.services[0].framework == "vite"
    assert set(_env(result)) == {"VITE_API_ORIGIN"}


def test_fresh_start_serves_on_8000(analyze: Analyze) -> None:
    """Fresh's `start()` (imports in an external import map) listens on 8000 by default."""
    result = analyze({
        "deno.json": '{"tasks": {"start": "deno run -A main.ts"}, "importMap": "./import_map.json"}',
        "import_map.json": '{"imports": {"$fresh/": "https://deno.land/x/fresh@1.1.0/"}}',
        "main.ts": (
            'import { start } from "$fresh/server.ts";\n'
            'import manifest from "./fresh.gen.ts";\n'
            "await start(manifest, { plugins: [] });\n"
        ),
    })  # fmt: skip
    svc = result.services[0]
    assert svc.framework == "fresh"
    assert svc.port == 8000


def test_hugo_site_whose_image_runs_hugo_server_is_static(analyze: Analyze) -> None:
    """A compose service running `hugo server` (1313) is the development server; the Hugo
    site (its go.mod only pulls the theme) is built and served static on 80."""
    result = analyze({
        "hugo.yaml": "baseURL: https://example.org\ntitle: Docs\n",
        "go.mod": "module example.org/site\n\ngo 1.12\n\nrequire github.com/example/theme v0.1.0\n",
        "go.sum": "",
        "content/_index.md": "# Home\n",
        "Dockerfile": "FROM example/hugo:ext-alpine\nRUN apk add git\n",
        "docker-compose.yaml": (
            "services:\n  site:\n    build:\n      context: .\n    command: server\n"
            "    ports:\n      - '1313:1313'\n"
        ),
    })  # fmt: skip
    svc = result.services[0]
    assert (svc.project_type, svc.port, svc.output_directory) == ("static", 80, "public")
    codes = {item.code for item in result.review}
    assert "dev_server_image" in codes
    assert not [item for item in result.review if item.severity == "blocking"]


def test_hugo_site_with_a_production_image_keeps_it(analyze: Analyze) -> None:
    """An image that builds the site and serves it with nginx is the production setup."""
    result = analyze({
        "hugo.toml": 'baseURL = "https://example.org"\npublishDir = "dist"\n',
        "content/_index.md": "# Home\n",
        "Dockerfile": (
            "FROM hugomods/hugo:exts AS build\nCOPY . /src\nRUN hugo --minify\n"
            "FROM nginx:alpine\nCOPY --from=build /src/dist /usr/share/nginx/html\nEXPOSE 8080\n"
        ),
    })  # fmt: skip
    svc = result.services[0]
    assert svc.port == 8080
    assert "dev_server_image" not in {item.code for item in result.review}


def test_hugo_site_with_a_classic_config_file(analyze: Analyze) -> None:
    """Before `hugo.toml`, Hugo read `config.toml`; with `content/` and `layouts/` it is a site."""
    result = analyze({
        "config.toml": 'baseURL = "https://example.org/"\ntheme = "ananke"\n',
        "content/post/first.md": "# First\n",
        "layouts/index.html": "<h1>{{ .Title }}</h1>\n",
    })  # fmt: skip
    svc = result.services[0]
    assert (svc.project_type, svc.port, svc.output_directory) == ("static", 80, "public")
    assert svc.scripts_build == "hugo --minify"
