"""Framework rows of analysis-rules 3.2 (first match wins within one package)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.analysis.evidence import Evidence
from odiac_analyzers._rules import Rule, apply_first
from odiac_analyzers._util import line_of

if TYPE_CHECKING:
    from odiac_analyzers.node import _Pkg

_SERVER_START = re.compile(r"^\s*(node|bun|tsx|ts-node|pm2-runtime|pm2\s+start|fastify\s+start)\b")


FILTERED = {
    "pnpm": ("pnpm --filter {pkg} {script}", "pnpm --filter {pkg} {script}"),
    "npm": ("npm run {script} --workspace {pkg}", "npm run {script} --workspace {pkg}"),
    "yarn": ("yarn workspace {pkg} {script}", "yarn workspace {pkg} {script}"),
    "bun": ("bun run --filter {pkg} {script}", "bun run --filter {pkg} {script}"),
}


def run_script(svc: ServiceDraft, pm: str, script: str) -> str:
    """Script invocation for ``svc`` (analysis-rules 2.4 filtered commands when the workspace is shared)."""
    if svc.notes.get("workspace_shared"):
        tool = svc.notes.get("workspace_tool") or pm
        template = FILTERED.get(tool, FILTERED["npm"])[0]
        return template.format(pkg=svc.notes["workspace_pkg"], script=script)
    return f"{pm} run {script}"


def _configs(ctx: AnalysisContext, svc: ServiceDraft, stem: str) -> list[str]:
    """analysis-rules 1.4: list what exists, then read only those."""
    return ctx.index.glob(svc.root, f"{stem}.config.*")


class _Writer:
    """Writes one package's framework facts with consistent evidence."""

    def __init__(self, ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg, pm: str) -> None:
        from odiac_analyzers.node import _production_script

        self.ctx, self.svc, self.pkg, self.pm = ctx, svc, pkg, pm
        self.prod = _production_script(ctx, svc, pkg)
        self.prod_cmd = pkg.scripts.get(self.prod, "") if self.prod else ""

    def fw(self, framework: str, dep: str | None = None, file: str | None = None) -> None:
        src = file or self.pkg.rel
        line = line_of(self.ctx.index, src, f'"{dep}"') if dep and src == self.pkg.rel else None
        note = f"dependency {dep}" if dep else ""
        self.svc.set("framework", framework, rank=Rank.MANIFEST, file=src, line=line, note=note)

    def run(self, script: str) -> str:
        """``<pm> run <script>``, or the analysis-rules 2.4 filtered form in a shared workspace."""
        return run_script(self.svc, self.pm, script)

    def build(self, command: str) -> None:
        if "build" in self.pkg.scripts:
            line = line_of(self.ctx.index, self.pkg.rel, '"build"')
            self.svc.set(
                "scripts_build",
                self.run("build"),
                rank=Rank.MANIFEST,
                file=self.pkg.rel,
                line=line,
            )
        elif command:
            self.svc.set(
                "scripts_build",
                command,
                rank=Rank.DEFAULT,
                file=self.pkg.rel,
                note="framework default",
            )

    def start(
        self, command: str, rank: Rank = Rank.DEFAULT, note: str = "framework default"
    ) -> None:
        self.svc.set("scripts_start", command, rank=rank, file=self.pkg.rel, note=note)

    def static(self, output: str, file: str | None = None) -> None:
        self.svc.set_role("static", file=file or self.pkg.rel, note="static build output")
        self.svc.set("output_directory", output, rank=Rank.MANIFEST, file=file or self.pkg.rel)

    def default_port(self, port: int, framework: str) -> None:
        self.svc.set_default_port(port, file=self.pkg.rel, note=f"{framework} default")

    def script_start(self) -> bool:
        if self.prod:
            self.start(self.run(self.prod), Rank.MANIFEST, f"script {self.prod}: {self.prod_cmd}")
            return True
        return False


