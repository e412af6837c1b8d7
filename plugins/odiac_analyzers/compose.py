"""Compose analyzer (analysis-rules 2.1 rule 1, analysis-rules 2.2, analysis-rules 6.2 images)."""

from __future__ import annotations

import re
import shlex
from typing import TYPE_CHECKING, Any

from odiac.analysis import compose
from odiac.analysis.commands import apply_command
from odiac.analysis.context import AnalysisContext, EnvRead, Rank, ServiceDraft
from odiac.analysis.databases import engine_of_image, image_kind
from odiac.analysis.envfiles import parse_env_file
from odiac.analysis.evidence import Evidence
from odiac.analysis.glue import strip_glue
from odiac.analysis.pipeline import MANIFESTS, dns_label
from odiac.analysis.source_index import escapes_root, join, norm_dir
from odiac.plugin import Analyzer, hookimpl
from odiac_analyzers._compose_proxy import built_proxy

if TYPE_CHECKING:
    from collections.abc import Iterator

TOOLING = re.compile(
    r"^(test|tests|e2e|mock|storybook|docs|benchmark|devcontainer|setup|init|migrate-once"
    r"|fixtures?|seed|adminer|pgadmin|phpmyadmin|mongo-express|redis-commander)$"
)
ONE_SHOT = re.compile(
    r"(?<![A-Za-z0-9])(migrate|migration|seed|init|setup|fixtures)(?![A-Za-z0-9])"
)
WORKER = re.compile(
    r"\b(celery|rq\s+worker|sidekiq|bull|resque|horizon|queue:work|beat|cron|qcluster)\b"
)


def _command(value: Any) -> str:
    if isinstance(value, list):
        return shlex.join(str(v) for v in value)
    return str(value or "").strip()


def _line(ctx: AnalysisContext, rel: str, name: str) -> int | None:
    hit = ctx.index.find_line(rel, rf"^\s+{re.escape(name)}:\s*$")
    return hit[0] if hit else None


def _is_tooling(name: str, spec: dict[str, Any], completed: set[str]) -> bool:
    if TOOLING.match(name) or spec.get("profiles") or name in completed:
        return True
    command = _command(spec.get("command")) + " " + _command(spec.get("entrypoint"))
    return str(spec.get("restart", "")).strip("\"'") == "no" and bool(ONE_SHOT.search(command))


def _image_ref(image: str) -> str:
    """Comparable image reference: interpolated, ``:latest`` when untagged, no ``docker.io``."""
    ref = compose.interpolate(image.strip()) or ""
    ref = ref.removeprefix("docker.io/").removeprefix("library/")
    if ref and "@" not in ref and ":" not in ref.rsplit("/", 1)[-1]:
        ref += ":latest"
    return ref


