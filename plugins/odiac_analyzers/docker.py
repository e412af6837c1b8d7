"""Dockerfile mode (analysis-rules 3.13, analysis-rules 4.1 rung 1, analysis-rules 4.2, analysis-rules 8)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis import dockerfile as df
from odiac.analysis import glue
from odiac.analysis.context import AnalysisContext, EnvRead, Rank, ServiceDraft
from odiac.analysis.evidence import Evidence
from odiac.analysis.ports import command_ports, mentions_port_env
from odiac.analysis.source_index import join
from odiac.plugin import Analyzer, hookimpl

if TYPE_CHECKING:
    from collections.abc import Iterator

PRODUCTION = (
    "Dockerfile.prod",
    "Dockerfile.production",
    "production.Dockerfile",
    "prod.Dockerfile",
)
DEVELOPMENT = re.compile(r"(dev|local|test|ci|buildx)", re.I)
WIPES = re.compile(r"(manage\.py\s+flush|db:reset|DROP\s+DATABASE|migrate:fresh)", re.I)
HEALTH_PORT = re.compile(r"https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0)?:(\d{2,5})(/[^\s\"']*)?")


def choose_dockerfile(ctx: AnalysisContext, svc: ServiceDraft) -> str | None:
    """analysis-rules 3.13 order: compose reference → production variant → Dockerfile → docker/Dockerfile → dev variants."""
    if svc.dockerfile:
        return svc.dockerfile
    index = ctx.index
    for name in PRODUCTION:
        if index.exists(svc.join(name)):
            return svc.join(name)
    if index.exists(svc.join("Dockerfile")):
        return svc.join("Dockerfile")
    for rel in (svc.join("docker/production/Dockerfile"), svc.join("docker/Dockerfile")):
        if index.exists(rel):
            return rel
    variants = sorted(index.glob(svc.root, "Dockerfile.*") + index.glob(svc.root, "*.Dockerfile"))
    return variants[0] if variants else None


def enrich(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """Dockerfile facts: build tool, CMD, EXPOSE, ARG/ENV names, health check, risks."""
    rel = choose_dockerfile(ctx, svc)
    if rel is None:
        return
    text = ctx.index.read(rel)
    if text is None:
        return
    parsed = df.parse(rel, text)
    stage = parsed.stage(svc.dockerfile_target)
    if svc.dockerfile_target and DEVELOPMENT.search(svc.dockerfile_target) and parsed.stages:
        # analysis-rules 2.2: a development build target; the production start is the final stage's.
        final = parsed.stages[-1]
        ctx.flag(
            svc.name,
            "dev_build_target",
            f"compose builds stage {svc.dockerfile_target!r}; the production start comes from the final stage "
            f"{final.name or final.base!r}",
            Evidence(file=rel, line=final.line),
        )
        stage = final
    if stage is None:
        return
    svc.dockerfile = rel
    if DEVELOPMENT.search(rel.rsplit("/", 1)[-1].replace("Dockerfile", "")):
        ctx.flag(
            svc.name,
            "dev_dockerfile",
            f"only a development Dockerfile exists ({rel})",
            Evidence(file=rel),
        )
    svc.set(
        "build_tool",
        "docker",
        rank=Rank.DESCRIPTOR,
        file=rel,
        line=stage.line,
        note="Dockerfile mode",
    )
    ctx.decide(
        svc.name, "dockerfile_stage", stage.name or stage.base, Evidence(file=rel, line=stage.line)
    )
    _ports(ctx, svc, parsed, stage)
    _command(ctx, svc, stage)
    _env(svc, parsed, stage)
    for inst in stage.all("HEALTHCHECK"):
        match = HEALTH_PORT.search(inst.args)
        if match:
            svc.add_port(3, int(match[1]), file=rel, line=inst.line, note="HEALTHCHECK URL")
            svc.notes.setdefault("health_check_path", match[2] or "/")
    for inst in stage.all("VOLUME"):
        ev = Evidence(file=rel, line=inst.line, note="VOLUME")
        ctx.decide(svc.name, "storage", inst.args, ev)
        for path in df.exec_form(inst.args) or inst.args.split():
            if path.startswith("/"):
                svc.data_dirs.append(("", path, ev))
    for st in parsed.stages:
        for inst in st.all("RUN"):
            if re.search(r"\bgit\s+(rev-parse|describe)\b", inst.args):
                ctx.flag(
                    svc.name,
                    "build_needs_git",
                    "a RUN step needs .git, which is never uploaded",
                    Evidence(file=rel, line=inst.line),
                    blocking=True,
                )


def _ports(ctx: AnalysisContext, svc: ServiceDraft, parsed: df.Dockerfile, stage: df.Stage) -> None:
    for port, line, udp in df.expose_ports(stage, parsed.global_args):
        if udp:
            ctx.decide(
                svc.name, "ignored_ports", f"{port}/udp", Evidence(file=parsed.path, line=line)
            )
            continue
        svc.add_port(1, port, file=parsed.path, line=line, note="EXPOSE")
    for inst in stage.all("ENV"):
        value = df.key_values(inst.args).get("PORT", "")
        if value.isdigit():
            svc.add_port(
                3, int(value), file=parsed.path, line=inst.line, note="ENV PORT", honours_port=True
            )
    base = stage.base.lower()
    _server_config_ports(ctx, svc, parsed)
    image_port = next((port for rx, port in WEB_SERVER_IMAGES if re.match(rx, base)), None)
    installs = any(INSTALLS_SERVER.search(i.args) for i in stage.all("RUN"))
    if image_port is not None or installs:
        svc.default_port = None
        note = f"base image {stage.base}" if image_port else "web server installed by a RUN step"
        svc.set_default_port(image_port or 80, file=parsed.path, note=note)
    elif re.match(r"^php:.*-fpm", base):
        ctx.flag(
            svc.name,
            "php_fpm_only",
            "the final stage runs PHP-FPM (FastCGI on 9000); an HTTP server must front it",
            Evidence(file=parsed.path, line=stage.line),
            blocking=True,
        )


# Images that serve HTTP themselves (PHP apps behind their web server, analysis-rules 3.6, analysis-rules 4.5).
WEB_SERVER_IMAGES = (
    (r"^(?:docker\.io/)?(?:library/)?(nginx|httpd|caddy)(:|$)|.*php:.*-apache", 80),
    (r"^(?:docker\.io/)?serversideup/php:.*-(nginx|apache|unit|frankenphp)", 8080),
    (r"^(?:docker\.io/)?trafex/php-nginx", 8080),
    (r"^(?:docker\.io/)?(webdevops/php-(nginx|apache)|richarvey/nginx-php-fpm|dunglas/frankenphp)", 80),
)  # fmt: skip
INSTALLS_SERVER = re.compile(
    r"\b(apt-get|apk|yum|dnf)\b[^&;]*\binstall\b[^&;]*\b(nginx|apache2|caddy)\b"
)
_LISTEN = re.compile(r"^\s*listen\s+(?:[\w.\[\]:]*:)?(\d{2,5})\b(?![^;]*\bssl\b)", re.M)
_CADDY_SITE = re.compile(r"^\s*(?:https?://)?[\w.-]*:(\d{2,5})\s*\{", re.M)


def _server_config_ports(ctx: AnalysisContext, svc: ServiceDraft, parsed: df.Dockerfile) -> None:
    """``listen N;`` of an nginx config / ``:N`` of a Caddyfile the Dockerfile copies (analysis-rules 4.3)."""
    context = svc.root
    for st in parsed.stages:
        for inst in st.all("COPY") + st.all("ADD"):
            words = [w for w in inst.args.split() if not w.startswith("--")]
            for source in words[:-1]:
                if not re.search(r"nginx|caddy|\.conf$|apache|httpd", source, re.I):
                    continue
                rel = join(context, source)
                files = [rel] if ctx.index.exists(rel) else list(ctx.index.under(rel))[:20]
                for f in files:
                    text = ctx.index.read(f) or ""
                    rx = _CADDY_SITE if "caddy" in f.lower() else _LISTEN
                    for match in rx.finditer(text):
                        port = int(match[1])
                        if port not in (443, 8443):
                            svc.add_port(
                                3, port, file=f, line=ctx.index.line_of(f, match.start()),
                                note="web server listen",
                            )  # fmt: skip


def _command(ctx: AnalysisContext, svc: ServiceDraft, stage: df.Stage) -> None:
    path = svc.dockerfile
    cmd = stage.last("CMD")
    entry = stage.last("ENTRYPOINT")
    parts = [i for i in (entry, cmd) if i is not None]
    if not parts:
        ctx.flag(
            svc.name,
            "dockerfile_no_cmd",
            "the Dockerfile has no CMD or ENTRYPOINT; the base image default runs",
            Evidence(file=path, line=stage.line),
            blocking=True,
        )
        return
    command = " ".join(df.command_text(i.args) for i in parts)
    line = parts[-1].line
    if svc.start_override is not None and _glue_runs_cmd(svc, command):
        # The compose command only waited for local containers before running the CMD.
        override, ev = svc.start_override
        svc.start_override = None
        svc.facts.pop("scripts_start", None)
        ctx.decide(svc.name, "start_from_cmd", command, ev, Evidence(file=path, line=line))
    if svc.start_override is not None:
        override, ev = svc.start_override
        svc.set(
            "scripts_start",
            override,
            rank=Rank.DESCRIPTOR.stronger(),
            file=ev.file,
            line=ev.line,
            note="per-service start override",
        )
        ctx.flag(
            svc.name,
            "start_override",
            f"service start {override!r} differs from the Dockerfile CMD {command!r}",
            ev,
            Evidence(file=path, line=line),
        )
    else:
        svc.set(
            "scripts_start",
            command,
            rank=Rank.DESCRIPTOR,
            file=path,
            line=line,
            note="CMD/ENTRYPOINT",
        )
    for inst in parts:
        words = df.exec_form(inst.args)
        if (
            words is not None
            and words[:2] not in (["sh", "-c"], ["/bin/sh", "-c"])
            and mentions_port_env(inst.args)
        ):
            ctx.flag(
                svc.name,
                "exec_form_port",
                "an exec-form CMD/ENTRYPOINT passes $PORT unexpanded; use the shell form",
                Evidence(file=path, line=inst.line),
                blocking=True,
            )
        elif mentions_port_env(inst.args):
            svc.honours_port = True
        for port, honours in command_ports(df.command_text(inst.args)):
            if port is not None:
                svc.add_port(
                    3, port, file=path, line=inst.line, note="CMD flag", honours_port=honours
                )
        if WIPES.search(inst.args):
            ctx.flag(
                svc.name,
                "data_wiping_entrypoint",
                "the entrypoint wipes data on every start",
                Evidence(file=path, line=inst.line),
                blocking=True,
            )
    if entry is not None and cmd is None:
        script = df.command_text(entry.args).split()[0].rsplit("/", 1)[-1]
        local = next(
            (f for f in ctx.index.under(svc.root) if f.endswith("/" + script) or f == script), None
        )
        if local and re.search(r'exec\s+"\$@"', ctx.index.read(local) or ""):
            ctx.flag(
                svc.name,
                "entrypoint_needs_cmd",
                f'{local} ends with exec "$@" but there is no CMD',
                Evidence(file=local),
                blocking=True,
            )


def _glue_runs_cmd(svc: ServiceDraft, command: str) -> bool:
    """Whether a glue-wrapped compose command ends by running what the CMD runs."""
    if "start_glue" not in svc.notes or svc.start_override is None:
        return False
    override = svc.start_override[0]
    return not override or glue.program(override) == glue.program(command)


def _env(svc: ServiceDraft, parsed: df.Dockerfile, stage: df.Stage) -> None:
    for name in parsed.global_args:
        svc.add_env(
            EnvRead(
                name=name,
                source="dockerfile",
                evidence=Evidence(file=parsed.path, note="ARG"),
                build_time=True,
            )
        )
    for inst in stage.instructions:
        if inst.keyword not in {"ENV", "ARG"}:
            continue
        for key in df.key_values(inst.args):
            svc.add_env(
                EnvRead(
                    name=key,
                    source="dockerfile",
                    evidence=Evidence(file=parsed.path, line=inst.line, note=inst.keyword),
                    build_time=inst.keyword == "ARG",
                )
            )


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="docker",
        priority=5,
        enrich=enrich,
        description="Dockerfile mode: CMD, EXPOSE, ARG/ENV",
    )
