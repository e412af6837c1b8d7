"""Python analyzer (analysis-rules 3.3, analysis-rules 13): Django, FastAPI, Flask, Streamlit, ..."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.analysis.databases import DRIVERS
from odiac.analysis.evidence import Evidence
from odiac.analysis.names import TOOL_FIELDS
from odiac.plugin import Analyzer, hookimpl
from odiac_analyzers._python_apps import find_app, python_files
from odiac_analyzers._python_deps import PyDeps, newest_minor, read_deps
from odiac_analyzers._python_django import django_app
from odiac_analyzers._python_ports import code_ports

if TYPE_CHECKING:
    from collections.abc import Iterator

LOCKS = (
    ("uv.lock", "uv"),
    ("poetry.lock", "poetry"),
    ("pdm.lock", "pdm"),
    ("Pipfile.lock", "pipenv"),
)
ENTRY_FILES = ("main.py", "app.py", "server.py", "bot.py")
AI_SDKS = {
    "openai": "openai", "anthropic": "anthropic", "google-generativeai": "google",
    "google-genai": "google", "groq": "groq", "mistralai": "mistral", "cohere": "cohere",
    "langchain-openai": "openai", "langchain-anthropic": "anthropic",
}  # fmt: skip
DEFAULT_PORTS = {"django": 8000, "fastapi": 8000, "flask": 5000, "streamlit": 8501,
                 "starlette": 8000, "litestar": 8000, "sanic": 8000, "gradio": 7860}  # fmt: skip


def _manage_py(ctx: AnalysisContext, svc: ServiceDraft) -> tuple[str, str] | None:
    """``(manage.py path, settings module)`` when manage.py references Django (analysis-rules 3.3)."""
    rel = svc.join("manage.py")
    text = ctx.index.read(rel)
    if not text or not re.search(r"execute_from_command_line|DJANGO_SETTINGS_MODULE", text):
        return None
    settings = re.search(r"DJANGO_SETTINGS_MODULE[\"']\s*,\s*[\"']([\w.]+)[\"']", text)
    return rel, settings[1] if settings else ""


def detect(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """Claim a Python service when a manifest yields a framework or an entrypoint."""
    deps = read_deps(ctx, svc)
    django = _manage_py(ctx, svc)
    if not deps.manifests and not deps.requirements and django is None:
        return False
    framework = _framework(ctx, svc, deps, django)
    entry = next((svc.join(n) for n in ENTRY_FILES if ctx.index.exists(svc.join(n))), None)
    if not framework and entry is None and not deps.scripts and not svc.get("scripts_start"):
        return False  # analysis-rules 3.1: a tooling-only or library manifest does not count
    svc.set(
        "language",
        "python",
        rank=Rank.MANIFEST,
        file=(deps.manifests + deps.requirements + [svc.join("manage.py")])[0],
    )
    _manager(ctx, svc, deps)
    _version(ctx, svc, deps)
    _drivers(svc, deps)
    if framework:
        _app(ctx, svc, deps, framework, django)
    elif entry is not None:
        svc.set("entry_point", entry.rsplit("/", 1)[-1], rank=Rank.MANIFEST, file=entry)
        svc.set(
            "scripts_start",
            f"python {entry.rsplit('/', 1)[-1]}",
            rank=Rank.DEFAULT,
            file=entry,
            note="entry file",
        )
    _gunicorn_config(ctx, svc)
    code_ports(ctx, svc, python_files(ctx, svc))
    _server_check(ctx, svc, deps)
    return True


def _framework(
    ctx: AnalysisContext, svc: ServiceDraft, deps: PyDeps, django: tuple[str, str] | None
) -> str:
    if django is not None:
        svc.set(
            "framework",
            "django",
            rank=Rank.MANIFEST,
            file=django[0],
            note="manage.py references Django",
        )
        return "django"
    for name in (
        "django",
        "fastapi",
        "flask",
        "streamlit",
        "litestar",
        "starlette",
        "sanic",
        "gradio",
    ):
        if deps.has(name):
            file, line = deps.where(name)
            if name == "django" and not any(
                f.endswith("settings.py") for f in python_files(ctx, svc)
            ):
                continue
            svc.set(
                "framework",
                name,
                rank=Rank.MANIFEST,
                file=file,
                line=line,
                note=f"dependency {name}",
            )
            return name
    return ""


def _manager(ctx: AnalysisContext, svc: ServiceDraft, deps: PyDeps) -> None:
    for lock, manager in LOCKS:
        rel = svc.join(lock)
        if ctx.index.exists(rel):
            for field in TOOL_FIELDS:
                svc.set(field, manager, rank=Rank.MANIFEST, file=rel)
            svc.set("lockfile", lock, rank=Rank.MANIFEST, file=rel)
            svc.set("dependency_resolution", "locked", rank=Rank.MANIFEST, file=rel)
            return
    if ctx.index.exists(svc.join("Pipfile")):
        manager, evidence = "pipenv", svc.join("Pipfile")
    elif deps.requirements:
        manager, evidence = "pip", deps.requirements[0]
    else:
        manager, evidence = "pip", (deps.manifests or [svc.join("manage.py")])[0]
    for field in TOOL_FIELDS:
        svc.set(field, manager, rank=Rank.MANIFEST, file=evidence)
    if manager == "pip" and deps.requirements and deps.all_pinned and deps.runtime:
        svc.set(
            "lockfile",
            deps.requirements[0].rsplit("/", 1)[-1],
            rank=Rank.MANIFEST,
            file=deps.requirements[0],
        )
        svc.set(
            "dependency_resolution",
            "locked",
            rank=Rank.MANIFEST,
            file=deps.requirements[0],
            note="every requirement pinned with ==",
        )
    else:
        svc.set("dependency_resolution", "unlocked", rank=Rank.MANIFEST, file=evidence)
        ctx.flag(
            svc.name,
            "missing_lockfile",
            "Python dependencies are not locked",
            Evidence(file=evidence),
        )


def _version(ctx: AnalysisContext, svc: ServiceDraft, deps: PyDeps) -> None:
    for name in (".python-version", "runtime.txt"):
        rel = svc.join(name)
        lines = ctx.index.lines(rel)
        if lines and lines[0].strip():
            svc.set(
                "language_version",
                lines[0].strip().removeprefix("python-"),
                rank=Rank.MANIFEST,
                file=rel,
                line=1,
            )
            return
    if deps.requires_python and (version := newest_minor(deps.requires_python)):
        svc.set(
            "language_version",
            version,
            rank=Rank.MANIFEST,
            file=svc.join("pyproject.toml"),
            note=f"requires-python {deps.requires_python}",
        )
    elif deps.pipfile_python:
        svc.set(
            "language_version", deps.pipfile_python, rank=Rank.MANIFEST, file=svc.join("Pipfile")
        )


def _drivers(svc: ServiceDraft, deps: PyDeps) -> None:
    for name, engine in DRIVERS["python"].items():
        if name in deps.runtime:
            file, line = deps.runtime[name]
            svc.add_db(engine, strong=True, file=file, line=line, note=f"dependency {name}")
        elif name in deps.dev:
            file, line = deps.dev[name]
            svc.add_db(
                engine, strong=False, file=file, line=line, note=f"dev/test dependency {name}"
            )
    if "redis" in deps.extras.get("celery", set()):
        file, line = deps.runtime.get("celery") or deps.dev.get("celery") or ("", None)
        svc.add_db(
            "redis", strong="celery" in deps.runtime, file=file, line=line, note="celery[redis]"
        )
    for name, provider in AI_SDKS.items():
        if name in deps.runtime:
            svc.ai_providers.setdefault(
                provider, Evidence(file=deps.runtime[name][0], note=f"dependency {name}")
            )


def _app(
    ctx: AnalysisContext,
    svc: ServiceDraft,
    deps: PyDeps,
    framework: str,
    django: tuple[str, str] | None,
) -> None:
    svc.set_default_port(
        DEFAULT_PORTS[framework],
        file=svc.facts["framework"].evidence[0].file,
        note=f"{framework} default",
    )
    if framework == "django":
        django_app(ctx, svc, django[1] if django else "")
        return
    found = find_app(ctx, svc, framework)
    if found is None:
        return
    module, var, rel, line, src = found
    target = f"{module}:{var}"
    svc.set("entry_point", target, rank=Rank.MANIFEST, file=rel, line=line)
    chdir = (
        {"uvicorn": " --app-dir src", "gunicorn": " --chdir src"}
        if src
        else {"uvicorn": "", "gunicorn": ""}
    )
    if framework in {"fastapi", "starlette", "litestar", "sanic"}:
        command = f"uvicorn {target} --host 0.0.0.0 --port $PORT{chdir['uvicorn']}"
    elif framework == "flask":
        shown = repr(target) if "(" in var else target  # a factory call needs shell quoting
        command = f"gunicorn --bind 0.0.0.0:$PORT{chdir['gunicorn']} {shown}"
    elif framework == "streamlit":
        command = f"streamlit run {rel.removeprefix(svc.root + '/') if svc.root else rel} --server.port $PORT --server.address 0.0.0.0 --server.headless true"
    else:
        command = f"python {rel.removeprefix(svc.root + '/') if svc.root else rel}"
    svc.set(
        "scripts_start",
        command,
        rank=Rank.DEFAULT,
        file=rel,
        line=line,
        note=f"{framework} production start",
    )
    if ctx.index.exists(svc.join("alembic.ini")):
        svc.add_release("alembic upgrade head", file=svc.join("alembic.ini"))
    if framework == "flask" and deps.has("flask-migrate"):
        svc.add_release("flask db upgrade", file=deps.where("flask-migrate")[0])


def _gunicorn_config(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    rel = svc.join("gunicorn.conf.py")
    text = ctx.index.read(rel)
    if not text:
        return
    match = re.search(r"bind\s*=\s*(.+)", text)
    if not match:
        return
    line = ctx.index.line_of(rel, match.start())
    env = re.search(r"environ\.get\(\s*[\"']PORT[\"']\s*,\s*[\"']?(\d+)", match[1]) or re.search(
        r"getenv\(\s*[\"']PORT[\"']\s*,\s*[\"']?(\d+)", match[1]
    )
    literal = re.search(r":(\d{2,5})", match[1])
    if env:
        svc.add_port(3, int(env[1]), file=rel, line=line, note="gunicorn bind", honours_port=True)
    elif literal:
        svc.add_port(3, int(literal[1]), file=rel, line=line, note="gunicorn bind")


def _server_check(ctx: AnalysisContext, svc: ServiceDraft, deps: PyDeps) -> None:
    start = svc.get("scripts_start")
    for server in ("gunicorn", "uvicorn"):
        if re.search(rf"\b{server}\b", start) and not deps.has(server):
            if server == "uvicorn" and "standard" in deps.extras.get("fastapi", set()):
                continue
            ctx.flag(
                svc.name,
                "server_not_declared",
                f"the start command runs {server}, which is not a declared dependency",
                Evidence(file=(deps.requirements + deps.manifests or [svc.join(".")])[0]),
            )


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="python",
        priority=80,
        detect=detect,
        description="Python apps (requirements, pyproject, Pipfile, manage.py)",
    )
