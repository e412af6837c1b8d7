"""Framework rows of analysis-rules §3.2 (first match wins within one package)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.context import RANK_DEFAULT, RANK_MANIFEST, AnalysisContext, ServiceDraft
from odiac.analysis.evidence import Evidence
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
    """Script invocation for ``svc`` (§2.4 filtered commands when the workspace is shared)."""
    if svc.notes.get("workspace_shared"):
        tool = svc.notes.get("workspace_tool") or pm
        template = FILTERED.get(tool, FILTERED["npm"])[0]
        return template.format(pkg=svc.notes["workspace_pkg"], script=script)
    return f"{pm} run {script}"


def _configs(ctx: AnalysisContext, svc: ServiceDraft, stem: str) -> list[str]:
    """§1.4: list what exists, then read only those."""
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
        self.svc.set("framework", framework, rank=RANK_MANIFEST, file=src, line=line, note=note)

    def run(self, script: str) -> str:
        """``<pm> run <script>``, or the §2.4 filtered form in a shared workspace."""
        return run_script(self.svc, self.pm, script)

    def build(self, command: str) -> None:
        if "build" in self.pkg.scripts:
            line = line_of(self.ctx.index, self.pkg.rel, '"build"')
            self.svc.set(
                "scripts_build",
                self.run("build"),
                rank=RANK_MANIFEST,
                file=self.pkg.rel,
                line=line,
            )
        elif command:
            self.svc.set(
                "scripts_build",
                command,
                rank=RANK_DEFAULT,
                file=self.pkg.rel,
                note="framework default",
            )

    def start(
        self, command: str, rank: int = RANK_DEFAULT, note: str = "framework default"
    ) -> None:
        self.svc.set("scripts_start", command, rank=rank, file=self.pkg.rel, note=note)

    def static(self, output: str, file: str | None = None) -> None:
        self.svc.set_role("static", file=file or self.pkg.rel, note="static build output")
        self.svc.set("output_directory", output, rank=RANK_MANIFEST, file=file or self.pkg.rel)

    def default_port(self, port: int, framework: str) -> None:
        self.svc.set_default_port(port, file=self.pkg.rel, note=f"{framework} default")

    def script_start(self) -> bool:
        if self.prod:
            self.start(self.run(self.prod), RANK_MANIFEST, f"script {self.prod}: {self.prod_cmd}")
            return True
        return False


def decide(ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg, pm: str) -> None:
    """Set framework, build, start, output and default port for one package."""
    w = _Writer(ctx, svc, pkg, pm)
    fw, build, start, static, default_port, script_start = (
        w.fw,
        w.build,
        w.start,
        w.static,
        w.default_port,
        w.script_start,
    )
    runs_node_server = bool(w.prod_cmd and _SERVER_START.search(w.prod_cmd))

    if pkg.has("next"):
        fw("nextjs", "next")
        config = " ".join(ctx.index.read(c) or "" for c in _configs(ctx, svc, "next"))
        build("next build")
        if re.search(r"output\s*:\s*['\"]export['\"]", config):
            static("out", _configs(ctx, svc, "next")[0])
            return
        svc.set("output_directory", ".next", rank=RANK_DEFAULT, file=pkg.rel)
        if re.search(r"output\s*:\s*['\"]standalone['\"]", config):
            start("node .next/standalone/server.js", RANK_MANIFEST, "standalone output")
        elif not script_start():
            start(w.run("start") if "start" in pkg.scripts else "next start")
        default_port(3000, "Next.js")
        return
    if pkg.has("nuxt"):
        fw("nuxt", "nuxt")
        build("nuxi build")
        if re.search(r"\bnuxi?\s+generate\b", pkg.scripts.get("build", "")) or (
            "generate" in pkg.scripts and "build" not in pkg.scripts
        ):
            static(".output/public")
            return
        svc.set("output_directory", ".output", rank=RANK_DEFAULT, file=pkg.rel)
        start("node .output/server/index.mjs")
        default_port(3000, "Nuxt")
        return
    remix = next(
        (d for d in ("@remix-run/node", "@remix-run/serve", "@remix-run/dev") if pkg.has(d)), None
    )
    if remix:
        fw("remix", remix)
        build("remix build")
        svc.set("output_directory", "build", rank=RANK_DEFAULT, file=pkg.rel)
        if not script_start():
            vite = bool(_configs(ctx, svc, "vite"))
            start("remix-serve ./build/server/index.js" if vite else "remix-serve ./build/index.js")
        default_port(3000, "Remix")
        return
    rr_config = _configs(ctx, svc, "react-router")
    if (
        pkg.has("@react-router/dev")
        or rr_config
        or "react-router build" in pkg.scripts.get("build", "")
    ):
        fw(
            "react-router",
            "@react-router/dev",
            rr_config[0] if rr_config and not pkg.has("@react-router/dev") else None,
        )
        build("react-router build")
        text = " ".join(ctx.index.read(c) or "" for c in rr_config)
        if re.search(r"ssr\s*:\s*false", text):
            static("build/client", rr_config[0])
            return
        svc.set("output_directory", "build", rank=RANK_DEFAULT, file=pkg.rel)
        if not script_start():
            start("react-router-serve ./build/server/index.js")
        default_port(3000, "React Router")
        return
    if pkg.has("@tanstack/react-start"):
        fw("tanstack-start", "@tanstack/react-start")
        build("vite build")
        script_start()
        default_port(3000, "TanStack Start")
        return
    if pkg.has("svelte") and pkg.has("@sveltejs/kit"):
        fw("sveltekit", "@sveltejs/kit")
        build("vite build")
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
            static("build", configs[0] if configs else None)
            return
        if adapter == "node":
            svc.set("output_directory", "build", rank=RANK_DEFAULT, file=pkg.rel)
            start("node build")
            default_port(3000, "SvelteKit adapter-node")
            return
        # The port and start are adapter-node's: the one adapter that serves here.
        svc.set("output_directory", "build", rank=RANK_DEFAULT, file=pkg.rel)
        start("node build")
        default_port(3000, "SvelteKit adapter-node")
        ctx.flag(
            svc.name,
            "sveltekit_adapter",
            f"SvelteKit adapter {adapter or 'auto'!r} cannot run as a server here; switch to "
            "@sveltejs/adapter-node (a source edit) for `node build` on port 3000",
            Evidence(file=configs[0] if configs else pkg.rel),
            blocking=True,
            key=f"services.{svc.name}.start_command",
        )
        return
    astro_configs = _configs(ctx, svc, "astro")
    if pkg.has("astro") and astro_configs:
        fw("astro", "astro")
        build("astro build")
        text = " ".join(ctx.index.read(c) or "" for c in astro_configs)
        if re.search(r"output\s*:\s*['\"](server|hybrid)['\"]", text) or "@astrojs/node" in text:
            svc.set("output_directory", "dist", rank=RANK_DEFAULT, file=pkg.rel)
            start("node ./dist/server/entry.mjs")
            default_port(4321, "Astro SSR")
            ctx.flag(
                svc.name,
                "loopback_bind",
                "Astro's standalone server needs HOST=0.0.0.0",
                Evidence(file=astro_configs[0]),
            )
            return
        static("dist", astro_configs[0])
        return
    if pkg.has("@angular/core") and ctx.index.exists(svc.join("angular.json")):
        fw("angular", "@angular/core")
        build("ng build")
        project = str(pkg.data.get("name") or "app")
        if pkg.has("@angular/ssr"):
            start(f"node dist/{project}/server/server.mjs")
            default_port(4000, "Angular SSR")
            return
        static(f"dist/{project}/browser", svc.join("angular.json"))
        return
    if pkg.has("react-scripts") and "react-scripts build" in pkg.scripts.get("build", ""):
        fw("cra", "react-scripts")
        build("react-scripts build")
        static("build")
        return
    vite_configs = _configs(ctx, svc, "vite")
    has_vite = pkg.has("vite") and ("vite build" in pkg.scripts.get("build", "") or vite_configs)
    if has_vite and not runs_node_server:
        fw("vite", "vite")
        build("vite build")
        static("dist")
        return
    if has_vite:
        svc.set(
            "build_tool",
            "vite",
            rank=RANK_MANIFEST - 1,
            file=pkg.rel,
            note="asset builder next to a Node server",
        )
    _server(w)


def _server(w: _Writer) -> None:
    """Server frameworks and plain Node (§3.2 rows nestjs ... (none))."""
    ctx, svc, pkg = w.ctx, w.svc, w.pkg
    fw, build, start, default_port, script_start = (
        w.fw,
        w.build,
        w.start,
        w.default_port,
        w.script_start,
    )
    if pkg.has("@nestjs/core"):
        fw("nestjs", "@nestjs/core")
        build("nest build")
        svc.set("entry_point", "src/main.ts", rank=RANK_DEFAULT, file=pkg.rel)
        start(
            "node dist/main", RANK_MANIFEST - 1 if "start:prod" not in pkg.scripts else RANK_DEFAULT
        )
        if "start:prod" in pkg.scripts:
            script_start()
        default_port(3000, "NestJS scaffold")
        return
    for dep in ("fastify", "hono", "koa", "express"):
        if pkg.has(dep):
            fw(dep, dep)
            break
    build("")
    if not script_start():
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
            start(f"{runner} {entry}", RANK_MANIFEST, "entry file")
            svc.set("entry_point", entry, rank=RANK_MANIFEST, file=svc.join(entry))
    if not svc.get("framework") and not svc.get("scripts_start") and _bundled_site(ctx, svc, pkg):
        # A bundler build over an index.html, and no server: a static site (§3.12 built static).
        w.static("dist")
        return
    command = pkg.scripts.get("start", "")
    if "fastify start" in command:
        default_port(3000, "fastify-cli")
    elif svc.get("framework") == "hono":
        default_port(3000, "Hono on Node/Bun")


_BUNDLER = re.compile(r"\b(webpack|parcel|rollup|esbuild|gulp|vite)\b")


def _bundled_site(ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg) -> bool:
    """A ``build`` script running a bundler and an ``index.html`` to serve."""
    if not _BUNDLER.search(pkg.scripts.get("build", "")):
        return False
    return any(ctx.index.exists(svc.join(p)) for p in ("index.html", "src/index.html"))
