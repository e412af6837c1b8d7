""".NET analyzer (analysis-rules 3.11): ASP.NET Core and console workers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.analysis.databases import DRIVERS
from odiac.analysis.evidence import Evidence
from odiac.analysis.names import TOOL_FIELDS
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
    svc.set(
        "scripts_build",
        f"dotnet publish {rel.rsplit('/', 1)[-1]} -c Release -o out",
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


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    yield Analyzer(
        name="dotnet", priority=70, detect=detect, description=".NET apps (*.csproj, *.fsproj)"
    )