def decide(ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg, pm: str) -> None:
    """Set framework, build, start, output and default port for one package (first row wins)."""
    apply_first(RULES, _Writer(ctx, svc, pkg, pm))


# -- conditions ------------------------------------------------------------------------

_REMIX_DEPS = ("@remix-run/node", "@remix-run/serve", "@remix-run/dev")


def _remix_dep(w: _Writer) -> str | None:
    return next((d for d in _REMIX_DEPS if w.pkg.has(d)), None)


def _is_react_router(w: _Writer) -> bool:
    return (
        w.pkg.has("@react-router/dev")
        or bool(_configs(w.ctx, w.svc, "react-router"))
        or "react-router build" in w.pkg.scripts.get("build", "")
    )


def _has_vite(w: _Writer) -> bool:
    return w.pkg.has("vite") and (
        "vite build" in w.pkg.scripts.get("build", "") or bool(_configs(w.ctx, w.svc, "vite"))
    )


def _runs_node_server(w: _Writer) -> bool:
    return bool(w.prod_cmd and _SERVER_START.search(w.prod_cmd))


# -- front-end and full-stack frameworks -----------------------------------------------


def _nextjs(w: _Writer) -> None:
    ctx, svc, pkg = w.ctx, w.svc, w.pkg
    w.fw("nextjs", "next")
    config = " ".join(ctx.index.read(c) or "" for c in _configs(ctx, svc, "next"))
    w.build("next build")
    if re.search(r"output\s*:\s*['\"]export['\"]", config):
        w.static("out", _configs(ctx, svc, "next")[0])
        return
    svc.set("output_directory", ".next", rank=Rank.DEFAULT, file=pkg.rel)
    if re.search(r"output\s*:\s*['\"]standalone['\"]", config):
        w.start("node .next/standalone/server.js", Rank.MANIFEST, "standalone output")
    elif not w.script_start():
        w.start(w.run("start") if "start" in pkg.scripts else "next start")
    w.default_port(3000, "Next.js")


def _nuxt(w: _Writer) -> None:
    svc, pkg = w.svc, w.pkg
    w.fw("nuxt", "nuxt")
    w.build("nuxi build")
    if re.search(r"\bnuxi?\s+generate\b", pkg.scripts.get("build", "")) or (
        "generate" in pkg.scripts and "build" not in pkg.scripts
    ):
        w.static(".output/public")
        return
    svc.set("output_directory", ".output", rank=Rank.DEFAULT, file=pkg.rel)
    w.start("node .output/server/index.mjs")
    w.default_port(3000, "Nuxt")


def _remix(w: _Writer) -> None:
    ctx, svc, pkg = w.ctx, w.svc, w.pkg
    w.fw("remix", _remix_dep(w))
    w.build("remix build")
    svc.set("output_directory", "build", rank=Rank.DEFAULT, file=pkg.rel)
    if not w.script_start():
        vite = bool(_configs(ctx, svc, "vite"))
        w.start("remix-serve ./build/server/index.js" if vite else "remix-serve ./build/index.js")
    w.default_port(3000, "Remix")


def _react_router(w: _Writer) -> None:
    ctx, svc, pkg = w.ctx, w.svc, w.pkg
    rr_config = _configs(ctx, svc, "react-router")
    w.fw(
        "react-router",
        "@react-router/dev",
        rr_config[0] if rr_config and not pkg.has("@react-router/dev") else None,
    )
    w.build("react-router build")
    text = " ".join(ctx.index.read(c) or "" for c in rr_config)
    if re.search(r"ssr\s*:\s*false", text):
        w.static("build/client", rr_config[0])
        return
    svc.set("output_directory", "build", rank=Rank.DEFAULT, file=pkg.rel)
    if not w.script_start():
        w.start("react-router-serve ./build/server/index.js")
    w.default_port(3000, "React Router")


def _tanstack_start(w: _Writer) -> None:
    w.fw("tanstack-start", "@tanstack/react-start")
    w.build("vite build")
    w.script_start()
    w.default_port(3000, "TanStack Start")


