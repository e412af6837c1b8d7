""".NET analyzer (analysis-rules 3.11): ASP.NET Core and console workers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis import dockerfile as df
from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.analysis.databases import DRIVERS
from odiac.analysis.evidence import Evidence
from odiac.analysis.names import TOOL_FIELDS
from odiac.analysis.source_index import norm_dir
from odiac.plugin import Analyzer, hookimpl

if TYPE_CHECKING:
    from collections.abc import Iterator


def detect(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    """Claim services with a *.csproj / *.fsproj."""
    projects = sorted(ctx.index.glob(svc.root, "*.csproj") + ctx.index.glob(svc.root, "*.fsproj"))
    if not projects:
        return False
    rel = projects[0]
    text = ctx.index.read(rel) or ""
    name = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    svc.set(
        "language", "fsharp" if rel.endswith(".fsproj") else "csharp", rank=Rank.MANIFEST, file=rel
    )
    for field in TOOL_FIELDS:
        svc.set(field, "dotnet", rank=Rank.MANIFEST, file=rel)
    framework = re.search(r"<TargetFramework>net([\d.]+)</TargetFramework>", text)
    if framework:
        svc.set("language_version", framework[1], rank=Rank.MANIFEST, file=rel)
    if ctx.index.exists(svc.join("packages.lock.json")):
        svc.set(
            "lockfile",
            "packages.lock.json",
            rank=Rank.MANIFEST,
            file=svc.join("packages.lock.json"),
        )
        svc.set(
            "dependency_resolution",
            "locked",
            rank=Rank.MANIFEST,
            file=svc.join("packages.lock.json"),
        )
    base = norm_dir(svc.source_path)
    project = rel[len(base) + 1 :] if base and rel.startswith(base + "/") else rel
    svc.set(
        "scripts_build",
        f"dotnet publish {project} -c Release -o out",
        rank=Rank.DEFAULT,
        file=rel,
    )
    svc.set("scripts_start", f"dotnet out/{name}.dll", rank=Rank.DEFAULT, file=rel)
    svc.set("output_directory", "out", rank=Rank.DEFAULT, file=rel)
    svc.set("entry_point", name, rank=Rank.MANIFEST, file=rel)
    for package in re.findall(r'PackageReference\s+Include="([^"]+)"', text):
        engine = DRIVERS["dotnet"].get(package.lower())
        if engine:
            svc.add_db(engine, strong=True, file=rel, note=f"package {package}")
    if "Microsoft.NET.Sdk.Web" in text:
        svc.set(
            "framework", "aspnetcore", rank=Rank.MANIFEST, file=rel, note="Microsoft.NET.Sdk.Web"
        )
        svc.set_default_port(8080, file=rel, note=".NET 8+ container ASPNETCORE_HTTP_PORTS")
        ctx.flag(
            svc.name,
            "kestrel_bind",
            "outside the Microsoft images Kestrel binds localhost:5000; set ASPNETCORE_URLS",
            Evidence(file=rel),
        )
    else:
        svc.set_role("worker", file=rel, note="console SDK without Kestrel")
    return True


# Kestrel's listener settings; the `__`-less names are the generic host's aliases.
_LISTENER = ("ASPNETCORE_HTTP_PORTS", "ASPNETCORE_URLS", "HTTP_PORTS", "URLS")
_HTTP_URL = re.compile(r"^http://[^/;:]*:(\d{2,5})/?$")


def listener_ports(name: str, value: str) -> list[int]:
    """Plain-HTTP ports of ``ASPNETCORE_URLS``/``ASPNETCORE_HTTP_PORTS`` (``;``-separated)."""
    ports: list[int] = []
    for item in value.replace(",", ";").split(";"):
        item = item.strip()
        if name.endswith("HTTP_PORTS"):
            if item.isdigit():
                ports.append(int(item))
        elif match := _HTTP_URL.match(item):
            ports.append(int(match[1]))
    return ports


def enrich(ctx: AnalysisContext, svc: ServiceDraft) -> None:
    """Kestrel listener settings set by compose or the Dockerfile are listener evidence (rung 3)."""
    settings: list[tuple[str, str, Evidence]] = [
        (r.name, r.fallback, r.evidence)
        for r in svc.env
        if r.source == "compose" and r.name in _LISTENER and r.fallback
    ]
    text = ctx.index.read(svc.dockerfile) if svc.dockerfile else None
    if text:
        parsed = df.parse(svc.dockerfile, text)
        for stage in parsed.stages:
            for inst in stage.all("ENV"):
                for key, value in df.key_values(inst.args).items():
                    if key in _LISTENER:
                        settings.append((key, value, Evidence(file=svc.dockerfile, line=inst.line)))
    for name, value, ev in settings:
        for port in listener_ports(name, value):
            svc.add_port(3, port, file=ev.file, line=ev.line, note=name)


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="dotnet",
        priority=70,
        detect=detect,
        enrich=enrich,
        description=".NET apps (*.csproj, *.fsproj)",
    )
