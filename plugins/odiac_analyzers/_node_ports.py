"""Listener evidence in Node code (analysis-rules §4.3 "Node code", §4.4)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.comments import code_of
from odiac.analysis.evidence import Evidence
from odiac.analysis.ports import argument_at, command_ports, number_of

if TYPE_CHECKING:
    from odiac.analysis.context import AnalysisContext, ServiceDraft
    from odiac_analyzers.node import _Pkg

_LISTEN = re.compile(
    r"(?:\.listen\(\s*(?:\{[^}]*?\bport\s*:\s*)?|\bserve\(\s*\{[^}]*?\bport\s*:\s*|Bun\.serve\(\s*\{[^}]*?\bport\s*:\s*)"
    r"(?=\S)",
    re.S,
)
_ENV_PORT = re.compile(
    r"process\.env\.PORT|process\.env\[\s*['\"]PORT['\"]\s*\]|Bun\.env\.PORT|import\.meta\.env\.PORT"
)
_OTHER_ENV = re.compile(r"process\.env\.\w+|process\.env\[\s*['\"]\w+['\"]\s*\]")
_FALLBACK = re.compile(r"(?:\|\||\?\?)\s*(?P<fb>[^,)}\n;]+)")
_EXT = ("ts", "js", "mjs", "cjs", "mts")
_NAMES = ("main", "index", "server", "app")


def _entry_files(ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg) -> list[str]:
    rels: list[str] = []
    main = pkg.data.get("main")
    if isinstance(main, str):
        rels.append(main.removeprefix("./"))
    start = pkg.scripts.get("start", "") + " " + pkg.scripts.get("start:prod", "")
    for token in re.findall(r"[\w./-]+\.(?:[cm]?[jt]s)\b", start):
        rels.append(token.removeprefix("./"))
        # compiled output (dist/index.js) maps back to its source (src/index.ts)
        stem = re.sub(r"^(dist|build|out)/", "src/", token.removeprefix("./"))
        rels.extend(re.sub(r"\.[cm]?[jt]s$", f".{ext}", stem) for ext in _EXT)
    for folder in ("", "src/", "server/", "src/server/"):
        rels.extend(f"{folder}{name}.{ext}" for name in _NAMES for ext in _EXT)
    seen: list[str] = []
    for rel in rels:
        full = svc.join(rel)
        if full not in seen and ctx.index.exists(full):
            seen.append(full)
    return seen


def listeners(ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg) -> None:
    """Record rung-3 listener candidates from the start script and entry files."""
    for script in ("start:prod", "start"):
        command = pkg.scripts.get(script)
        if command:
            for port, honours in command_ports(command):
                if port is not None:
                    svc.add_port(
                        3, port, file=pkg.rel, note=f"script {script}", honours_port=honours
                    )
                elif honours:
                    svc.honours_port = True
            break
    config_package_port(ctx, svc, pkg)
    for rel in _entry_files(ctx, svc, pkg):
        text = code_of(ctx.index, rel)
        for match in _LISTEN.finditer(text):
            port, honours = evaluate(argument_at(text, match.end()), text)
            line = ctx.index.line_of(rel, match.start())
            if port is not None:
                svc.add_port(3, port, file=rel, line=line, note="listen()", honours_port=honours)
            elif honours:
                svc.honours_port = True
                ctx.decide(svc.name, "port_env", "PORT", Evidence(file=rel, line=line))
        if "fastify" in text and re.search(r"\.listen\(\s*\{(?![^}]*host)", text):
            ctx.flag(
                svc.name,
                "loopback_bind",
                "Fastify listen() without host binds loopback; set host 0.0.0.0",
                Evidence(file=rel),
            )


_CONFIG_PORT = re.compile(r"""^\s*["']?port["']?\s*:\s*["']?(\d{2,5})\b""", re.M)
_CONFIG_PORT_ENV = re.compile(r"""^\s*["']?port["']?\s*:\s*["']?PORT\b""", re.M)


def config_package_port(ctx: AnalysisContext, svc: ServiceDraft, pkg: _Pkg) -> None:
    """node-config (the ``config`` package): ``port`` in ``config/default.*`` (§4.3 server config)."""
    if "config" not in pkg.deps:
        return
    for name in (
        "default.json",
        "default.yml",
        "default.yaml",
        "production.json",
        "production.yml",
    ):
        rel = svc.join(f"config/{name}")
        text = code_of(ctx.index, rel) if ctx.index.exists(rel) else ""
        match = _CONFIG_PORT.search(text)
        if match is None:
            continue
        honours = any(
            _CONFIG_PORT_ENV.search(ctx.index.read(svc.join(f"config/{env}")) or "")
            for env in ("custom-environment-variables.json", "custom-environment-variables.yml",
                        "custom-environment-variables.yaml")
        )  # fmt: skip
        svc.add_port(
            3,
            int(match[1]),
            file=rel,
            line=ctx.index.line_of(rel, match.start()),
            note="node-config port",
            honours_port=honours,
        )
        return


def evaluate(expr: str, text: str) -> tuple[int | None, bool]:
    """Port of a listen() argument: ``(port, honours_PORT)`` (§4.4 forms, one indirection)."""
    expr = expr.strip()
    for _ in range(2):
        if _ENV_PORT.search(expr):
            fb = _FALLBACK.search(expr)
            return (number_of(fb["fb"], text) if fb else None), True
        value = number_of(expr, text)
        if value is not None:
            return value, False
        if _OTHER_ENV.search(expr) and (fb := _FALLBACK.search(expr)):
            # §4.4: a non-standard variable (APP_PORT) does not honour PORT
            return number_of(fb["fb"], text), False
        ident = re.fullmatch(r"(?:parseInt\(|Number\()?\s*([A-Za-z_]\w*)\)?(?:\s*,\s*10\))?", expr)
        if not ident:
            return None, False
        define = re.search(rf"(?:const|let|var)\s+{ident[1]}\s*(?::\s*\w+)?\s*=\s*([^;\n]+)", text)
        if not define:
            return None, False
        expr = define[1]
    return None, False
