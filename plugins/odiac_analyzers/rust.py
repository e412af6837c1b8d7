"""Rust analyzer (analysis-rules 3.8, analysis-rules 13): axum, actix, rocket, warp, poem, salvo, tide."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from odiac.analysis.comments import code_of
from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.analysis.databases import DRIVERS
from odiac.analysis.evidence import Evidence
from odiac.analysis.names import TOOL_FIELDS
from odiac.plugin import Analyzer, hookimpl
from odiac_analyzers._util import load_toml

if TYPE_CHECKING:
    from collections.abc import Iterator

FRAMEWORKS = (("axum", "axum"), ("actix-web", "actix"), ("rocket", "rocket"), ("warp", "warp"),
              ("poem", "poem"), ("salvo", "salvo"), ("tide", "tide"))  # fmt: skip
_BIND = re.compile(
    r"(?:bind|TcpListener::bind|serve|run)\(\s*(?:\(\s*\"[\d.]+\"\s*,\s*(\d{2,5})\s*\)|\"[\w.\[\]:]*:(\d{2,5})\"|\[[\d,\s]+\]\s*,\s*(\d{2,5}))"
)
# Address values built before the bind call: `SocketAddr::from(([0, 0, 0, 0], 3000))`,
# `SocketAddr::new(ip, 8080)`, `"0.0.0.0:8080".parse()`.
_ADDR = re.compile(
    r"SocketAddr(?:V4)?::(?:from\(\(\s*(?:\[[\d,\s]+\]|[\w:.]+(?:\([^()]*\))?)\s*,\s*(\d{2,5})\s*\)\)"
    r"|new\(\s*[^,]+,\s*(\d{2,5})\s*\))"
    r"|\"(?:0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\]|::)?:(\d{2,5})\"\s*\.parse"
)
_ENV_PORT = re.compile(
    r"env::var\(\s*\"(\w*PORT\w*)\"\s*\)[\s\S]{0,80}?unwrap_or(?:_else)?\(\s*(?:\|\|\s*)?\"?(\d{2,5})"
)


def detect(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """Claim services with a Cargo.toml that builds a binary."""
    rel = svc.join("Cargo.toml")
    data = load_toml(ctx.index, rel)
    if data is None:
        return False
    package: dict[str, Any] = data.get("package") or {}
    bins = [b.get("name") for b in data.get("bin") or [] if isinstance(b, dict) and b.get("name")]
    binary = (
        bins[0]
        if bins
        else (package.get("name") if ctx.index.exists(svc.join("src/main.rs")) else None)
    )
    if not binary:
        return False
    svc.set("language", "rust", rank=Rank.MANIFEST, file=rel)
    for field in TOOL_FIELDS:
        svc.set(field, "cargo", rank=Rank.MANIFEST, file=rel)
    toolchain = next(
        (
            svc.join(n)
            for n in ("rust-toolchain.toml", "rust-toolchain")
            if ctx.index.exists(svc.join(n))
        ),
        None,
    )
    if toolchain:
        channel = re.search(
            r"channel\s*=\s*\"([^\"]+)\"|^([\w.]+)$", ctx.index.read(toolchain) or "", re.M
        )
        if channel:
            svc.set(
                "language_version", channel[1] or channel[2], rank=Rank.MANIFEST, file=toolchain
            )
    elif isinstance(package.get("rust-version"), str):
        svc.set("language_version", package["rust-version"], rank=Rank.MANIFEST, file=rel)
    lock = svc.join("Cargo.lock")
    if ctx.index.exists(lock):
        svc.set("lockfile", "Cargo.lock", rank=Rank.MANIFEST, file=lock)
        svc.set("dependency_resolution", "locked", rank=Rank.MANIFEST, file=lock)
    else:
        svc.set("dependency_resolution", "unlocked", rank=Rank.MANIFEST, file=rel)
        ctx.flag(svc.name, "missing_lockfile", "Cargo.lock is missing", Evidence(file=rel))
    deps: dict[str, Any] = data.get("dependencies") or {}
    for crate, framework in FRAMEWORKS:
        if crate in deps:
            svc.set("framework", framework, rank=Rank.MANIFEST, file=rel, note=f"crate {crate}")
            if framework == "rocket":
                svc.set_default_port(8000, file=rel, note="Rocket default")
                ctx.flag(
                    svc.name,
                    "loopback_bind",
                    "Rocket binds 127.0.0.1 unless ROCKET_ADDRESS is set",
                    Evidence(file=rel),
                )
            break
    _drivers(ctx, svc, rel, deps)
    svc.set("entry_point", "src/main.rs", rank=Rank.MANIFEST, file=svc.join("src/main.rs"))
    svc.set("scripts_build", "cargo build --release", rank=Rank.DEFAULT, file=rel)
    svc.set("scripts_start", f"./target/release/{binary}", rank=Rank.DEFAULT, file=rel)
    svc.set("output_directory", "target/release", rank=Rank.DEFAULT, file=rel)
    _ports(ctx, svc)
    return True


def _drivers(ctx: AnalysisContext, svc: ServiceDraft, rel: str, deps: dict[str, Any]) -> None:
    for crate, engine in DRIVERS["rust"].items():
        if crate in deps:
            svc.add_db(engine, strong=True, file=rel, note=f"crate {crate}")
    for crate in ("sqlx", "diesel"):
        spec = deps.get(crate)
        features = spec.get("features", []) if isinstance(spec, dict) else []
        for feature, engine in (("postgres", "postgres"), ("mysql", "mysql")):
            if feature in features:
                svc.add_db(engine, strong=True, file=rel, note=f"{crate} feature {feature}")
    if "sqlx" in deps:
        sources = " ".join(
            ctx.index.read(f) or "" for f in ctx.index.under(svc.root) if f.endswith(".rs")
        )
        offline = ctx.index.dir_exists(svc.join(".sqlx")) or ctx.index.exists(
            svc.join("sqlx-data.json")
        )
        if re.search(r"\bquery(_as|_scalar)?!\(", sources) and not offline:
            ctx.flag(
                svc.name,
                "sqlx_build_database",
                "sqlx query macros need DATABASE_URL at build time (no .sqlx offline data)",
                Evidence(file=rel),
                blocking=True,
            )


def _ports(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    for f in ctx.index.under(svc.join("src")):
        if not f.endswith(".rs"):
            continue
        text = code_of(ctx.index, f)
        for match in _BIND.finditer(text):
            port = next(g for g in match.groups() if g)
            svc.add_port(
                3, int(port), file=f, line=ctx.index.line_of(f, match.start()), note="bind literal"
            )
        for match in _ADDR.finditer(text):
            port = next(g for g in match.groups() if g)
            svc.add_port(
                3,
                int(port),
                file=f,
                line=ctx.index.line_of(f, match.start()),
                note="socket address",
            )
        for match in _ENV_PORT.finditer(text):
            svc.add_port(
                3,
                int(match[2]),
                file=f,
                line=ctx.index.line_of(f, match.start()),
                note=f"{match[1]} default",
                honours_port=match[1] == "PORT",
            )


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(name="rust", priority=50, detect=detect, description="Rust apps (Cargo.toml)")
