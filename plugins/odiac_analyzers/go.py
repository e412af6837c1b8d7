"""Go analyzer (analysis-rules 3.4, analysis-rules 13): gin, echo, fiber, chi, gorilla, net/http."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.comments import code_of
from odiac.analysis.context import AnalysisContext, EnvRead, Rank, ServiceDraft
from odiac.analysis.databases import DRIVERS
from odiac.analysis.evidence import Evidence
from odiac.analysis.names import TOOL_FIELDS
from odiac.plugin import Analyzer, hookimpl

if TYPE_CHECKING:
    from collections.abc import Iterator

FRAMEWORKS = (
    ("github.com/gin-gonic/gin", "gin"), ("github.com/labstack/echo", "echo"),
    ("github.com/gofiber/fiber", "fiber"), ("github.com/go-chi/chi", "chi"),
    ("github.com/gorilla/mux", "gorilla"),
)  # fmt: skip
CGO_MODULES = ("github.com/mattn/go-sqlite3", "github.com/confluentinc/confluent-kafka-go")
_REQUIRE_LINE = re.compile(
    r"^\s*(?:require\s+)?([\w.\-/]+\.[\w.\-/]+)\s+(v[\w.\-+]+)(\s*//\s*indirect)?"
)
_LISTEN = re.compile(
    r"(?:ListenAndServe(?:TLS)?|\.Start|\.Listen|\.Run)\(\s*\"[\w.\[\]]*:(\d{2,5})\""
)
_LISTEN_VAR = re.compile(
    r"(?:ListenAndServe(?:TLS)?|\.Start|\.Listen|\.Run)\(\s*(?:\":\"\s*\+\s*)?(\w+)"
)
# `http.Server{Addr: ":8080"}` and `const addr = ":9090"` used by a listen call.
_SERVER_ADDR = re.compile(r"\bAddr\s*:\s*\"[\w.\[\]]*:(\d{2,5})\"")
_ADDR_CONST = r"\b{name}\s*(?::=|=)\s*\"[\w.\[\]]*:(\d{{2,5}})\""
# `address = defaultAddress`: the listen variable's fallback is a named address constant.
_ADDR_ALIAS = r"\b{name}\s*(?::=|=)\s*([A-Za-z_]\w*)\s*$"
_PORT_DEFAULT = re.compile(
    r"(?:os\.Getenv|os\.LookupEnv)\(\"(\w*PORT\w*)\"\)[\s\S]{0,200}?=\s*\"?:?(\d{2,5})\"?"
)
# A listen address literal on loopback: the ingress can never reach it (analysis-rules 4.4).
_LOOPBACK = re.compile(
    r"(?:ListenAndServe(?:TLS)?|\.Start|\.Listen|\.Run|\bAddr\s*:)\(?\s*\"(127\.0\.0\.1|localhost|\[::1\]):(\d{2,5})\""
)
_FLAG = re.compile(r"flag\.(?:String|Int)\(\s*\"(?:port|addr|listen)\"\s*,\s*\"?:?(\d{2,5})\"?")


def parse_go_mod(text: str) -> tuple[str, str, list[tuple[str, bool, int]]]:
    """``(module, go version, [(path, indirect, line)])``."""
    module = re.search(r"^module\s+(\S+)", text, re.M)
    version = re.search(r"^go\s+(\S+)", text, re.M)
    requires: list[tuple[str, bool, int]] = []
    in_block = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("require ("):
            in_block = True
            continue
        if in_block and stripped == ")":
            in_block = False
            continue
        if in_block or stripped.startswith("require "):
            match = _REQUIRE_LINE.match(stripped)
            if match:
                requires.append((match[1], bool(match[3]), number))
    return (module[1] if module else ""), (version[1] if version else ""), requires


def _go_files(ctx: AnalysisContext, svc: ServiceDraft) -> list[str]:
    return [
        f for f in ctx.index.under(svc.root)
        if f.endswith(".go") and not f.endswith("_test.go") and "/testdata/" not in f
    ]  # fmt: skip


def _entry(ctx: AnalysisContext, svc: ServiceDraft, module: str, files: list[str]) -> str | None:
    root_main = [f for f in ctx.index.glob(svc.root, "*.go") if not f.endswith("_test.go")
                 and re.search(r"^package main\b", ctx.index.read(f) or "", re.M)]  # fmt: skip
    if root_main:
        return "."
    cmds = sorted({f.split("/")[-2] for f in files if re.search(r"(^|/)cmd/[^/]+/main\.go$", f)})
    if len(cmds) == 1:
        return f"./cmd/{cmds[0]}"
    preferred = [c for c in cmds if c in {module.rsplit("/", 1)[-1], "server", "api", "web"}]
    if len(preferred) == 1:
        return f"./cmd/{preferred[0]}"
    if cmds:
        ctx.flag(
            svc.name,
            "several_binaries",
            "several cmd/* binaries: " + ", ".join(cmds),
            Evidence(file=svc.join("cmd")),
            blocking=True,
        )
    return None


def detect(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """Claim services with go.mod (or go.work / a root main.go)."""
    rel = svc.join("go.mod")
    text = ctx.index.read(rel)
    if text is None:
        if not ctx.index.exists(svc.join("main.go")):
            return False
        rel, text = svc.join("main.go"), ""
    module, version, requires = parse_go_mod(text)
    files = _go_files(ctx, svc)
    entry = _entry(ctx, svc, module, files)
    svc.set("language", "go", rank=Rank.MANIFEST, file=rel)
    if version:
        svc.set("language_version", version, rank=Rank.MANIFEST, file=rel, line=_line(text, "go "))
    for field in TOOL_FIELDS:
        svc.set(field, "go", rank=Rank.MANIFEST, file=rel)
    direct = [(p, n) for p, indirect, n in requires if not indirect]
    if ctx.index.exists(svc.join("go.sum")):
        svc.set("lockfile", "go.sum", rank=Rank.MANIFEST, file=svc.join("go.sum"))
        svc.set("dependency_resolution", "locked", rank=Rank.MANIFEST, file=svc.join("go.sum"))
    elif not requires and text:
        svc.set("dependency_resolution", "locked", rank=Rank.MANIFEST, file=rel, note="no requires")
    elif text:
        svc.set("dependency_resolution", "unlocked", rank=Rank.MANIFEST, file=rel)
        ctx.flag(svc.name, "missing_lockfile", "go.sum is missing", Evidence(file=rel))
    _framework(ctx, svc, rel, direct, files)
    for path, number in direct:
        for prefix, engine in DRIVERS["go"].items():
            if path == prefix or path.startswith(prefix + "/"):
                svc.add_db(engine, strong=True, file=rel, line=number, note=f"require {path}")
    cgo = any(p.startswith(CGO_MODULES) for p, _, _ in requires) or any(
        re.search(r'^import\s+"C"', ctx.index.read(f) or "", re.M) for f in files
    )
    if entry:
        env = "CGO_ENABLED=1" if cgo else "CGO_ENABLED=0"
        svc.set("entry_point", entry, rank=Rank.MANIFEST, file=rel)
        svc.set(
            "scripts_build", f"{env} go build -o /out/server {entry}", rank=Rank.DEFAULT, file=rel
        )
        svc.set("scripts_start", "/out/server", rank=Rank.DEFAULT, file=rel)
        svc.set("output_directory", "/out", rank=Rank.DEFAULT, file=rel)
        if cgo:
            ctx.decide(svc.name, "cgo", "needs a C toolchain", Evidence(file=rel))
    _ports(ctx, svc, files)
    _viper_env(ctx, svc, files)
    return bool(entry) or bool(svc.get("scripts_start"))


def _line(text: str, prefix: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(prefix):
            return number
    return None


def _framework(
    ctx: AnalysisContext,
    svc: ServiceDraft,
    rel: str,
    direct: list[tuple[str, int]],
    files: list[str],
) -> None:
    for prefix, framework in FRAMEWORKS:
        for path, number in direct:
            if path == prefix or re.fullmatch(re.escape(prefix) + r"(/v\d+)?", path):
                svc.set(
                    "framework",
                    framework,
                    rank=Rank.MANIFEST,
                    file=rel,
                    line=number,
                    note=f"require {path}",
                )
                if framework == "gin":
                    svc.set_default_port(8080, file=rel, note="gin Run() default")
                return
    for f in files:
        if re.search(r'"net/http"', ctx.index.read(f) or "") and re.search(
            r"http\.(ListenAndServe|Server\{)", ctx.index.read(f) or ""
        ):
            svc.set("framework", "nethttp", rank=Rank.MANIFEST, file=f, note="net/http server")
            return


def _ports(ctx: AnalysisContext, svc: ServiceDraft, files: list[str]) -> None:
    for f in files:
        text = code_of(ctx.index, f)
        for match in _LOOPBACK.finditer(text):
            ctx.flag(
                svc.name,
                "loopback_bind",
                f"the server listens on {match[1]}:{match[2]}, which the platform cannot reach;"
                f' change the address to ":{match[2]}" (all interfaces)',
                Evidence(file=f, line=ctx.index.line_of(f, match.start())),
            )
        for match in _LISTEN.finditer(text):
            svc.add_port(
                3,
                int(match[1]),
                file=f,
                line=ctx.index.line_of(f, match.start()),
                note="listen literal",
            )
        for match in _SERVER_ADDR.finditer(text):
            svc.add_port(
                3,
                int(match[1]),
                file=f,
                line=ctx.index.line_of(f, match.start()),
                note="http.Server Addr literal",
            )
        for match in _LISTEN_VAR.finditer(text):
            const = re.search(_ADDR_CONST.format(name=re.escape(match[1])), text)
            if const is None:
                for alias in re.finditer(_ADDR_ALIAS.format(name=re.escape(match[1])), text, re.M):
                    const = re.search(_ADDR_CONST.format(name=re.escape(alias[1])), text)
                    if const:
                        break
            if const and match[1] != "nil":
                svc.add_port(
                    3,
                    int(const[1]),
                    file=f,
                    line=ctx.index.line_of(f, const.start()),
                    note=f"listen address {match[1]}",
                )
        for match in _PORT_DEFAULT.finditer(text):
            honours = match[1] == "PORT"
            svc.add_port(
                3,
                int(match[2]),
                file=f,
                line=ctx.index.line_of(f, match.start()),
                note=f"{match[1]} lookup default",
                honours_port=honours,
            )
        for match in _FLAG.finditer(text):
            svc.add_port(
                3,
                int(match[1]),
                file=f,
                line=ctx.index.line_of(f, match.start()),
                note="flag default",
            )


_VIPER_GET = re.compile(r'viper\.(?:Get\w*|IsSet)\(\s*"([\w.]+)"\s*\)')
_VIPER_DEFAULT = re.compile(r'viper\.SetDefault\(\s*"([\w.]+)"\s*,\s*("[^"\n]*"|[\w.]+)')
_VIPER_PREFIX = re.compile(r'viper\.SetEnvPrefix\(\s*"(\w+)"\s*\)')
# `secret := viper.GetString("k")` … `if …secret… {` `return nil, Err…` / `log.Fatal`.
_VIPER_ASSIGN = r'(\w+)\s*:?=\s*viper\.Get\w*\(\s*"{key}"\s*\)'
_GO_FAIL = (
    r"if\b[^{{\n]*\b{var}\b[^{{\n]*\{{\s*(?:return\s+nil\s*,|return\s+\w*[Ee]rr|log\.Fatal|panic\()"
)


def _viper_env(ctx: AnalysisContext, svc: ServiceDraft, files: list[str]) -> None:
    """analysis-rules 7.1: ``viper.Get*("key")`` with ``AutomaticEnv`` reads the env name ``KEY``.

    A ``SetDefault`` is the fallback. Without one viper yields the zero value, a
    state the app may cope with (like a lookup that returns nothing): the key is
    optional unless the code fails on it right after reading it.
    """
    texts = {f: code_of(ctx.index, f) for f in files}
    if not any("viper.AutomaticEnv()" in t for t in texts.values()):
        return
    prefix = next((m[1] for t in texts.values() for m in _VIPER_PREFIX.finditer(t)), "")
    dotted = any('strings.NewReplacer(".", "_")' in t for t in texts.values())
    defaults = {m[1]: m[2] for t in texts.values() for m in _VIPER_DEFAULT.finditer(t)}
    for f, text in texts.items():
        for match in _VIPER_GET.finditer(text):
            key = match[1]
            if "." in key and not dotted:
                continue
            name = ((prefix + "_") if prefix else "") + key.replace(".", "_")
            assigned = re.search(_VIPER_ASSIGN.format(key=re.escape(key)), text)
            fails = bool(
                assigned
                and re.search(
                    _GO_FAIL.format(var=re.escape(assigned[1])),
                    text[assigned.end() : assigned.end() + 600],
                )
            )
            fallback = defaults.get(key)
            svc.add_env(
                EnvRead(
                    name=name.upper(),
                    source="code",
                    evidence=Evidence(
                        file=f, line=ctx.index.line_of(f, match.start()), note="viper key"
                    ),
                    fallback=fallback,
                    required=fails and fallback is None,
                )
            )


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(name="go", priority=30, detect=detect, description="Go modules (go.mod)")
