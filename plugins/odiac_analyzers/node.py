"""Node.js / TypeScript / Bun analyzer (analysis-rules 3.2, analysis-rules 13)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from odiac.analysis.comments import code_of
from odiac.analysis.context import AnalysisContext, EnvRead, Rank, ServiceDraft
from odiac.analysis.databases import DRIVERS
from odiac.analysis.evidence import Evidence
from odiac.analysis.source_index import norm_dir
from odiac.plugin import Analyzer, hookimpl
from odiac_analyzers import _node_frameworks, _node_ports
from odiac_analyzers._util import is_dev_start, line_of, load_json, version_from_tool_versions

if TYPE_CHECKING:
    from collections.abc import Iterator

LOCKFILES = (
    ("pnpm-lock.yaml", "pnpm"), ("bun.lock", "bun"), ("bun.lockb", "bun"),
    ("yarn.lock", "yarn"), ("package-lock.json", "npm"), ("npm-shrinkwrap.json", "npm"),
)  # fmt: skip
SERVER_ONLY = frozenset({"express", "fastify", "koa", "hono", "@nestjs/core"})
AI_SDKS = {
    "openai": "openai", "@anthropic-ai/sdk": "anthropic", "@google/generative-ai": "google",
    "@google/genai": "google", "groq-sdk": "groq", "@mistralai/mistralai": "mistral",
    "cohere-ai": "cohere", "@ai-sdk/openai": "openai", "@ai-sdk/anthropic": "anthropic",
}  # fmt: skip
NODE_SERVER_START = re.compile(
    r"^\s*(node|bun|tsx|ts-node|pm2-runtime|pm2\s+start|fastify\s+start)\b"
)


class _Pkg:
    """A parsed package.json with its dependency views."""

    def __init__(self, rel: str, data: dict[str, Any]) -> None:
        self.rel = rel
        self.data = data
        self.deps: dict[str, str] = dict(data.get("dependencies") or {})
        self.dev: dict[str, str] = dict(data.get("devDependencies") or {})
        self.scripts: dict[str, str] = {
            k: v for k, v in (data.get("scripts") or {}).items() if isinstance(v, str)
        }

    def has(self, name: str) -> bool:
        if name in SERVER_ONLY:
            return name in self.deps
        return name in self.deps or name in self.dev


def _package_manager(ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg) -> str:
    index = ctx.index
    pm_field = pkg.data.get("packageManager")
    found = [(svc.join(f), m) for f, m in LOCKFILES if index.exists(svc.join(f))]
    if not found and svc.root:
        # workspace member: the lockfile lives at the repository root
        found = [(f, m) for f, m in LOCKFILES if index.exists(f)]
    if len({m for _, m in found}) > 1:
        ctx.flag(
            svc.name,
            "several_lockfiles",
            "lockfiles of different package managers: " + ", ".join(f for f, _ in found),
            *(Evidence(file=f) for f, _ in found),
        )
    manager = ""
    if isinstance(pm_field, str) and "@" in pm_field:
        manager, _, version = pm_field.partition("@")
        line = line_of(index, pkg.rel, '"packageManager"')
        svc.set("package_manager", manager, rank=Rank.MANIFEST, file=pkg.rel, line=line)
        svc.set(
            "package_manager_version",
            version.split("+")[0],
            rank=Rank.MANIFEST,
            file=pkg.rel,
            line=line,
        )
    elif found:
        manager = found[0][1]
        svc.set("package_manager", manager, rank=Rank.MANIFEST, file=found[0][0], note="lockfile")
        if manager == "yarn":
            text = index.read(found[0][0]) or ""
            svc.notes["yarn_major"] = "berry" if "__metadata:" in text else "1"
    else:
        engines = pkg.data.get("engines") or {}
        manager = next((m for m in ("pnpm", "yarn", "bun") if m in engines), "npm")
        svc.set("package_manager", manager, rank=Rank.DEFAULT, file=pkg.rel, note="default")
    lock = next((f for f, m in found if m == manager), "")
    if lock:
        svc.set("lockfile", lock.rsplit("/", 1)[-1], rank=Rank.MANIFEST, file=lock)
        svc.set("dependency_resolution", "locked", rank=Rank.MANIFEST, file=lock)
    else:
        svc.set(
            "dependency_resolution",
            "unlocked",
            rank=Rank.MANIFEST,
            file=pkg.rel,
            note="no lockfile",
        )
        ctx.flag(
            svc.name,
            "missing_lockfile",
            f"no {manager} lockfile: a clean install may resolve newer packages",
            Evidence(file=pkg.rel),
            blocking=True,
        )
    svc.set("build_tool", manager, rank=Rank.MANIFEST, file=pkg.rel)
    return manager


def _language(ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg) -> None:
    index = ctx.index
    tsconfig = svc.join("tsconfig.json")
    has_ts_sources = any(
        f.endswith((".ts", ".tsx", ".mts")) and "/node_modules/" not in f
        for f in index.under(svc.root)
    )
    if index.exists(tsconfig):
        svc.set("language", "typescript", rank=Rank.MANIFEST, file=tsconfig)
    elif pkg.has("typescript") and has_ts_sources:
        svc.set(
            "language",
            "typescript",
            rank=Rank.MANIFEST,
            file=pkg.rel,
            line=line_of(index, pkg.rel, '"typescript"'),
        )
    else:
        svc.set("language", "javascript", rank=Rank.MANIFEST, file=pkg.rel)
    engines = pkg.data.get("engines") or {}
    if isinstance(engines.get("node"), str):
        svc.set(
            "language_version",
            engines["node"],
            rank=Rank.MANIFEST,
            file=pkg.rel,
            line=line_of(index, pkg.rel, '"node"'),
        )
        return
    for name in (".nvmrc", ".node-version"):
        rel = svc.join(name)
        lines = index.lines(rel)
        if lines and lines[0].strip():
            svc.set(
                "language_version",
                lines[0].strip().lstrip("v"),
                rank=Rank.MANIFEST,
                file=rel,
                line=1,
            )
            return
    found = version_from_tool_versions(index, svc.root, "nodejs") or version_from_tool_versions(
        index, svc.root, "node"
    )
    if found:
        svc.set("language_version", found[0], rank=Rank.MANIFEST, file=found[1])


def _run(pm: str, script: str) -> str:
    return f"{pm} run {script}"


BUNDLER_DEV = re.compile(
    r"\bwebpack-dev-server\b|\bwebpack\s+serve\b|\bparcel(?!\s+build\b)(\s|$)"
    r"|\besbuild\b.*\s--serve(dir)?\b|\brollup\b.*\s-w\b|\bbrowser-sync\b|\blive-server\b"
)
"""A bundler's development server: it rebuilds on change and serves from memory
(analysis-rules 3.2, 3.12); the build script gives the site instead."""


def _production_script(ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg) -> str | None:
    for name in ("start:prod", "start", "serve"):
        command = pkg.scripts.get(name)
        if command is None:
            continue
        if is_dev_start(command) or BUNDLER_DEV.search(command):
            ctx.flag(
                svc.name,
                "dev_server_start",
                f"script {name!r} runs a development server ({command}); not used as the production start",
                Evidence(file=pkg.rel, line=line_of(ctx.index, pkg.rel, f'"{name}"')),
            )
            continue
        return name
    return None


def detect(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """Claim services whose root holds a package.json (analysis-rules 3.2)."""
    rel = svc.join("package.json")
    data = load_json(ctx.index, rel)
    if data is None:
        return False
    pkg = _Pkg(rel, data)
    pm = _package_manager(ctx, svc, pkg)
    _language(ctx, svc, pkg)
    _dependencies(svc, pkg)
    prisma_provider(ctx, svc)
    _node_frameworks.decide(ctx, svc, pkg, pm)
    _node_ports.listeners(ctx, svc, pkg)
    _auth_conventions(ctx, svc, pkg)
    _release_scripts(ctx, svc, pkg, pm)
    for hook in ("postinstall", "prepare"):
        command = pkg.scripts.get(hook, "")
        if re.search(r"\b(husky|simple-git-hooks)\b", command):
            ctx.flag(
                svc.name,
                "lifecycle_needs_git",
                f"{hook} script runs {command!r}, which needs .git",
                Evidence(file=rel, line=line_of(ctx.index, rel, f'"{hook}"')),
            )
    return True


# analysis-rules 5: migration tools whose deploy command is a release step, not part of the start.
_MIGRATION_SCRIPT = re.compile(
    r"^(?:(?:npx|pnpm\s+exec|yarn|bunx)\s+)?(?:prisma\s+migrate\s+deploy|drizzle-kit\s+migrate"
    r"|typeorm(?:-ts-node-\w+)?\s+migration:run|knex\s+migrate:latest|sequelize(?:-cli)?\s+db:migrate)\b"
)


def _release_scripts(ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg, pm: str) -> None:
    """Report package scripts that only run a migration tool as release steps (analysis-rules 5)."""
    for name, command in pkg.scripts.items():
        if _MIGRATION_SCRIPT.match(command.strip()) and not name.startswith(("pre", "post")):
            line = line_of(ctx.index, pkg.rel, f'"{name}"')
            svc.add_release(_run(pm, name), file=pkg.rel, line=line)


def _dependencies(svc: ServiceDraft, pkg: _Pkg) -> None:
    for name, engine in DRIVERS["npm"].items():
        if name in pkg.deps:
            svc.add_db(engine, strong=True, file=pkg.rel, note=f"dependency {name}")
        elif name in pkg.dev:
            svc.add_db(engine, strong=False, file=pkg.rel, note=f"devDependency {name}")
    for name, provider in AI_SDKS.items():
        if name in pkg.deps:
            svc.ai_providers.setdefault(provider, Evidence(file=pkg.rel, note=f"dependency {name}"))


_PRISMA_PROVIDERS = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "mysql": "mysql",
    "mongodb": "mongodb",
}


def prisma_provider(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """Record the Prisma datasource provider as an ORM signal."""
    candidates = [svc.join("prisma/schema.prisma"), svc.join("schema.prisma")]
    data = load_json(ctx.index, svc.join("package.json")) or {}
    configured = (data.get("prisma") or {}).get("schema") if isinstance(data, dict) else None
    if isinstance(configured, str):
        candidates.insert(0, svc.join(configured))
    candidates += sorted(
        f
        for f in ctx.index.under(svc.root)
        if f.endswith(".prisma") and "/node_modules/" not in f and f not in candidates
    )[:5]
    for rel in candidates:
        hit = ctx.index.find_line(rel, r'provider\s*=\s*"(postgresql|postgres|mysql|mongodb)"')
        if hit is not None:
            engine = _PRISMA_PROVIDERS[hit[1][1]]
            svc.add_db(
                engine,
                strong=False,
                orm=True,
                file=rel,
                line=hit[0],
                note=f"Prisma provider {hit[1][1]}",
            )
            return


# analysis-rules 7.1 item 5: auth libraries read their secret and public URL themselves.
# (package, version prefix or "", secret, url); first match wins.
_AUTH_LIBRARIES = (
    ("next-auth", "5", "AUTH_SECRET", "AUTH_URL"),
    ("next-auth", "", "NEXTAUTH_SECRET", "NEXTAUTH_URL"),
    ("@auth/core", "", "AUTH_SECRET", "AUTH_URL"),
    ("@auth/sveltekit", "", "AUTH_SECRET", "AUTH_URL"),
    ("@auth/express", "", "AUTH_SECRET", "AUTH_URL"),
    ("@auth/solid-start", "", "AUTH_SECRET", "AUTH_URL"),
    ("@auth/qwik", "", "AUTH_SECRET", "AUTH_URL"),
    ("better-auth", "", "BETTER_AUTH_SECRET", "BETTER_AUTH_URL"),
)
_URL_OPTION = {"better-auth": re.compile(r"(?<![\w.])baseURL\s*:")}
_JS_SOURCE = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts")
_SECRET_OPTION = re.compile(r"(?<![\w.])secret\s*:(?!\s*(?:undefined|string|String)\b)")


def _auth_conventions(ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg) -> None:
    """The secret (required) and URL (late-bound, optional) an auth library reads.

    A ``secret:`` option in the library's configuration replaces the secret name,
    better-auth's ``baseURL:`` the URL name.
    """
    for package, major, secret, url in _AUTH_LIBRARIES:
        version = pkg.deps.get(package)
        if version is None or not re.sub(r"^[\^~>=<\s]*", "", version).startswith(major):
            continue
        roots = [svc.root, *(norm_dir(p) for p in svc.watch_paths)]  # and its workspace packages
        importing = [
            rel
            for root in dict.fromkeys(roots)
            for rel in ctx.index.under(root)
            if rel.endswith(_JS_SOURCE)
            and "/node_modules/" not in rel
            and package in code_of(ctx.index, rel)
        ]
        texts = [code_of(ctx.index, rel) for rel in importing]
        url_option = _URL_OPTION.get(package)
        names = [
            (name, required)
            for name, required, option in ((secret, True, _SECRET_OPTION), (url, False, url_option))
            if not (option and any(option.search(text) for text in texts))
        ]
        ev = Evidence(file=pkg.rel, line=line_of(ctx.index, pkg.rel, f'"{package}"'))
        for name, required in names:
            svc.add_env(
                EnvRead(
                    name=name,
                    source="convention",
                    evidence=ev.model_copy(update={"note": f"{package} convention"}),
                    required=required,
                )
            )
        return


_SCRIPT_RUN = re.compile(r"^(?:npm|yarn|pnpm|bun)(?:\s+run)?\s+([\w:.-]+)\s*$")


def enrich(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """A static build whose Dockerfile only runs the dev server is served by the platform.

    ``CMD ["npm", "start"]`` over ``react-scripts start`` (with ``EXPOSE 3000`` and a
    compose ``3000:3000``) is the development setup of a single-page app; deployed,
    the platform builds it and serves its output directory on port 80, so the
    image, its ports and its start command are left out.
    """
    start = svc.facts.get("scripts_start")
    if (
        svc.role != "static"
        or not svc.get("output_directory")
        or not svc.dockerfile
        or start is None
        or start.evidence[0].file != svc.dockerfile
    ):
        return
    data = load_json(ctx.index, svc.join("package.json"))
    if data is None:
        return
    pkg = _Pkg(svc.join("package.json"), data)
    script = _SCRIPT_RUN.match(start.value)
    command = pkg.scripts.get(script[1], "") if script else start.value
    if not is_dev_start(command):
        return
    ctx.flag(
        svc.name,
        "dev_server_image",
        f"{svc.dockerfile} only runs the development server ({command}); the platform builds "
        f"the site and serves {svc.get('output_directory')}/ on port 80",
        Evidence(file=svc.dockerfile, line=start.evidence[0].line),
    )
    dev_files = {svc.dockerfile, *(c.evidence.file for c in svc.ports if c.rung == 2)}
    svc.ports = [c for c in svc.ports if c.rung == 3 and c.evidence.file not in dev_files]
    svc.dockerfile, svc.dockerfile_target = "", ""
    for field in ("build_tool", "scripts_start"):
        fact = svc.facts.get(field)
        if fact is not None and fact.evidence[0].file in dev_files:
            del svc.facts[field]
    svc.set("build_tool", svc.get("package_manager"), rank=Rank.MANIFEST, file=pkg.rel)


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="node",
        priority=100,
        detect=detect,
        enrich=enrich,
        description="Node.js, TypeScript and Bun apps (package.json)",
    )
