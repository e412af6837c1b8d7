"""Ruby, PHP, JVM, Rust, Elixir, Deno, .NET and static analyzers (§3.5-§3.12, §13)."""

from __future__ import annotations

from collections.abc import Callable

from odiac.analysis.result import ProjectAnalysisResult

Analyze = Callable[..., ProjectAnalysisResult]


def test_rails(analyze: Analyze) -> None:
    """§3.5 rails row: Rails::Application, puma port fallback, SECRET_KEY_BASE convention."""
    r = analyze({
        "Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "pg"\ngroup :test do\n  gem "sqlite3"\nend\n',
        "Gemfile.lock": "GEM\nBUNDLED WITH\n   2.5.9\n",
        "config/application.rb": "module Shop\n  class Application < Rails::Application\n  end\nend\n",
        "config/puma.rb": 'port ENV.fetch("PORT") { 3000 }\n',
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.port, svc.package_manager_version) == ("rails", 3000, "2.5.9")
    assert svc.dependencies == ["postgres"]
    assert {v.name for v in svc.runtime_vars} >= {"SECRET_KEY_BASE", "RAILS_ENV"}
    assert "bin/rails db:prepare" in r.extras[svc.name].release_commands


def test_fastlane_only_gemfile_is_skipped(analyze: Analyze) -> None:
    """§3.1: a Gemfile holding only fastlane yields neither framework nor entrypoint."""
    r = analyze({"Gemfile": 'gem "fastlane"\n', "index.html": "<html></html>"})
    assert (r.services[0].language, r.services[0].framework) == ("html", "static")


def test_laravel_has_no_port_without_evidence(analyze: Analyze) -> None:
    """§3.6: PHP has no intrinsic port; ask (never Vite's 5173)."""
    r = analyze({
        "composer.json": '{"require": {"php": "^8.2", "laravel/framework": "^11.0"}}',
        "artisan": "#!/usr/bin/env php", "public/index.php": "<?php",
        "package.json": '{"devDependencies": {"vite": "5"}, "scripts": {"build": "vite build"}}',
        "vite.config.js": "export default {}",
        ".env.example": "APP_KEY=\nDB_CONNECTION=pgsql\nVITE_APP_NAME=shop\n",
        "config/app.php": "<?php return ['name' => env('APP_NAME', 'Laravel')];",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.language, svc.port) == ("laravel", "php", None)
    assert [v.name for v in svc.build_time_vars] == ["VITE_APP_NAME"]
    assert any(i.code == "port_unknown" for i in r.review)
    assert "php artisan migrate --force" in r.extras[svc.name].release_commands


def test_spring_boot_gradle_server_port(analyze: Analyze) -> None:
    """§3.7: server.port `${PORT:8081}` → 8081, honours PORT; Gradle wrapper version."""
    r = analyze({
        "build.gradle.kts": 'plugins { id("org.springframework.boot") version "3.3.0" }\n',
        "gradlew": "#!/bin/sh", "gradle/wrapper/gradle-wrapper.properties": "distributionUrl=https\\://services.gradle.org/distributions/gradle-8.8-bin.zip\n",
        "src/main/resources/application.properties": "server.port=${PORT:8081}\n",
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.language, svc.port, svc.build_tool, svc.package_manager_version) == (
        "spring-boot",
        "java",
        8081,
        "gradle",
        "8.8",
    )
    assert "-Dserver.port=$PORT" in svc.scripts_start


def test_rust_axum_bind_literal(analyze: Analyze) -> None:
    """§3.8: framework from the crate; port from the bind literal (no default)."""
    r = analyze({
        "Cargo.toml": '[package]\nname = "todo"\nversion = "0.1.0"\n\n[dependencies]\naxum = "0.7"\nsqlx = { version = "0.8", features = ["postgres"] }\n',
        "Cargo.lock": "", "src/main.rs": 'let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;\nlet _ = sqlx::query!("select 1");\n',
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.port, svc.scripts_start) == ("axum", 3000, "./target/release/todo")
    assert svc.dependencies == ["postgres"]
    assert any(i.code == "sqlx_build_database" for i in r.review)


def test_phoenix(analyze: Analyze) -> None:
    """§3.9: :phoenix dep, port 4000, release start with PHX_SERVER=true."""
    r = analyze({
        "mix.exs": 'defmodule Shop.MixProject do\n  def project, do: [app: :shop, elixir: "~> 1.15"]\n  defp deps, do: [{:phoenix, "~> 1.7"}, {:postgrex, ">= 0.0.0"}, {:ecto_sql, "~> 3.10"}]\nend\n',
        "mix.lock": "", "config/runtime.exs": 'secret = System.fetch_env!("SECRET_KEY_BASE")\nport = String.to_integer(System.get_env("PORT") || "4000")\n',
    })  # fmt: skip
    svc = r.services[0]
    assert (svc.framework, svc.port, svc.dependencies) == ("phoenix", 4000, ["postgres"])
    assert svc.scripts_start == "PHX_SERVER=true _build/prod/rel/shop/bin/shop start"
    env = {v.name: v for v in svc.runtime_vars}
    assert env["SECRET_KEY_BASE"].required is True
    assert "PHX_SERVER" not in env
    assert "PORT" not in env


def test_deno(analyze: Analyze) -> None:
    """§3.10: deno.json, tasks.start, Deno.serve default 8000."""
    r = analyze(
        {
            "deno.json": '{"tasks": {"start": "deno run -A main.ts"}, "imports": {"hono": "jsr:@hono/hono@4"}}',
            "main.ts": "Deno.serve(app.fetch)\n",
        }
    )
    svc = r.services[0]
    assert (svc.framework, svc.port, svc.scripts_start, svc.build_tool) == (
        "hono",
        8000,
        "deno task start",
        "deno",
    )


def test_dotnet_web_and_worker(analyze: Analyze) -> None:
    """§3.11: Web SDK → aspnetcore on 8080; a console SDK is a worker."""
    web = analyze(
        {
            "Api.csproj": '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup></Project>'
        },
        name="api",
    )
    assert (web.services[0].framework, web.services[0].port, web.services[0].language) == (
        "aspnetcore",
        8080,
        "csharp",
    )
    worker = analyze({"Jobs.fsproj": '<Project Sdk="Microsoft.NET.Sdk"></Project>'}, name="jobs")
    assert (
        worker.services[0].project_type,
        worker.services[0].port,
        worker.services[0].language,
    ) == ("worker", None, "fsharp")


def test_static_sites(analyze: Analyze) -> None:
    """§3.12: index.html at the root, in public/, or in the Staticfile root."""
    root = analyze({"index.html": "<html></html>"}, name="site")
    assert (root.services[0].framework, root.services[0].project_type, root.services[0].port) == (
        "static",
        "static",
        80,
    )
    staticfile = analyze(
        {"Staticfile": "root: www\n", "www/index.html": "<html></html>"}, name="sf"
    )
    assert staticfile.services[0].output_directory == "www"


def test_public_folder_without_index_is_not_static(analyze: Analyze) -> None:
    """§3.12: a public/ folder alone is not enough."""
    r = analyze({"public/logo.png": "png"})
    assert r.refusal is not None


def test_sinatra_direct_and_under_rackup(analyze: Analyze) -> None:
    """§3.5 sinatra row: 4567 when run directly, 9292 under rackup."""
    direct = analyze({"Gemfile": 'gem "sinatra"\n', "app.rb": "require 'sinatra'\n"}, name="direct")
    assert (direct.services[0].port, direct.services[0].scripts_start) == (
        4567,
        "bundle exec ruby app.rb -o 0.0.0.0 -p $PORT",
    )
    rack = analyze(
        {"Gemfile": 'gem "sinatra"\n', "app.rb": "", "config.ru": "run App\n"}, name="rack"
    )
    assert rack.services[0].port == 9292
