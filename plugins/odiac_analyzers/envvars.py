"""Env names for every service: templates, code references, conventions (analysis-rules 1.5, analysis-rules 7, analysis-rules 8)."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from odiac.analysis.context import AnalysisContext, EnvRead, ServiceDraft
from odiac.analysis.envfiles import (
    EnvLine,
    classify_env_file,
    is_placeholder,
    is_secret_name,
    parse_env_file,
)
from odiac.analysis.envrefs import PUBLIC_PREFIXES, SKIP_DIRS, SWITCH_NOTE, scan_file, scannable
from odiac.analysis.envrefs_js import dotenv_safe_template
from odiac.analysis.envrefs_py import helper_names, helper_reads
from odiac.analysis.evidence import Evidence
from odiac.analysis.source_index import norm_dir
from odiac.plugin import Analyzer, hookimpl
from odiac_analyzers import _storage as storage

if TYPE_CHECKING:
    from collections.abc import Iterator

    from odiac.analysis.source_index import SourceIndex

_DEV_SWITCH = re.compile(
    r"^(ENVIRONMENT|APP_ENV|NODE_ENV|RAILS_ENV|FLASK_ENV|DEBUG|APP_DEBUG|FLASK_DEBUG)$"
)
_DEV_VALUE = re.compile(r"^(development|dev|local|1|true|yes|on)$", re.IGNORECASE)

# Names a bundler defines in client code itself: never the user's configuration.
BUNDLER_BUILTINS = {
    "cra": frozenset({"PUBLIC_URL", "FAST_REFRESH"}),
    # `remix dev` hands its own origin to the app server it starts; production never has it.
    "remix": frozenset({"REMIX_DEV_HTTP_ORIGIN", "REMIX_DEV_ORIGIN"}),
}
# Vite defines these from its own config (`base`, `mode`): a `.env` key of the same name
# is never exposed to the app, so no source makes them user env.
_VITE_OWN = frozenset({"BASE_URL", "MODE", "DEV", "PROD", "SSR"})
BUNDLER_OWN = {"vite": _VITE_OWN, "astro": _VITE_OWN | {"SITE", "ASSETS_PREFIX"}}

CONVENTIONS: dict[str, list[tuple[str, bool]]] = {
    "rails": [("RAILS_ENV", False), ("SECRET_KEY_BASE", True)],
    "laravel": [("APP_KEY", True), ("APP_ENV", False), ("APP_URL", False)],
    "phoenix": [("SECRET_KEY_BASE", True), ("PHX_HOST", False)],
}


def _other_roots(ctx: AnalysisContext, svc: ServiceDraft) -> list[str]:
    mine = svc.root
    return [
        s.root
        for s in ctx.services
        if s.root and s.root != mine and (not mine or s.root.startswith(mine + "/"))
    ]


def enrich(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """Collect env reads for ``svc``; real .env values are never kept."""
    index = ctx.index
    others = _other_roots(ctx, svc)
    # Config of profiles the app does not run with (a JVM `application-<profile>.*`).
    inactive = set(filter(None, svc.notes.get("inactive_config", "").split(",")))
    files = [rel for rel in scannable(index, svc.root, exclude=others) if rel not in inactive]
    helpers = helper_names(index.read(rel) or "" for rel in files if rel.endswith(".py"))
    for rel in files:
        reads = scan_file(index, rel)
        if helpers and rel.endswith(".py"):
            reads += helper_reads(index.read(rel) or "", rel, index, helpers)
        for read in reads:
            svc.add_env(read)
    # Workspace packages the service depends on read (and validate) its env too.
    for package in svc.watch_paths:
        local = norm_dir(package)
        if not local or local == svc.root or local.startswith(svc.root + "/" if svc.root else "\0"):
            continue
        for rel in scannable(index, local, exclude=others):
            for read in scan_file(index, rel):
                read.evidence = read.evidence.model_copy(
                    update={"note": f"read in workspace package {local}"}
                )
                svc.add_env(read)
    for rel in index.under(svc.root):
        if others and rel.startswith(tuple(o + "/" for o in others)):
            continue
        inner = rel[len(svc.root) + 1 :] if svc.root else rel
        parts = inner.split("/")
        if any(p in SKIP_DIRS for p in parts[:-1]) or len(parts) > 3:
            continue
        kind = classify_env_file(os.path.basename(rel))
        if kind == "template":
            for line in parse_env_file(index.read(rel) or ""):
                svc.add_env(
                    EnvRead(
                        name=line.key,
                        source="template",
                        evidence=Evidence(file=rel, line=line.line, note="template"),
                        fallback=None if line.commented else line.value,
                        optional=line.commented,
                        build_time=line.key.startswith(PUBLIC_PREFIXES),
                    )
                )
        elif kind == "real" and not index.is_ignored(rel):
            _committed_env_file(ctx, svc, rel, beside_compose=_beside_compose(ctx, rel))
    _dotenv_safe(svc, index, files)
    _feature_families(svc)
    framework = svc.get("framework")
    builtins = BUNDLER_BUILTINS.get(framework)
    if builtins:
        svc.env = [r for r in svc.env if not (r.source == "code" and r.name in builtins)]
    own = BUNDLER_OWN.get(framework)
    if own:
        svc.env = [r for r in svc.env if r.name not in own]
    for name, required in CONVENTIONS.get(framework, []):
        if (
            framework == "rails"
            and name == "SECRET_KEY_BASE"
            and index.exists(svc.join("config/credentials.yml.enc"))
        ):
            name = "RAILS_MASTER_KEY"
        svc.add_env(
            EnvRead(
                name=name,
                source="convention",
                evidence=Evidence(file=svc.join("."), note=f"{framework} convention"),
                required=required,
            )
        )


def _dotenv_safe(svc: ServiceDraft, index: SourceIndex, files: list[str]) -> None:
    """``dotenv-safe`` stops the app at start when any key of its template is unset:
    every key of that template is required (analysis-rules 7.1, 7.3 validators)."""
    wanted = {
        name
        for rel in files
        if rel.endswith(_JS_SUFFIXES) and (name := dotenv_safe_template(index.read(rel) or ""))
    }
    for read in [r for r in svc.env if r.source == "template" and not r.optional]:
        if os.path.basename(read.evidence.file) in wanted:
            svc.add_env(
                EnvRead(
                    name=read.name,
                    source="code",
                    evidence=read.evidence.model_copy(
                        update={"note": "dotenv-safe requires every key of this template"}
                    ),
                    required=True,
                )
            )


_JS_SUFFIXES = (".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".jsx", ".tsx")

# First words that name no vendor: `ENABLE_X` or `APP_X` do not make a feature family.
_NOT_A_FAMILY = frozenset(
    {
        "APP", "API", "AUTH", "BASE", "DATABASE", "DB", "DEBUG", "DEFAULT", "DENO", "DISABLE",
        "ENABLE", "FEATURE", "HTTP", "JWT", "LOG", "MAX", "MIN", "NEXT", "NODE", "PUBLIC",
        "REACT", "SECRET", "SERVER", "SESSION", "USE", "VITE", "WITH",
    }
)  # fmt: skip


def _family(name: str) -> str | None:
    head, sep, _rest = name.partition("_")
    if not sep or len(head) < 3 or head in _NOT_A_FAMILY:
        return None
    return head


def _feature_families(svc: ServiceDraft) -> None:
    """analysis-rules 7.4 feature_optional: a name the code tests for existence
    (``Deno.env.has("STRIPE_SECRET_KEY")``) switches a feature on; the plain reads
    of the same vendor's names (``STRIPE_*``) belong to that feature and are
    optional, even where the feature's own code throws without them.
    Validator verdicts (schema keys) are kept.
    """
    families = {f for r in svc.env if r.evidence.note == SWITCH_NOTE and (f := _family(r.name))}
    if not families:
        return
    for read in svc.env:
        if (
            read.source == "code"
            and read.evidence.note == "read in code"
            and read.required is not False
            and _family(read.name) in families
        ):
            read.required = False


def _beside_compose(ctx: AnalysisContext, rel: str) -> bool:
    """Whether a ``.env`` sits next to the compose file (then it feeds compose interpolation)."""
    if not ctx.compose_file:
        return False
    return os.path.dirname(rel) == os.path.dirname(ctx.compose_file)


def _committed_env_file(
    ctx: AnalysisContext, svc: ServiceDraft, rel: str, *, beside_compose: bool = False
) -> None:
    """analysis-rules 1.5: a committed ``.env``: key names only; classify, never copy a value.

    A ``.env`` beside the compose file holds compose's interpolation variables
    (image tags, stack names): its keys are app env only where code reads them.
    """
    if re.match(r"^\.env\.test(ing)?$", os.path.basename(rel)):
        return  # configures the test run (test secrets included), never the deployed app
    lines = [line for line in parse_env_file(ctx.index.read(rel) or "") if not line.commented]
    for line in [] if beside_compose else lines:
        svc.add_env(
            EnvRead(
                name=line.key,
                source="template",
                evidence=Evidence(file=rel, line=line.line, note="key of a committed env file"),
                optional=True,
            )
        )
    secrets = [
        line for line in lines if is_secret_name(line.key) and not is_placeholder(line.value)
    ]
    if secrets:
        ctx.flag(
            svc.name,
            "env_file_secret_material",
            f"{rel} is not git-ignored and holds values for "
            + ", ".join(line.key for line in secrets)
            + "; it is never uploaded, move the values to secrets",
            Evidence(file=rel),
        )
    _flag_dev_switches(ctx, svc, rel, lines)


def _flag_dev_switches(
    ctx: AnalysisContext, svc: ServiceDraft, rel: str, lines: list[EnvLine]
) -> None:
    # Values are inspected only to classify the file; none is kept or shown.
    for line in lines:
        if _DEV_SWITCH.match(line.key) and _DEV_VALUE.match(line.value):
            ctx.flag(
                svc.name,
                "env_file_dev_switch",
                f"{rel} is not git-ignored and sets {line.key} to a development value",
                Evidence(file=rel, line=line.line),
            )
            return


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="envvars",
        priority=900,
        enrich=enrich,
        description="env names from templates, code references and framework conventions",
    )
    yield storage.analyzer()