def _sveltekit(w: _Writer) -> None:
    ctx, svc, pkg = w.ctx, w.svc, w.pkg
    w.fw("sveltekit", "@sveltejs/kit")
    w.build("vite build")
    configs = _configs(ctx, svc, "svelte")
    text = " ".join(ctx.index.read(c) or "" for c in configs)
    adapter_match = re.search(r"@sveltejs/adapter-([\w-]+)", text)
    adapter = (
        adapter_match[1]
        if adapter_match
        else next(
            (
                d.split("adapter-", 1)[1]
                for d in sorted(pkg.deps | pkg.dev)
                if d.startswith("@sveltejs/adapter-")
            ),
            "",
        )
    )
    if adapter == "static":
        w.static("build", configs[0] if configs else None)
        return
    # The port and start are adapter-node's: the one adapter that serves here.
    svc.set("output_directory", "build", rank=Rank.DEFAULT, file=pkg.rel)
    w.start("node build")
    w.default_port(3000, "SvelteKit adapter-node")
    if adapter == "node":
        return
    ctx.flag(
        svc.name,
        "sveltekit_adapter",
        f"SvelteKit adapter {adapter or 'auto'!r} cannot run as a server here; switch to "
        "@sveltejs/adapter-node (a source edit) for `node build` on port 3000",
        Evidence(file=configs[0] if configs else pkg.rel),
        blocking=True,
        key=f"services.{svc.name}.start_command",
    )


def _astro(w: _Writer) -> None:
    ctx, svc, pkg = w.ctx, w.svc, w.pkg
    astro_configs = _configs(ctx, svc, "astro")
    w.fw("astro", "astro")
    w.build("astro build")
    text = " ".join(ctx.index.read(c) or "" for c in astro_configs)
    if re.search(r"output\s*:\s*['\"](server|hybrid)['\"]", text) or "@astrojs/node" in text:
        svc.set("output_directory", "dist", rank=Rank.DEFAULT, file=pkg.rel)
        w.start("node ./dist/server/entry.mjs")
        w.default_port(4321, "Astro SSR")
        ctx.flag(
            svc.name,
            "loopback_bind",
            "Astro's standalone server needs HOST=0.0.0.0",
            Evidence(file=astro_configs[0]),
        )
        return
    w.static("dist", astro_configs[0])


def _angular(w: _Writer) -> None:
    w.fw("angular", "@angular/core")
    w.build("ng build")
    project = str(w.pkg.data.get("name") or "app")
    if w.pkg.has("@angular/ssr"):
        w.start(f"node dist/{project}/server/server.mjs")
        w.default_port(4000, "Angular SSR")
        return
    w.static(f"dist/{project}/browser", w.svc.join("angular.json"))


def _cra(w: _Writer) -> None:
    w.fw("cra", "react-scripts")
    w.build("react-scripts build")
    w.static("build")


def _vite(w: _Writer) -> None:
    w.fw("vite", "vite")
    w.build("vite build")
    w.static("dist")


# -- servers (analysis-rules 3.2 rows nestjs ... (none)) -------------------------------


def _vite_assets(w: _Writer) -> None:
    """Vite next to a Node server (the ``vite`` row did not match): only the asset builder."""
    if _has_vite(w):
        w.svc.set(
            "build_tool",
            "vite",
            rank=Rank.MANIFEST.stronger(),
            file=w.pkg.rel,
            note="asset builder next to a Node server",
        )


def _nestjs(w: _Writer) -> None:
    svc, pkg = w.svc, w.pkg
    _vite_assets(w)
    w.fw("nestjs", "@nestjs/core")
    w.build("nest build")
    svc.set("entry_point", "src/main.ts", rank=Rank.DEFAULT, file=pkg.rel)
    w.start(
        "node dist/main",
        Rank.MANIFEST.stronger() if "start:prod" not in pkg.scripts else Rank.DEFAULT,
    )
    if "start:prod" in pkg.scripts:
        w.script_start()
    w.default_port(3000, "NestJS scaffold")


