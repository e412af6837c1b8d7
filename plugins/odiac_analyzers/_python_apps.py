"""App-object discovery for Python frameworks (analysis-rules 3.3 "App-object resolution")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.envfiles import parse_env_file
from odiac.analysis.envrefs import SKIP_DIRS
from odiac.analysis.evidence import Evidence

if TYPE_CHECKING:
    from odiac.analysis.context import AnalysisContext, ServiceDraft

_TEST_FILE = re.compile(r"^(test_.*|.*_test|conftest)\.py$")
_APP_RE = {
    "fastapi": re.compile(r"^(\w+)\s*(?::\s*\w+\s*)?=\s*FastAPI\(", re.M),
    "flask": re.compile(r"^(\w+)\s*=\s*Flask\(", re.M),
    "starlette": re.compile(r"^(\w+)\s*=\s*Starlette\(", re.M),
    "litestar": re.compile(r"^(\w+)\s*=\s*Litestar\(", re.M),
    "sanic": re.compile(r"^(\w+)\s*=\s*Sanic\(", re.M),
}
_FACTORY = re.compile(r"^def (create_app)\(", re.M)
_STREAMLIT_NAMES = ("streamlit_app.py", "app.py", "Home.py", "main.py")


def python_files(ctx: AnalysisContext, svc: ServiceDraft) -> list[str]:
    """Non-test ``.py`` files of the service (entry discovery never looks at tests)."""
    files = []
    for rel in ctx.index.under(svc.root):
        if not rel.endswith(".py"):
            continue
        inner = rel[len(svc.root) + 1 :] if svc.root else rel
        parts = inner.split("/")
        if any(p in SKIP_DIRS for p in parts[:-1]) or _TEST_FILE.match(parts[-1]):
            continue
        files.append(rel)
    return files


def _module(svc: ServiceDraft, rel: str) -> tuple[str, bool]:
    inner = rel[len(svc.root) + 1 :] if svc.root else rel
    src = inner.startswith("src/")
    inner = inner.removeprefix("src/").removesuffix(".py")
    inner = inner.removesuffix("/__init__")
    return inner.replace("/", "."), src


def find_app(
    ctx: AnalysisContext, svc: ServiceDraft, framework: str
) -> tuple[str, str, str, int, bool] | None:
    """``(module, var, file, line, under_src)`` of the app object, None when unknown/ambiguous."""
    files = python_files(ctx, svc)
    if framework in {"streamlit", "gradio"}:
        needle = "import streamlit" if framework == "streamlit" else ".launch("
        preferred = [svc.join(n) for n in _STREAMLIT_NAMES]
        hits = [f for f in files if needle in (ctx.index.read(f) or "")]
        hits.sort(
            key=lambda f: (f not in preferred, preferred.index(f) if f in preferred else 0, f)
        )
        if not hits:
            return None
        module, src = _module(svc, hits[0])
        return module, "", hits[0], 1, src
    regex = _APP_RE.get(framework)
    if regex is None:
        return None
    if framework == "flask" and (named := _flask_app_setting(ctx, svc, regex)):
        return named
    found: list[tuple[str, str, str, int, bool]] = []
    factories: list[tuple[str, str, str, int, bool]] = []
    for rel in files:
        text = ctx.index.read(rel) or ""
        for match in regex.finditer(text):
            module, src = _module(svc, rel)
            found.append((module, match[1], rel, ctx.index.line_of(rel, match.start()), src))
        if framework == "flask" and (factory := _FACTORY.search(text)):
            module, src = _module(svc, rel)
            factories.append(
                (module, "create_app()", rel, ctx.index.line_of(rel, factory.start()), src)
            )
    module_level = [f for f in found if not _inside_function(ctx, f[2], f[3])]
    if len(module_level) == 1:
        return module_level[0]
    if not module_level and len(factories) == 1:
        return factories[0]
    if len(module_level) > 1:
        ctx.flag(
            svc.name,
            "several_app_objects",
            "several app objects: " + ", ".join(f"{m}:{v}" for m, v, *_ in module_level),
            *(Evidence(file=f[2], line=f[3]) for f in module_level),
            blocking=True,
        )
    return None


def _flask_app_setting(
    ctx: AnalysisContext, svc: ServiceDraft, regex: re.Pattern[str]
) -> tuple[str, str, str, int, bool] | None:
    """Entry named by ``FLASK_APP`` in the service's ``.flaskenv`` (analysis-rules 3.3 flask row).

    ``FLASK_APP`` is the developer's explicit choice, so it wins over discovery (and settles
    several candidates). Accepted forms: ``pkg.mod``, ``pkg/mod.py``, ``pkg.mod:var`` and
    ``pkg.mod:create_app()``; without a ``:var`` the named module's own ``Flask(`` assignment
    or ``create_app`` factory supplies it.
    """
    rel = svc.join(".flaskenv")
    text = ctx.index.read(rel)
    if not text:
        return None
    entry = next(
        (e for e in parse_env_file(text) if e.key == "FLASK_APP" and not e.commented), None
    )
    if entry is None or not entry.value:
        return None
    target, _, var = entry.value.partition(":")
    path = target.strip().removesuffix(".py").replace(".", "/").strip("/")
    src = path.startswith("src/")
    path = path.removeprefix("src/")
    module = path.replace("/", ".")
    if not module.replace(".", "").replace("_", "").isalnum():
        return None
    var = var.strip()
    if not var:
        var = _var_in_module(ctx, svc, path, regex) or ""
    if not var:
        return None
    found = _module_file(ctx, svc, path)
    src = src or (bool(found) and _module(svc, found)[1])
    return module, var, rel, entry.line, src


def _module_file(ctx: AnalysisContext, svc: ServiceDraft, path: str) -> str:
    for base in ("", "src/"):
        for suffix in (".py", "/__init__.py"):
            if ctx.index.exists(candidate := svc.join(base + path + suffix)):
                return candidate
    return ""


def _var_in_module(
    ctx: AnalysisContext, svc: ServiceDraft, path: str, regex: re.Pattern[str]
) -> str | None:
    """The app variable (or ``create_app()``) defined in the module ``FLASK_APP`` names."""
    rel = _module_file(ctx, svc, path)
    text = ctx.index.read(rel) if rel else None
    if not text:
        return None
    if match := regex.search(text):
        return match[1]
    return "create_app()" if _FACTORY.search(text) else None


def _inside_function(ctx: AnalysisContext, rel: str, line: int) -> bool:
    raw = ctx.index.lines(rel)[line - 1] if line - 1 < len(ctx.index.lines(rel)) else ""
    return raw.startswith((" ", "\t"))