def _local_tags(services: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Image references that a compose ``build:`` + ``image:`` pair tags locally (analysis-rules 2.2)."""
    tags: dict[str, str] = {}
    for name, spec in services.items():
        if spec.get("build") is not None and (ref := _image_ref(str(spec.get("image", "")))):
            tags.setdefault(ref, name)
    return tags


def _proxy_of(
    ctx: AnalysisContext, base_dir: str, siblings: set[str], spec: dict[str, Any]
) -> str | None:
    """The proxy image a service builds when its config only forwards to other services."""
    build = spec["build"]
    context = compose.interpolate(
        build if isinstance(build, str) else str((build or {}).get("context", "."))
    )
    if context is None or "://" in context:
        return None
    source = norm_dir(join(base_dir, context))
    if escapes_root(source) or _has_manifest(ctx, source):
        return None
    name_of = (
        str(build.get("dockerfile") or "Dockerfile") if isinstance(build, dict) else "Dockerfile"
    )
    return built_proxy(ctx.index, source, join(source, name_of), siblings)


def layout(ctx: AnalysisContext) -> None:
    """Build the service graph from the selected compose file(s)."""
    files, ignored = compose.select_files(ctx.index)
    for rel in ignored:
        ctx.decide(
            "", "compose_ignored", rel, Evidence(file=rel, note="test/CI/override compose file")
        )
        for spec in compose.load(ctx.index, [rel]).values():
            engine = engine_of_image(str(spec.get("image", "")))
            if engine:
                ctx.compose_images.setdefault(
                    f"weak:{rel}:{engine}", (engine, Evidence(file=rel, note="weak"))
                )
    if not files:
        return
    services = compose.load(ctx.index, files)
    rel = files[-1]
    base_dir = rel.rsplit("/", 1)[0] if "/" in rel else ""
    completed = {
        dep
        for spec in services.values()
        if isinstance(spec.get("depends_on"), dict)
        for dep, cond in spec["depends_on"].items()
        if isinstance(cond, dict) and cond.get("condition") == "service_completed_successfully"
    }
    local = _local_tags(services)
    apps: list[tuple[str, dict[str, Any]]] = []
    for name, spec in services.items():
        image = str(spec.get("image", ""))
        builder = local.get(_image_ref(image)) if image and not spec.get("build") else None
        if builder and not _is_tooling(name, spec, completed):
            # The image is the one another service builds here: this entry runs our code.
            ctx.decide(
                dns_label(name),
                "compose_local_image",
                f"{image} (built by {builder})",
                Evidence(file=rel, line=_line(ctx, rel, name), note=f"image {image}"),
            )
            apps.append((name, {**spec, "build": services[builder]["build"]}))
            continue
        engine = engine_of_image(image) if image and not spec.get("build") else None
        if engine:
            ctx.compose_images[name] = (
                engine,
                Evidence(file=rel, line=_line(ctx, rel, name), note=f"image {image}"),
            )
        elif _is_tooling(name, spec, completed):
            ctx.decide("", "compose_tooling", name, Evidence(file=rel, line=_line(ctx, rel, name)))
        elif spec.get("build") is not None and (
            proxy := _proxy_of(ctx, base_dir, set(services) - {name}, spec)
        ):
            # Only forwards to sibling services: the platform ingress replaces it.
            ctx.external.append((name, proxy, "proxy", f"{rel}:{_line(ctx, rel, name) or 0}"))
        elif spec.get("build") is not None:
            apps.append((name, spec))
        elif image:
            kind = image_kind(image) or "sidecar"
            ctx.external.append((name, image, kind, f"{rel}:{_line(ctx, rel, name) or 0}"))
    if not apps:
        return
    ctx.layout_by = "compose"
    ctx.compose_file = rel
    has_ports = any(compose.container_ports(s)[0] for _, s in apps)
    for name, spec in apps:
        _app_service(ctx, rel, base_dir, name, spec, has_ports)


def _app_service(
    ctx: AnalysisContext, rel: str, base_dir: str, name: str, spec: dict[str, Any], has_ports: bool
) -> None:
    build = spec["build"]
    context = build if isinstance(build, str) else str((build or {}).get("context", "."))
    resolved = compose.interpolate(context)
    line = _line(ctx, rel, name)
    ev = Evidence(file=rel, line=line, note=f"compose service {name}")
    if resolved is None:
        ctx.flag(
            dns_label(name),
            "compose_unresolved",
            f"build context {context!r} needs an env value",
            ev,
            blocking=True,
        )
        resolved = "."
    source = norm_dir(join(base_dir, resolved))
    if escapes_root(source) or "://" in resolved:
        ctx.flag(
            dns_label(name),
            "compose_context_outside",
            f"build context {context!r} is outside the project folder; building from its root",
            ev,
            blocking=True,
        )
        source = ""
    mounted = _mounted_app(ctx, base_dir, source, spec)
    if mounted is not None:
        ctx.flag(
            dns_label(name),
            "compose_runtime_image",
            f"compose builds a runtime-only image from {source or '.'!r} and runs the code of "
            f"{mounted or '.'!r} through a bind mount; analysed from {mounted or '.'!r}",
            ev,
            key=f"services.{dns_label(name)}.path",
        )
    app_dir = _dockerfile_app_dir(ctx, source, build) if mounted is None else None
    svc = ctx.add_service(
        dns_label(name), (mounted if mounted is not None else source) or ".", app_dir=app_dir
    )
    svc.compose_name = name
    ctx.decide(svc.name, "source_root", svc.source_path, ev)
    if app_dir is not None:
        ctx.decide(
            svc.name, "app_dir", app_dir, ev.model_copy(update={"note": "beside the Dockerfile"})
        )
    if mounted is not None:
        build = None  # the image holds no code: not the service's build
    if isinstance(build, dict):
        if build.get("dockerfile"):
            svc.dockerfile = join(source, str(build["dockerfile"]))
        if build.get("target"):
            svc.dockerfile_target = str(build["target"])
            ctx.decide(svc.name, "build_target", svc.dockerfile_target, ev)
    command = _command(spec.get("command"))
    if command:
        real, glue = strip_glue(command)
        if glue:
            # Waiting for sibling containers would hang against a managed database.
            ctx.flag(
                svc.name,
                "start_glue",
                f"compose command waits for local containers ({'; '.join(glue)}); "
                "not copied into the start command",
                ev,
                key=f"services.{svc.name}.start_command",
            )
            svc.notes["start_glue"] = command
            command = real
    ports, ranges = compose.container_ports(spec)
    for port in ports:
        svc.add_port(2, port, file=rel, line=line, note="compose container port")
    for span in ranges:
        ctx.decide(svc.name, "port_range", span, ev)
    if command:
        svc.start_override = (command, ev)
        svc.set(
            "scripts_start",
            command,
            rank=Rank.DESCRIPTOR.stronger(),
            file=rel,
            line=line,
            note="compose command",
        )
        apply_command(ctx, svc, command, rel, line or 0)
        svc.facts["scripts_start"].rank = Rank.DESCRIPTOR.stronger()
    # Flower is Celery's web dashboard: an HTTP service, not a queue worker.
    if (WORKER.search(command) and "flower" not in command) or (not ports and has_ports):
        svc.set_role("worker", file=rel, line=line, note="compose worker command / no ports")
    else:
        svc.set_role("web", file=rel, line=line, note="compose app service")
    for key, value in compose.as_mapping(spec.get("environment")).items():
        svc.add_env(
            EnvRead(
                name=key,
                source="compose",
                evidence=ev,
                fallback=compose.interpolate(value) if value else None,
            )
        )
    env_files = spec.get("env_file")
    for target in [env_files] if isinstance(env_files, str) else list(env_files or []):
        path = join(
            base_dir, str(target if not isinstance(target, dict) else target.get("path", ""))
        )
        for entry in parse_env_file(ctx.index.read(path) or ""):
            svc.add_env(
                EnvRead(
                    name=entry.key,
                    source="compose",
                    evidence=Evidence(file=path, note="env_file key"),
                )
            )
    _named_volumes(svc, spec, ev)
    deps = spec.get("depends_on") or []
    svc.notes["depends_on"] = ",".join(deps if isinstance(deps, list) else list(deps))


def _has_manifest(ctx: AnalysisContext, directory: str) -> bool:
    return any(ctx.index.exists(join(directory, m)) for m in MANIFESTS) or bool(
        ctx.index.glob(directory, "*.csproj") + ctx.index.glob(directory, "*.fsproj")
    )


def _dockerfile_app_dir(ctx: AnalysisContext, context: str, build: Any) -> str | None:
    """The app's own directory when compose builds from a folder without a manifest
    (a solution root) with a Dockerfile next to the project (``src/Web/Dockerfile``)."""
    if not isinstance(build, dict) or not build.get("dockerfile") or _has_manifest(ctx, context):
        return None
    directory = norm_dir(join(context, str(build["dockerfile"])).rsplit("/", 1)[0])
    if "/" not in join(context, str(build["dockerfile"])) or directory == context:
        return None
    return directory if not escapes_root(directory) and _has_manifest(ctx, directory) else None


def _mounted_app(
    ctx: AnalysisContext, base_dir: str, context: str, spec: dict[str, Any]
) -> str | None:
    """The bind-mounted app directory when the build context holds no app (only a Dockerfile)."""
    if _has_manifest(ctx, context):
        return None
    for entry in spec.get("volumes") or []:
        source = str(entry.get("source", "")) if isinstance(entry, dict) else str(entry)
        source = source.split(":", 1)[0]
        if not source.startswith("."):
            continue
        directory = norm_dir(join(base_dir, source))
        if not escapes_root(directory) and _has_manifest(ctx, directory):
            return directory
    return None


def _named_volumes(svc: ServiceDraft, spec: dict[str, Any], ev: Evidence) -> None:
    """Named volumes (not bind mounts) of an app service: data it keeps (analysis-rules 6.7)."""
    for entry in spec.get("volumes") or []:
        if isinstance(entry, dict):
            if entry.get("type", "volume") != "volume":
                continue
            source, target = str(entry.get("source", "")), str(entry.get("target", ""))
        else:
            parts = str(entry).split(":")
            if len(parts) < 2:
                continue
            source, target = parts[0], parts[1]
        if not source or source.startswith((".", "/", "~", "$")) or not target.startswith("/"):
            continue
        svc.data_dirs.append(
            (source, target, ev.model_copy(update={"note": f"named volume {source}"}))
        )


def enrich(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """Compose dependency images consumed by the service are strong signals (analysis-rules 6.4)."""
    consumed = set(filter(None, svc.notes.get("depends_on", "").split(",")))
    env_values = " ".join(r.fallback or "" for r in svc.env if r.source == "compose")
    for name, (engine, ev) in ctx.compose_images.items():
        if name.startswith("weak:"):
            svc.add_db(engine, strong=False, file=ev.file, note="test/CI compose image")
        elif name in consumed or re.search(rf"[@/]{re.escape(name)}(:|/|$)", env_values):
            svc.add_db(
                engine,
                strong=True,
                file=ev.file,
                line=ev.line,
                note=f"consumes compose service {name}",
            )
        elif not svc.compose_name:
            svc.add_db(
                engine,
                strong=False,
                orm=True,
                file=ev.file,
                line=ev.line,
                note=f"compose image {name}",
            )


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="compose",
        priority=10,
        layout=layout,
        enrich=enrich,
        description="docker compose service graph",
    )
