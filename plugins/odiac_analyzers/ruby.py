"""Ruby analyzer (analysis-rules 3.5, analysis-rules 13): Rails, Sinatra, Rack."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.analysis.databases import DRIVERS
from odiac.analysis.evidence import Evidence
from odiac.analysis.names import TOOL_FIELDS
from odiac.plugin import Analyzer, hookimpl

if TYPE_CHECKING:
    from collections.abc import Iterator

_GEM = re.compile(r"""^\s*gem\s+["']([\w-]+)["']""")
_GROUP = re.compile(r"^\s*group\s+(.+?)\s+do\b")
_ADAPTERS = (
    ("postgresql", "postgres"),
    ("postgis", "postgres"),
    ("mysql2", "mysql"),
    ("trilogy", "mysql"),
)


def gems(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """``(runtime gems, dev/test gems)`` with their Gemfile lines."""
    runtime: dict[str, int] = {}
    dev: dict[str, int] = {}
    group: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if (match := _GROUP.match(line)) is not None:
            group = match[1]
            continue
        if group is not None and re.match(r"^\s*end\b", line):
            group = None
            continue
        gem = _GEM.match(line)
        if gem:
            is_dev = group is not None and not re.search(r":production|:default", group)
            (dev if is_dev else runtime).setdefault(gem[1], number)
    return runtime, dev


def detect(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """Claim services with a Gemfile that yields a framework or a config.ru."""
    rel = svc.join("Gemfile")
    text = ctx.index.read(rel)
    if text is None:
        return False
    runtime, dev = gems(text)
    app_rb = svc.join("config/application.rb")
    config_ru = svc.join("config.ru")
    if "rails" in runtime and "Rails::Application" in (ctx.index.read(app_rb) or ""):
        framework = "rails"
        svc.set("framework", "rails", rank=Rank.MANIFEST, file=app_rb, note="Rails::Application")
    elif "sinatra" in runtime:
        framework = "sinatra"
        svc.set(
            "framework",
            "sinatra",
            rank=Rank.MANIFEST,
            file=rel,
            line=runtime["sinatra"],
            note="gem sinatra",
        )
    elif ctx.index.exists(config_ru):
        framework = "rack"
        svc.set("framework", "rack", rank=Rank.MANIFEST, file=config_ru)
    else:
        return bool(svc.get("scripts_start")) and _common(ctx, svc, rel, text, runtime, dev)
    _common(ctx, svc, rel, text, runtime, dev)
    if framework == "rails":
        svc.set(
            "scripts_start",
            "bundle exec rails server -b 0.0.0.0 -p $PORT",
            rank=Rank.DEFAULT,
            file=app_rb,
        )
        svc.set_default_port(3000, file=app_rb, note="Rails default")
        svc.add_release("bin/rails db:prepare", file=app_rb)
        if {"sprockets-rails", "propshaft"} & runtime.keys():
            svc.set(
                "scripts_build", "bundle exec rails assets:precompile", rank=Rank.DEFAULT, file=rel
            )
        _puma(ctx, svc)
        _database_yml(ctx, svc)
    elif ctx.index.exists(config_ru):
        start = "bundle exec rackup config.ru -o 0.0.0.0 -p $PORT"
        svc.set("scripts_start", start, rank=Rank.DEFAULT, file=config_ru)
        svc.set_default_port(9292, file=config_ru, note="rackup default")
        svc.set("entry_point", "config.ru", rank=Rank.MANIFEST, file=config_ru)
    else:
        # Sinatra run directly (`ruby app.rb`) listens on 4567 (analysis-rules 3.5).
        names = ("app.rb", "server.rb", "main.rb")
        main = next((n for n in names if ctx.index.exists(svc.join(n))), None)
        if main is not None:
            start = f"bundle exec ruby {main} -o 0.0.0.0 -p $PORT"
            svc.set("scripts_start", start, rank=Rank.DEFAULT, file=svc.join(main))
            svc.set("entry_point", main, rank=Rank.MANIFEST, file=svc.join(main))
        svc.set_default_port(4567, file=rel, note="Sinatra default")
    return True


def _common(
    ctx: AnalysisContext,
    svc: ServiceDraft,
    rel: str,
    text: str,
    runtime: dict[str, int],
    dev: dict[str, int],
) -> bool:
    svc.set("language", "ruby", rank=Rank.MANIFEST, file=rel)
    for field in TOOL_FIELDS:
        svc.set(field, "bundler", rank=Rank.MANIFEST, file=rel)
    lock = svc.join("Gemfile.lock")
    if ctx.index.exists(lock):
        svc.set("lockfile", "Gemfile.lock", rank=Rank.MANIFEST, file=lock)
        svc.set("dependency_resolution", "locked", rank=Rank.MANIFEST, file=lock)
        bundled = re.search(r"BUNDLED WITH\s+(\S+)", ctx.index.read(lock) or "")
        if bundled:
            svc.set("package_manager_version", bundled[1], rank=Rank.MANIFEST, file=lock)
    else:
        svc.set("dependency_resolution", "unlocked", rank=Rank.MANIFEST, file=rel)
        ctx.flag(svc.name, "missing_lockfile", "Gemfile.lock is missing", Evidence(file=rel))
    version_file = svc.join(".ruby-version")
    ruby_line = re.search(r"""^\s*ruby\s+["']([\d.]+)""", text, re.M)
    if ctx.index.lines(version_file):
        svc.set(
            "language_version",
            ctx.index.lines(version_file)[0].strip().removeprefix("ruby-"),
            rank=Rank.MANIFEST,
            file=version_file,
            line=1,
        )
    elif ruby_line:
        svc.set("language_version", ruby_line[1], rank=Rank.MANIFEST, file=rel)
    for gem, engine in DRIVERS["ruby"].items():
        if gem in runtime:
            svc.add_db(engine, strong=True, file=rel, line=runtime[gem], note=f"gem {gem}")
        elif gem in dev:
            svc.add_db(engine, strong=False, file=rel, line=dev[gem], note=f"dev/test gem {gem}")
    return True


def _puma(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    rel = svc.join("config/puma.rb")
    hit = ctx.index.find_line(
        rel, r"""^\s*port\s+ENV\.fetch\(\s*["']PORT["']\s*\)\s*\{\s*(\d+)\s*\}|^\s*port\s+(\d+)"""
    )
    if hit:
        number, match = hit
        if match[1]:
            svc.add_port(
                3, int(match[1]), file=rel, line=number, note="puma port", honours_port=True
            )
        else:
            svc.add_port(3, int(match[2]), file=rel, line=number, note="puma port")


def _database_yml(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    rel = svc.join("config/database.yml")
    for needle, engine in _ADAPTERS:
        hit = ctx.index.find_line(rel, rf"adapter:\s*{needle}\b")
        if hit:
            svc.add_db(
                engine, strong=False, orm=True, file=rel, line=hit[0], note=f"adapter {needle}"
            )
            return


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="ruby",
        priority=20,
        detect=detect,
        description="Ruby apps (Gemfile): Rails, Sinatra, Rack",
    )
