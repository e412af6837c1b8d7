"""PHP analyzer (analysis-rules 3.6, analysis-rules 13): Laravel, Symfony, generic PHP."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.context import RANK_DEFAULT, RANK_MANIFEST, AnalysisContext, ServiceDraft
from odiac.analysis.databases import DRIVERS
from odiac.analysis.envfiles import TEMPLATE_RE, parse_env_file
from odiac.analysis.evidence import Evidence
from odiac.plugin import Analyzer, hookimpl
from odiac_analyzers._util import line_of, load_json

if TYPE_CHECKING:
    from collections.abc import Iterator

_CONNECTIONS = {"pgsql": "postgres", "mysql": "mysql", "mariadb": "mysql"}
_DRIVER_BLOCK = re.compile(r"['\"](sqlite|mysql|mariadb|pgsql|sqlsrv)['\"]\s*=>")


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
    artisan = svc.join("artisan")
    if "laravel/framework" in require or ctx.index.exists(artisan):
        file = rel if "laravel/framework" in require else artisan
        svc.set(
            "framework",
            "laravel",
            rank=RANK_MANIFEST,
            file=file,
            line=line_of(ctx.index, rel, '"laravel/framework"'),
        )
        svc.add_release(
            "php artisan migrate --force", file=artisan if ctx.index.exists(artisan) else rel
        )
    elif "symfony/framework-bundle" in require or (
        any(k.startswith("symfony/") for k in require) and ctx.index.exists(svc.join("bin/console"))
    ):
        svc.set(
            "framework",
            "symfony",
            rank=RANK_MANIFEST,
            file=rel,
            line=line_of(ctx.index, rel, '"symfony/framework-bundle"'),
        )
        if (
            ctx.index.dir_exists(svc.join("migrations"))
            and "doctrine/doctrine-migrations-bundle" in require
        ):
            svc.add_release(
                "php bin/console doctrine:migrations:migrate --no-interaction", file=rel
            )
    elif index_php is None and not svc.get("scripts_start"):
        return False  # analysis-rules 3.1: composer.json with dev tools only does not count
    svc.set("language", "php", rank=RANK_MANIFEST, file=evidence)
    for field in ("package_manager", "build_tool"):
        svc.set(field, "composer", rank=RANK_MANIFEST, file=evidence)
    if isinstance(require.get("php"), str):
        svc.set(
            "language_version",
            require["php"],
            rank=RANK_MANIFEST,
            file=rel,
            line=line_of(ctx.index, rel, '"php"'),
        )
    lock = svc.join("composer.lock")
    if ctx.index.exists(lock):
        svc.set("lockfile", "composer.lock", rank=RANK_MANIFEST, file=lock)
        svc.set("dependency_resolution", "locked", rank=RANK_MANIFEST, file=lock)
    elif data is not None:
        svc.set("dependency_resolution", "unlocked", rank=RANK_MANIFEST, file=rel)
        ctx.flag(svc.name, "missing_lockfile", "composer.lock is missing", Evidence(file=rel))
    docroot = "public" if ctx.index.exists(svc.join("public/index.php")) else "."
    svc.set(
        "entry_point",
        f"{docroot}/index.php" if docroot != "." else "index.php",
        rank=RANK_DEFAULT,
        file=evidence,
    )
    if ctx.index.exists(svc.join("package.json")):
        svc.set(
            "scripts_build",
            "composer install --no-dev --optimize-autoloader && npm run build",
            rank=RANK_DEFAULT,
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
