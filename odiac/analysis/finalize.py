"""Turns a service draft into its analysis-rules 9.2 payload object and plan-side extras.

Settles what needs every analyzer's facts at once: the port ladder (analysis-rules 4.1),
env requirements and defaults (analysis-rules 7.3), the database decision (analysis-rules 6.4) and the
AI-provider report (analysis-rules 7.4).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from odiac.analysis.databases import DB_ENV, ENGINE_ORDER, engine_of_env, engine_of_url, primary
from odiac.analysis.envfiles import (
    is_config_name,
    is_placeholder,
    is_platform_name,
    is_secret_name,
    is_valid_name,
)
from odiac.analysis.envrefs import literal
from odiac.analysis.evidence import Evidence
from odiac.analysis.names import FEATURE_BRANCH_NOTE, FIELD_NAMES
from odiac.analysis.planmeta import env_aliases, storage_reasons
from odiac.analysis.ports import choose_http_port
from odiac.analysis.result import AiConfig, EnvVarSpec, ServiceAnalysis, ServiceExtras
from odiac.analysis.volumes import suggestions

if TYPE_CHECKING:
    from odiac.analysis.context import AnalysisContext, EnvRead, PortCandidate, Role, ServiceDraft

FIELDS = FIELD_NAMES
LATE_BOUND = re.compile(
    r"^(APP_URL|BASE_URL|SITE_URL|SITE_ROOT|PUBLIC_URL|NEXTAUTH_URL|AUTH_URL|BETTER_AUTH_URL"
    r"|PHX_HOST|ALLOWED_HOSTS|CORS_\w+|NEXT_PUBLIC_(APP|SITE|BASE)_URL|VITE_(APP|API|BASE)_URL)$"
)
AI_PROVIDERS = {
    "OPENAI": "openai", "ANTHROPIC": "anthropic", "GEMINI": "google", "GOOGLE_AI": "google",
    "GOOGLE_GENERATIVE_AI": "google", "OPENROUTER": "openrouter", "GROQ": "groq",
    "MISTRAL": "mistral", "COHERE": "cohere", "DEEPSEEK": "deepseek", "XAI": "xai",
    "TOGETHER": "together", "PERPLEXITY": "perplexity", "REPLICATE": "replicate",
    "HUGGINGFACE": "huggingface", "AZURE_OPENAI": "azure-openai",
}  # fmt: skip
_AI_KEY = re.compile(rf"^({'|'.join(AI_PROVIDERS)})_API_(KEY|TOKEN)$")
_AI_URL = re.compile(rf"^({'|'.join(AI_PROVIDERS)})_(BASE_URL|API_BASE|ENDPOINT)$")


def finalize_service(
    ctx: AnalysisContext, svc: ServiceDraft
) -> tuple[ServiceAnalysis, ServiceExtras]:
    """Build the payload object and the extras of one service, recording the ledger."""
    name = svc.name
    for field in FIELDS:
        fact = svc.facts.get(field)
        if fact is not None:
            ctx.decide(name, field, fact.value, *fact.evidence)
    role: Role = svc.role or ("static" if svc.get("framework") == "static" else "web")
    ctx.decide(name, "project_type", role, *svc.role_evidence)
    port = _resolve_port(ctx, svc, role)
    runtime, build = _env_vars(ctx, svc)
    engines = _databases(ctx, svc, {v.name for v in runtime})
    ai = _ai(ctx, svc, [v.name for v in runtime + build])
    mode = "dockerfile" if svc.dockerfile else "autodetect"
    ctx.decide(
        name, "deploy_mode", mode, *([Evidence(file=svc.dockerfile)] if svc.dockerfile else [])
    )
    for command, ev in svc.release:
        ctx.decide(name, "release_command", command, ev)
    analysis = ServiceAnalysis(
        name=name,
        source_path=svc.source_path,
        project_type=role,
        port=port,
        database_type=primary(engines),
        dependencies=[e for e in ENGINE_ORDER if e in engines],
        runtime_vars=runtime,
        build_time_vars=build,
        ai_config=ai,
        **{f: svc.get(f) for f in FIELDS},
    )
    late = [v.name for v in runtime + build if LATE_BOUND.match(v.name)]
    config_names = {r.name for r in svc.env if r.config} | {
        v.name for v in runtime + build if is_config_name(v.name)
    }
    optional = sorted({r.name for r in svc.env if r.optional})
    extras = ServiceExtras(
        storage=storage_reasons(ctx, svc),
        env_aliases=env_aliases(ctx, svc, analysis),
        deploy_mode=mode,
        dockerfile=svc.dockerfile,
        release_commands=[c for c, _ in svc.release],
        health_check_path=svc.notes.get("health_check_path", ""),
        watch_paths=svc.watch_paths,
        late_bound_vars=sorted(set(late)),
        optional_vars=optional,
        config_vars=sorted(config_names & {v.name for v in runtime + build}),
        default_origins={v.name: _origin(svc, v) for v in runtime + build if v.default},
        volumes=suggestions(ctx, svc, role, engines),
    )
    for var in late:
        ctx.decide(name, "late_bound_url", var)
    return analysis, extras


# -- ports -----------------------------------------------------------------


def _resolve_port(ctx: AnalysisContext, svc: ServiceDraft, role: str) -> int | None:
    if role in {"worker", "cron"}:
        if svc.ports:
            ctx.decide(svc.name, "port", "none (internal service)", svc.ports[0].evidence)
        return None
    by_rung: dict[int, list[PortCandidate]] = defaultdict(list)
    for cand in svc.ports:
        by_rung[cand.rung].append(cand)
    listener = {c.port for c in by_rung[3] if not c.honours_port}
    for rung in (1, 2):
        cands = by_rung[rung]
        if not cands:
            continue
        port, ignored, ambiguous = choose_http_port([c.port for c in cands], frozenset(listener))
        if ignored:
            ctx.decide(
                svc.name, "ignored_ports", ",".join(map(str, ignored)), *(c.evidence for c in cands)
            )
            for tls in [p for p in ignored if p in (443, 8443)]:
                ctx.flag(
                    svc.name,
                    "tls_port",
                    f"port {tls} means TLS inside the container; the ingress speaks plain HTTP",
                )
        if ambiguous:
            ctx.flag(
                svc.name,
                "port_ambiguous",
                "several candidate HTTP ports: " + ", ".join(str(c.port) for c in cands),
                *(c.evidence for c in cands),
                blocking=True,
                key=f"services.{svc.name}.port",
            )
            return None
        if port is None:
            continue
        chosen = next(c for c in cands if c.port == port)
        others = listener - {port}
        if others and not svc.honours_port:
            ctx.flag(
                svc.name,
                "port_conflict",
                f"port {port} ({chosen.evidence}) conflicts with a listener on "
                + ", ".join(map(str, sorted(others))),
                chosen.evidence,
                *(c.evidence for c in by_rung[3]),
                key=f"services.{svc.name}.port",
            )
        ctx.decide(svc.name, "port", str(port), chosen.evidence)
        return port
    literal_cands = [c for c in by_rung[3] if c.port]
    if literal_cands:
        ports = sorted({c.port for c in literal_cands})
        if len(ports) == 1:
            ctx.decide(svc.name, "port", str(ports[0]), literal_cands[0].evidence)
            return ports[0]
        port, _ignored, _amb = choose_http_port(ports)
        if port is not None:
            ctx.decide(
                svc.name, "port", str(port), *(c.evidence for c in literal_cands if c.port == port)
            )
            return port
        ctx.flag(
            svc.name,
            "port_ambiguous",
            "several listener ports: " + ", ".join(map(str, ports)),
            *(c.evidence for c in literal_cands),
            blocking=True,
            key=f"services.{svc.name}.port",
        )
        return None
    if svc.default_port is not None:
        ctx.decide(svc.name, "port", str(svc.default_port.port), svc.default_port.evidence)
        return svc.default_port.port
    if role == "static":
        ctx.decide(svc.name, "port", "80", Evidence(file=svc.join("."), note="static file server"))
        return 80
    hint = _PORT_HINTS.get(svc.get("language"), "")
    ctx.flag(
        svc.name,
        "port_unknown",
        "no HTTP listener found; set `port` to the port the app listens on" + hint,
        blocking=True,
        key=f"services.{svc.name}.port",
    )
    return None


_PORT_HINTS = {
    "php": " (PHP has no port of its own: 80 behind nginx, Apache or FrankenPHP; 8000 for"
    " `php artisan serve`)",
}


# -- env -------------------------------------------------------------------


def _env_vars(ctx: AnalysisContext, svc: ServiceDraft) -> tuple[list[EnvVarSpec], list[EnvVarSpec]]:
    reads: dict[str, list[EnvRead]] = defaultdict(list)
    for read in svc.env:
        if not is_valid_name(read.name):
            ctx.flag(
                svc.name,
                "env_name_unusable",
                f"env name {read.name!r} cannot be set",
                read.evidence,
            )
            continue
        if is_platform_name(read.name):
            ctx.decide(svc.name, "platform_env", read.name, read.evidence)
            continue
        reads[read.name].append(read)
    runtime: list[EnvVarSpec] = []
    build: list[EnvVarSpec] = []
    grouped = _grouped_with_required(reads)
    for name in sorted(reads):
        items = reads[name]
        if all(r.source == "dockerfile" for r in items):
            ctx.decide(svc.name, "env_in_image", name, *(r.evidence for r in items))
            continue
        spec = _spec(name, items, grouped=name in grouped)
        ctx.decide(
            svc.name, "env", f"{name} required={spec.required}", *(r.evidence for r in items[:3])
        )
        is_build = any(r.build_time for r in items)
        runtime_read = any(not r.build_time for r in items if r.source != "template")
        if is_build:
            build.append(spec)
        if not is_build or (runtime_read and not name.startswith(_PUBLIC)):
            runtime.append(spec)
    return runtime, build


# gateway-api 9.5 connection keys: values are credentials, never defaults.
_SENSITIVE = re.compile(
    r"(DATABASE_URL|DB_URL|POSTGRES_URL|POSTGRESQL_URL|PG_URL|MYSQL_URL|MONGODB_URI|MONGO_URL"
    r"|MONGO_URI|REDIS_URL|CLICKHOUSE_URL)$"
)
_CREDENTIALS = re.compile(r"://[^/@\s]*:[^/@\s]*@")
_PUBLIC = ("NEXT_PUBLIC_", "VITE_", "REACT_APP_", "PUBLIC_", "EXPO_PUBLIC_", "GATSBY_", "VUE_APP_")


def _bare_reads(items: list[EnvRead]) -> list[EnvRead]:
    """Code reads with no fallback and no verdict of their own (a plain ``os.Getenv("X")``)."""
    return [
        r
        for r in items
        if r.source == "code" and r.fallback is None and r.required is None and not r.optional
    ]


def _grouped_with_required(reads: dict[str, list[EnvRead]]) -> set[str]:
    """Setting-shaped names read bare next to a required read of the same prefix.

    ``DATABASE_HOST``/``_PORT``/``_NAME`` read on the lines around a bare
    ``DATABASE_USER`` read feed one connection: the same kind of read gets the same
    verdict, whatever the name's shape.
    """
    anchors: dict[tuple[str, str], list[int]] = defaultdict(list)
    for name, items in reads.items():
        if is_config_name(name) or any(r.source == "template" for r in items):
            continue
        if any(r.fallback is not None or r.required is False for r in items if r.source == "code"):
            continue
        for r in _bare_reads(items):
            anchors[(r.evidence.file, _prefix(name))].append(r.evidence.line or 0)
    grouped: set[str] = set()
    for name, items in reads.items():
        if not is_config_name(name) or any(r.source == "template" for r in items):
            continue
        if any(r.fallback is not None for r in items if r.source == "code"):
            continue
        for r in _bare_reads(items):
            lines = anchors.get((r.evidence.file, _prefix(name)), [])
            if r.evidence.line and any(abs(n - r.evidence.line) <= 4 for n in lines):
                grouped.add(name)
    return grouped


def _prefix(name: str) -> str:
    return name.rsplit("_", 1)[0] if "_" in name else name


def _spec(name: str, items: list[EnvRead], *, grouped: bool = False) -> EnvVarSpec:
    code = [r for r in items if r.source in {"code", "build-config"}]
    templates = [r for r in items if r.source == "template" and not r.optional]
    explicit = [r.required for r in items if r.required is not None]
    if any(r.source == "dockerfile" for r in items):
        explicit.append(False)  # analysis-rules 7.1 item 4: set in the image already
    code_fallback = any(r.fallback is not None for r in code)
    template_default = next(
        (r.fallback for r in templates if r.fallback and not is_placeholder(r.fallback)), None
    )
    config = (is_config_name(name) and not grouped) or any(r.config for r in items)
    if True in explicit:
        required = True
    elif config:
        required = False  # a setting the app can run without: plain value or left out
    elif explicit and all(e is False for e in explicit) and not templates:
        required = False
    elif code and all(r.evidence.note == FEATURE_BRANCH_NOTE for r in code):
        required = False  # a strategy branch the deployment may never select
    else:
        # A secret name never takes a template value as default (analysis-rules 7.3);
        # a validator that declares the name optional still decides.
        example_default = template_default is not None and (
            not is_secret_name(name) or False in explicit
        )
        no_fallback_read = bool(code) and not code_fallback and not example_default
        empty_template = bool(templates) and template_default is None and not code_fallback
        required = no_fallback_read or empty_template
    default = ""
    if not is_secret_name(name) and not _SENSITIVE.search(name):
        for r in code:
            value = literal(r.fallback)
            if value is not None and not is_placeholder(value):
                default = value
                break
        else:
            # Template values are examples: only a bare setting (`info`, `true`, `30`) may
            # become a default; hosts, URLs and paths of a developer machine never do. A
            # compose `environment:` value configures the local stack, never a default.
            default = (
                template_default
                if template_default
                and _BARE.match(template_default)
                and not _HOST_NAME.search(name)  # `DB_HOST=mysql` names a local container
                else ""
            )
    return EnvVarSpec(name=name, required=required, default=default)


def _origin(svc: ServiceDraft, var: EnvVarSpec) -> str:
    """Where a default came from: ``code`` (a fallback) or ``example`` (a template)."""
    reads = [r for r in svc.env if r.name == var.name]
    if any(
        literal(r.fallback) == var.default for r in reads if r.source in {"code", "build-config"}
    ):
        return "code"
    return "example"


_HOST_NAME = re.compile(r"(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|DOMAIN)$")
_BARE = re.compile(r"^(?!localhost$)[\w-]{1,40}$")


# -- databases ---------------------------------------------------------------


def _databases(ctx: AnalysisContext, svc: ServiceDraft, runtime_names: set[str]) -> set[str]:
    engines: set[str] = set()
    for sig in svc.db:
        if sig.strong:
            if sig.engine not in engines:
                ctx.decide(svc.name, "dependency", sig.engine, sig.evidence)
            engines.add(sig.engine)
    url_engine: str | None = None
    db_url_evidence: Evidence | None = None
    for read in svc.env:
        if not DB_ENV.match(read.name) or read.source not in {
            "code",
            "compose",
            "template",
            "convention",
        }:
            continue
        if read.name != "DATABASE_URL" and read.evidence.file == svc.notes.get("db_boilerplate"):
            continue  # a multi-driver config names every engine; the selection decides (6.3)
        engine = engine_of_env(read.name)
        if read.name == "DATABASE_URL":
            db_url_evidence = db_url_evidence or read.evidence
            raw = literal(read.fallback) if read.source == "code" else read.fallback
            url_engine = url_engine or (engine_of_url(raw) if raw else None)
            continue
        if engine and read.source in {"code", "convention"} and engine not in engines:
            ctx.decide(svc.name, "dependency", engine, read.evidence)
            engines.add(engine)
    orm = next((sig for sig in svc.db if sig.orm), None)
    if db_url_evidence is not None and not url_engine and orm is not None:
        url_engine = orm.engine
        db_url_evidence = orm.evidence
    if db_url_evidence is not None and not (engines - {"redis"}):
        if url_engine:
            ctx.decide(svc.name, "dependency", url_engine, db_url_evidence)
            engines.add(url_engine)
        elif "DATABASE_URL" in runtime_names:
            ctx.flag(
                svc.name,
                "database_engine_unknown",
                "DATABASE_URL is read but nothing says which database engine",
                db_url_evidence,
            )
    for sig in svc.db:
        if not sig.strong and not sig.orm and sig.engine not in engines:
            ctx.flag(
                svc.name,
                "database_weak_signal",
                f"weak evidence of {sig.engine}; not provisioned",
                sig.evidence,
            )
    return engines


# -- AI ----------------------------------------------------------------------


def _ai(ctx: AnalysisContext, svc: ServiceDraft, names: list[str]) -> AiConfig:
    providers = dict(svc.ai_providers)
    keys = sorted(n for n in set(names) if _AI_KEY.match(n))
    urls = sorted(n for n in set(names) if _AI_URL.match(n))
    for key in keys:
        prefix = key.rsplit("_API_", 1)[0]
        providers.setdefault(AI_PROVIDERS[prefix], Evidence(file="", note=key))
    if providers:
        ctx.decide(svc.name, "ai_providers", ",".join(sorted(providers)), *providers.values())
    return AiConfig(
        requires_ai_api_key=bool(keys),
        detected_providers=sorted(providers),
        api_key_vars=keys,
        base_url_vars=urls,
    )
