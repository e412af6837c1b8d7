"""Django specifics (analysis-rules 3.3 django row, analysis-rules 5 release steps, analysis-rules 6.2 ENGINE signals)."""

from __future__ import annotations

import re

from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.analysis.evidence import Evidence

_ENGINES = (("postgresql", "postgres"), ("postgis", "postgres"), ("mysql", "mysql"))


def _settings_files(ctx: AnalysisContext, svc: ServiceDraft, module: str) -> list[str]:
    if module:
        path = module.replace(".", "/")
        for candidate in (
            f"{path}.py",
            f"{path}/__init__.py",
            f"{path}/base.py",
            f"{path}/production.py",
        ):
            if ctx.index.exists(svc.join(candidate)):
                found = [svc.join(candidate)]
                if candidate.endswith("__init__.py"):
                    found += ctx.index.glob(svc.join(path), "*.py")
                return found
    return [f for f in ctx.index.under(svc.root) if f.endswith("settings.py")][:1]


def django_app(ctx: AnalysisContext, svc: ServiceDraft, settings_module: str) -> None:
    """Entry point, start, release steps and database hints of a Django project."""
    settings = _settings_files(ctx, svc, settings_module)
    text = "\n".join(ctx.index.read(f) or "" for f in settings)
    wsgi = re.search(r"(WSGI|ASGI)_APPLICATION\s*=\s*[\"']([\w.]+)\.application[\"']", text)
    project = settings_module.rsplit(".", 1)[0] if settings_module else ""
    if settings_module.endswith(".settings.production") or settings_module.count(".") > 1:
        project = settings_module.split(".", 1)[0]
    if wsgi:
        module, kind = wsgi[2], wsgi[1]
        evidence = next(f for f in settings if wsgi[0] in (ctx.index.read(f) or ""))
    elif project and ctx.index.exists(svc.join(f"{project}/wsgi.py")):
        module, kind, evidence = f"{project}.wsgi", "WSGI", svc.join(f"{project}/wsgi.py")
    else:
        ctx.flag(
            svc.name,
            "django_entry_unknown",
            "cannot find the WSGI/ASGI application",
            Evidence(file=svc.join("manage.py")),
        )
        return
    svc.set("entry_point", module, rank=Rank.MANIFEST, file=evidence)
    if kind == "ASGI":
        start = (
            f"gunicorn -k uvicorn.workers.UvicornWorker {module}:application --bind 0.0.0.0:$PORT"
        )
    else:
        start = f"gunicorn {module}:application --bind 0.0.0.0:$PORT"
    svc.set(
        "scripts_start", start, rank=Rank.DEFAULT, file=evidence, note="Django production start"
    )
    manage = svc.join("manage.py")
    if ctx.index.exists(manage):
        svc.add_release("python manage.py migrate", file=manage)
        if re.search(r"^STATIC_ROOT\s*=", text, re.M) and "whitenoise" not in text.lower():
            svc.add_release("python manage.py collectstatic --noinput", file=settings[0])
    for needle, engine in _ENGINES:
        pattern = rf"[\"']django\.(?:contrib\.gis\.)?db\.backends\.\w*{needle}\w*[\"']"
        for rel in settings:
            hit = ctx.index.find_line(rel, pattern)
            if hit is not None:
                svc.add_db(
                    engine, strong=False, orm=True, file=rel, line=hit[0], note="Django ENGINE"
                )
                break
    if "sqlite3" in text:
        svc.notes["sqlite"] = "django ENGINE sqlite3"
