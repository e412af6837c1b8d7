"""JS/TS and .NET env and listener rules: library helpers, feature switches, bundler
built-ins, NODE_ENV-chosen validators, Kestrel listener settings, compose overrides."""

from __future__ import annotations

import json
from collections.abc import Callable

from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]


def _env(result: ProjectAnalysisResult, service: str | None = None) -> dict[str, bool]:
    svc = result.service(service) if service else result.services[0]
    return {v.name: v.required for v in svc.runtime_vars + svc.build_time_vars}


def _node(**deps: str) -> str:
    return json.dumps({"name": "app", "scripts": {"start": "node server.js"}, "dependencies": deps})


def test_kv_oauth_helpers_require_their_provider_names(analyze: Analyze) -> None:
    """A library helper that reads env itself: Auth0 also needs its domain."""
    result = analyze({
        "deno.json": '{"tasks": {"start": "deno run -A main.ts"}, "imports": {"@deno/kv-oauth": "jsr:@deno/kv-oauth@0.11"}}',
        "main.ts": (
            'import { createAuth0OAuthConfig } from "@deno/kv-oauth";\n'
            'const config = createAuth0OAuthConfig({ redirectUri: "/callback", scope: "openid" });\n'
            "Deno.serve(() => new Response(String(config)));\n"
        ),
    })  # fmt: skip
    assert _env(result) == {
        "AUTH0_CLIENT_ID": True,
        "AUTH0_CLIENT_SECRET": True,
        "AUTH0_DOMAIN": True,
    }


def test_a_helper_of_the_same_name_from_another_library_reads_nothing(analyze: Analyze) -> None:
    result = analyze({
        "deno.json": '{"tasks": {"start": "deno run -A main.ts"}}',
        "main.ts": (
            'import { createGitHubOAuthConfig } from "./own_oauth.ts";\n'
            "const config = createGitHubOAuthConfig();\n"
            "Deno.serve(() => new Response(String(config)));\n"
        ),
    })  # fmt: skip
    assert _env(result) == {}


def test_in_process_env_switches_the_vendor_family_off(analyze: Analyze) -> None:
    """`"X" in process.env` is a feature switch: the same vendor's reads are optional,
    a generic first word (`APP_`) makes no family."""
    result = analyze({
        "package.json": _node(express="4"),
        "server.js": (
            "const express = require('express');\n"
            "const app = express();\n"
            "if ('SENDGRID_API_KEY' in process.env) { app.use(mailer()); }\n"
            "function mailer() {\n"
            "  const from = process.env.SENDGRID_FROM;\n"
            "  if (!from) { throw new Error('SENDGRID_FROM is not set'); }\n"
            "  return (req, res, next) => next();\n"
            "}\n"
            "if ('APP_BANNER' in process.env) { console.log('banner'); }\n"
            "const secret = process.env.APP_SECRET;\n"
            "app.listen(3000);\n"
        ),
    })  # fmt: skip
    env = _env(result)
    assert env["SENDGRID_API_KEY"] is False
    assert env["SENDGRID_FROM"] is False
    assert env["APP_SECRET"] is True


def test_vite_built_ins_are_not_user_env(analyze: Analyze) -> None:
    result = analyze({
        "package.json": json.dumps({"name": "app", "scripts": {"build": "vite build"}, "devDependencies": {"vite": "5"}}),
        "index.html": "<div id=app></div>\n",
        "src/main.ts": (
            "const base = import.meta.env.BASE_URL;\n"
            "if (import.meta.env.DEV) console.log(import.meta.env.MODE, base);\n"
            "fetch(import.meta.env.VITE_API_URL);\n"
        ),
    })  # fmt: skip
    assert set(_env(result)) == {"VITE_API_URL"}


def test_cra_public_url_is_set_by_react_scripts(analyze: Analyze) -> None:
    result = analyze({
        "package.json": json.dumps({"name": "app", "scripts": {"build": "react-scripts build"}, "dependencies": {"react-scripts": "5"}}),
        "src/index.js": "const logo = process.env.PUBLIC_URL + '/logo.png';\nfetch(process.env.REACT_APP_API);\n",
    })  # fmt: skip
    assert set(_env(result)) == {"REACT_APP_API"}


def test_dockerfile_aspnetcore_http_ports_is_the_listener(analyze: Analyze) -> None:
    result = analyze({
        "Api.csproj": '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup></Project>\n',
        "Program.cs": "var app = WebApplication.CreateBuilder(args).Build();\napp.Run();\n",
        "Dockerfile": (
            "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /app\nCOPY out .\n"
            "ENV ASPNETCORE_URLS=http://+:5005;https://+:5443\n"
            'ENTRYPOINT ["dotnet", "Api.dll"]\n'
        ),
    })  # fmt: skip
    assert result.services[0].port == 5005


def test_compose_override_file_is_local_development_and_never_read(analyze: Analyze) -> None:
    """``compose.override.yaml`` is what ``docker compose up`` loads on a laptop: its ports
    and environment describe that laptop, not the deployment."""
    base = "services:\n  web:\n    build: .\n"
    override = "services:\n  web:\n    ports:\n      - '8081:5000'\n"
    files = {
        "Dockerfile": 'FROM python:3.12-slim\nCOPY . .\nCMD ["python", "app.py"]\n',
        "app.py": "print('hi')\n",
        "compose.yaml": base,
        "compose.override.yaml": override,
    }
    assert analyze(files, name="one").services[0].port is None


def _next_app(auth: str, version: str, code: str) -> dict[str, str]:
    manifest = {
        "name": "app",
        "scripts": {"build": "next build", "start": "next start"},
        "dependencies": {"next": "14.2.3", auth: version},
    }
    return {"package.json": json.dumps(manifest), "src/auth.ts": code}


def test_auth_libraries_read_their_secret_and_url(analyze: Analyze) -> None:
    """Auth library conventions: the secret is required, the public URL optional."""
    v4 = analyze(
        _next_app("next-auth", "^4.24.7", 'import NextAuth from "next-auth";\nexport default NextAuth({ providers: [] });\n'),
        name="v4",
    )  # fmt: skip
    assert _env(v4) == {"NEXTAUTH_SECRET": True, "NEXTAUTH_URL": False}
    v5 = analyze(
        _next_app("next-auth", "5.0.0-beta.25", 'import NextAuth from "next-auth";\nexport const { auth } = NextAuth({ providers: [] });\n'),
        name="v5",
    )  # fmt: skip
    assert _env(v5) == {"AUTH_SECRET": True, "AUTH_URL": False}


def test_auth_options_in_code_replace_the_convention_names(analyze: Analyze) -> None:
    code = (
        'import { betterAuth } from "better-auth";\n'
        "export function initAuth(options: { secret: string; baseUrl: string }) {\n"
        "  return betterAuth({ baseURL: options.baseUrl, secret: options.secret });\n"
        "}\n"
    )
    assert _env(analyze(_next_app("better-auth", "1.2.0", code))) == {}
    passed = code.replace("secret: options.secret", "trustedOrigins: []")
    assert _env(analyze(_next_app("better-auth", "1.2.0", passed), name="b")) == {
        "BETTER_AUTH_SECRET": True
    }
