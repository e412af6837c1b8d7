"""PHP analyzer (analysis-rules 3.6, analysis-rules 13): Laravel, Symfony, generic PHP."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.analysis.databases import DRIVERS
from odiac.analysis.envfiles import TEMPLATE_RE, parse_env_file
from odiac.analysis.evidence import Evidence
from odiac.analysis.names import TOOL_FIELDS
from odiac.plugin import Analyzer, hookimpl
from odiac_analyzers._rules import Rule, apply_first
from odiac_analyzers._util import line_of, load_json

if TYPE_CHECKING:
    from collections.abc import Iterator

_CONNECTIONS = {"pgsql": "postgres", "mysql": "mysql", "mariadb": "mysql"}
_DRIVER_BLOCK = re.compile(r"['\"](sqlite|mysql|mariadb|pgsql|sqlsrv)['\"]\s*=>")


@dataclass(frozen=True)
class _App:
    """One PHP service as the framework rows see it."""

    ctx: AnalysisContext
    svc: ServiceDraft
    rel: str  # composer.json
    require: dict[str, Any]
    index_php: str | None

    def has(self, rel: str) -> bool:
        return self.ctx.index.exists(self.svc.join(rel))


def _laravel(app: _App) -> None:
    ctx, svc, rel = app.ctx, app.svc, app.rel
    artisan = svc.join("artisan")
    file = rel if "laravel/framework" in app.require else artisan
    svc.set(
        "framework",
        "laravel",
        rank=Rank.MANIFEST,
        file=file,
        line=line_of(ctx.index, rel, '"laravel/framework"'),
    )
    svc.add_release(
        "php artisan migrate --force", file=artisan if ctx.index.exists(artisan) else rel
    )


def _symfony(app: _App) -> None:
    ctx, svc, rel = app.ctx, app.svc, app.rel
    svc.set(
        "framework",
        "symfony",
        rank=Rank.MANIFEST,
        file=rel,
        line=line_of(ctx.index, rel, '"symfony/framework-bundle"'),
    )
    if (
        ctx.index.dir_exists(svc.join("migrations"))
        and "doctrine/doctrine-migrations-bundle" in app.require
    ):
        svc.add_release("php bin/console doctrine:migrations:migrate --no-interaction", file=rel)


def _plain(app: _App) -> None:
    """Plain PHP: no framework facts; the common ones follow in ``detect``."""


RULES: tuple[Rule[_App], ...] = (
    Rule("laravel", lambda a: "laravel/framework" in a.require or a.has("artisan"), _laravel),
    Rule(
        "symfony",
        lambda a: (
            "symfony/framework-bundle" in a.require
            or (any(k.startswith("symfony/") for k in a.require) and a.has("bin/console"))
        ),
        _symfony,
    ),
    # Plain PHP needs an index.php or a start command: composer.json with dev tools only
    # is not an app.
    Rule("php", lambda a: a.index_php is not None or bool(a.svc.get("scripts_start")), _plain),
)
"""Framework rows of a PHP service, in precedence order (first match wins)."""


def detect(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """Claim services with composer.json (or a root index.php) that yield an app."""
    rel = svc.join("composer.json")
    data = load_json(ctx.index, rel)
    index_php = next(
        (svc.join(p) for p in ("public/index.php", "index.php") if ctx.index.exists(svc.join(p))),
        None,
    )
    if data is None and index_php is None:
        return False
    require = dict((data or {}).get("require") or {})
    evidence = rel if data is not None else str(index_php)
    if apply_first(RULES, _App(ctx, svc, rel, require, index_php)) is None:
        return False
    svc.set("language", "php", rank=Rank.MANIFEST, file=evidence)
    for field in TOOL_FIELDS:
        svc.set(field, "composer", rank=Rank.MANIFEST, file=evidence)
    if isinstance(require.get("php"), str):
        svc.set(
            "language_version",
            require["php"],
            rank=Rank.MANIFEST,
            file=rel,
            line=line_of(ctx.index, rel, '"php"'),
        )
    lock = svc.join("composer.lock")
    if ctx.index.exists(lock):
        svc.set("lockfile", "composer.lock", rank=Rank.MANIFEST, file=lock)
        svc.set("dependency_resolution", "locked", rank=Rank.MANIFEST, file=lock)
    elif data is not None:
        svc.set("dependency_resolution", "unlocked", rank=Rank.MANIFEST, file=rel)
        ctx.flag(svc.name, "missing_lockfile", "composer.lock is missing", Evidence(file=rel))
    docroot = "public" if ctx.index.exists(svc.join("public/index.php")) else "."
    svc.set(
        "entry_point",
        f"{docroot}/index.php" if docroot != "." else "index.php",
        rank=Rank.DEFAULT,
        file=evidence,
    )
    if ctx.index.exists(svc.join("package.json")):
        svc.set(
            "scripts_build",
            "composer install --no-dev --optimize-autoloader && npm run build",
            rank=Rank.DEFAULT,
            file=svc.join("package.json"),
            note="asset build",
        )
    for name, engine in DRIVERS["php"].items():
        if name in require:
            svc.add_db(
                engine,
                strong=True,
                file=rel,
                line=line_of(ctx.index, rel, f'"{name}"'),
                note=f"require {name}",
            )
    _connection(ctx, svc)
    _boilerplate(ctx, svc)
    return True


def _connection(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """Laravel ``DB_CONNECTION`` selects the engine (analysis-rules 6.2, analysis-rules 6.3).

    The config lists a block per driver, so only the selected connection counts: the
    template value, else the default of ``env('DB_CONNECTION', '…')``. It is a strong
    signal when the app has a schema of its own (``database/migrations``).
    """
    selected: tuple[str, str, int | None] | None = None
    for rel in ctx.index.listdir(svc.root):
        if not TEMPLATE_RE.match(rel) and rel != ".env":
            continue
        path = svc.join(rel)
        for entry in parse_env_file(ctx.index.read(path) or ""):
            if entry.key == "DB_CONNECTION" and not entry.commented and selected is None:
                selected = (entry.value, path, entry.line)
    _redis_selection(ctx, svc)
    if selected is None:
        config = svc.join("config/database.php")
        default = _CODE_DEFAULT.search(ctx.index.read(config) or "")
        if default:
            selected = (default[1], config, line_of(ctx.index, config, default[0]))
    if selected is None:
        return
    value, where, line = selected
    engine = _CONNECTIONS.get(value)
    if engine:
        migrations = [
            rel for rel in ctx.index.under(svc.join("database/migrations")) if rel.endswith(".php")
        ]
        svc.add_db(
            engine,
            strong=bool(migrations),
            orm=True,
            file=where,
            line=line,
            note=f"DB_CONNECTION={value}",
        )
    elif value == "sqlite":
        svc.notes["sqlite"] = "DB_CONNECTION=sqlite"


_REDIS_SELECTORS = frozenset(
    {"CACHE_STORE", "CACHE_DRIVER", "QUEUE_CONNECTION", "QUEUE_DRIVER", "SESSION_DRIVER"}
)
_REDIS_DEFAULT = re.compile(
    r"""env\(\s*['"](CACHE_STORE|CACHE_DRIVER|QUEUE_CONNECTION|QUEUE_DRIVER|SESSION_DRIVER)['"]"""
    r"""\s*,\s*['"]redis['"]"""
)


def _redis_selection(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """Redis is needed when the cache, queue or session store selected is ``redis``
    (analysis-rules 6.2): the template value, else the config default."""
    chosen: dict[str, tuple[str, str, int | None]] = {}
    for rel in sorted(ctx.index.listdir(svc.root)):
        if TEMPLATE_RE.match(rel) or rel == ".env":
            path = svc.join(rel)
            for entry in parse_env_file(ctx.index.read(path) or ""):
                if entry.key in _REDIS_SELECTORS and not entry.commented:
                    chosen.setdefault(entry.key, (entry.value, path, entry.line))
    for name in ("cache", "queue", "session"):
        path = svc.join(f"config/{name}.php")
        for match in _REDIS_DEFAULT.finditer(ctx.index.read(path) or ""):
            chosen.setdefault(match[1], ("redis", path, line_of(ctx.index, path, match[0])))
    for key, (value, path, line) in sorted(chosen.items()):
        if value == "redis":
            svc.add_db("redis", strong=True, file=path, line=line, note=f"{key}=redis")
            return


_CODE_DEFAULT = re.compile(
    r"""['"]default['"]\s*=>\s*env\(\s*['"]DB_CONNECTION['"]\s*,\s*['"](\w+)['"]"""
)


def _boilerplate(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """A multi-driver database config is weak evidence for every engine (analysis-rules 6.3)."""
    rel = svc.join("config/database.php")
    text = ctx.index.read(rel) or ""
    if len(set(_DRIVER_BLOCK.findall(text))) >= 2:
        svc.notes["db_boilerplate"] = rel


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="php",
        priority=10,
        detect=detect,
        description="PHP apps (composer.json): Laravel, Symfony",
    )