def _server_framework(dep: str) -> Rule[_Writer]:
    def then(w: _Writer) -> None:
        _vite_assets(w)
        w.fw(dep, dep)
        _node_server(w)

    return Rule(dep, lambda w: w.pkg.has(dep), then)


def _plain_node(w: _Writer) -> None:
    _vite_assets(w)
    _node_server(w)


def _node_server(w: _Writer) -> None:
    """Build, start and port of a Node server, whatever its framework."""
    ctx, svc, pkg = w.ctx, w.svc, w.pkg
    w.build("")
    if not w.script_start():
        main = pkg.data.get("main")
        entry = main if isinstance(main, str) and ctx.index.exists(svc.join(main)) else None
        if entry is None:
            entry = next(
                (
                    n
                    for n in ("index.js", "server.js", "app.js", "index.ts")
                    if ctx.index.exists(svc.join(n))
                ),
                None,
            )
        if entry:
            runner = (
                "bun" if svc.get("package_manager") == "bun" or entry.endswith(".ts") else "node"
            )
            w.start(f"{runner} {entry}", Rank.MANIFEST, "entry file")
            svc.set("entry_point", entry, rank=Rank.MANIFEST, file=svc.join(entry))
    if not svc.get("framework") and not svc.get("scripts_start") and _bundled_site(ctx, svc, pkg):
        # A bundler build over an index.html, and no server: a static site (analysis-rules 3.12 built static).
        # An index.html at the root is the page served (GitHub Pages style), else dist/.
        w.static("." if ctx.index.exists(svc.join("index.html")) else "dist")
        return
    command = pkg.scripts.get("start", "")
    if "fastify start" in command:
        w.default_port(3000, "fastify-cli")
    elif svc.get("framework") == "hono":
        w.default_port(3000, "Hono on Node/Bun")


RULES: tuple[Rule[_Writer], ...] = (
    Rule("nextjs", lambda w: w.pkg.has("next"), _nextjs),
    Rule("nuxt", lambda w: w.pkg.has("nuxt"), _nuxt),
    Rule("remix", lambda w: _remix_dep(w) is not None, _remix),
    Rule("react-router", _is_react_router, _react_router),
    Rule("tanstack-start", lambda w: w.pkg.has("@tanstack/react-start"), _tanstack_start),
    Rule("sveltekit", lambda w: w.pkg.has("svelte") and w.pkg.has("@sveltejs/kit"), _sveltekit),
    Rule("astro", lambda w: w.pkg.has("astro") and bool(_configs(w.ctx, w.svc, "astro")), _astro),
    Rule(
        "angular",
        lambda w: w.pkg.has("@angular/core") and w.ctx.index.exists(w.svc.join("angular.json")),
        _angular,
    ),
    Rule(
        "cra",
        lambda w: (
            w.pkg.has("react-scripts") and "react-scripts build" in w.pkg.scripts.get("build", "")
        ),
        _cra,
    ),
    Rule("vite", lambda w: _has_vite(w) and not _runs_node_server(w), _vite),
    Rule("nestjs", lambda w: w.pkg.has("@nestjs/core"), _nestjs),
    *(_server_framework(dep) for dep in ("fastify", "hono", "koa", "express")),
    Rule("node", lambda w: True, _plain_node),
)
"""The framework rows of one package, in precedence order: the first whose condition holds
decides; ``node`` (a plain Node server or a bundled static site) always holds."""


_BUNDLER = re.compile(r"\b(webpack|parcel|rollup|esbuild|gulp|vite)\b")


def _bundled_site(ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg) -> bool:
    """A ``build`` script running a bundler and an ``index.html`` to serve."""
    if not _BUNDLER.search(pkg.scripts.get("build", "")):
        return False
    return any(ctx.index.exists(svc.join(p)) for p in ("index.html", "src/index.html"))
