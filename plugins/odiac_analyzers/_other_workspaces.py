"""Non-Node workspace markers of analysis-rules 2.4: go.work, Cargo, uv, Maven, Gradle, Elixir.

A member counts only when it carries a strong-app signal of analysis-rules 2.4 (own Dockerfile or Procfile,
or the language's server/binary entry); a workspace with fewer than two such members is not
split (rule 3 of analysis-rules 2.1 needs several services).
"""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING

from odiac.analysis.evidence import Evidence
from odiac.analysis.pipeline import dns_label
from odiac.analysis.source_index import NEVER_SERVICES
from odiac_analyzers._util import load_toml

if TYPE_CHECKING:
    from odiac.analysis.context import AnalysisContext

Member = tuple[str, str, bool]  # (directory, marker file, built from the repository root)

_PY_ENTRIES = ("manage.py", "main.py", "app.py", "server.py", "bot.py")
# Gradle plugins that make a runnable app (framework plugins or the core `application` plugin).
_GRADLE_APP = re.compile(
    r"org\.springframework\.boot|io\.quarkus|io\.micronaut\.application"
    r"|[\"']application[\"']|^\s*application\s*\{",
    re.M,
)
_GRADLE_INCLUDE = re.compile(r"^\s*include\b\s*\(?([^\n]*)", re.M)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def _own_descriptor(ctx: AnalysisContext, directory: str) -> bool:
    return ctx.index.exists(f"{directory}/Dockerfile") or ctx.index.exists(f"{directory}/Procfile")


def _usable(directory: str) -> bool:
    return bool(directory) and directory.rsplit("/", 1)[-1] not in NEVER_SERVICES


def _go_cargo(ctx: AnalysisContext) -> list[Member]:
    members: list[Member] = []
    gowork = ctx.index.read("go.work") or ""
    for match in re.finditer(
        r"^\s*(?:use\s+)?\.?/?([\w./-]+)\s*$", gowork.split("use", 1)[-1], re.M
    ):
        directory = match[1].strip("()./")
        if directory and ctx.index.exists(f"{directory}/main.go"):
            members.append((directory, "go.work", False))
    cargo = load_toml(ctx.index, "Cargo.toml") or {}
    for pattern in (cargo.get("workspace") or {}).get("members") or []:
        for directory in sorted(
            {f.rsplit("/", 2)[0] for f in ctx.index.files if f.endswith("/src/main.rs")}
        ):
            if fnmatch.fnmatchcase(directory, str(pattern)):
                members.append((directory, "Cargo.toml", False))
    return members


def _uv(ctx: AnalysisContext) -> list[Member]:
    """``[tool.uv.workspace] members`` (globs) minus ``exclude`` in the root pyproject."""
    data = load_toml(ctx.index, "pyproject.toml") or {}
    workspace = ((data.get("tool") or {}).get("uv") or {}).get("workspace") or {}
    globs = [str(g).strip("/").removeprefix("./") for g in workspace.get("members") or []]
    exclude = [str(g).strip("/").removeprefix("./") for g in workspace.get("exclude") or []]
    dirs = sorted({f.rsplit("/", 1)[0] for f in ctx.index.files if f.endswith("/pyproject.toml")})
    members: list[Member] = []
    for directory in dirs:
        if not any(fnmatch.fnmatchcase(directory, g) for g in globs) or any(
            fnmatch.fnmatchcase(directory, g) for g in exclude
        ):
            continue
        if _own_descriptor(ctx, directory) or any(
            ctx.index.exists(f"{directory}/{n}") for n in _PY_ENTRIES
        ):
            members.append((directory, "pyproject.toml", True))
    return members


def _maven(ctx: AnalysisContext) -> list[Member]:
    """``<modules><module>`` of the root parent ``pom.xml``."""
    text = ctx.index.read("pom.xml") or ""
    block = re.search(
        r"<modules>(.*?)</modules>", re.sub(r"<!--.*?-->", "", text, flags=re.S), re.S
    )
    members: list[Member] = []
    for module in re.findall(r"<module>\s*([^<]+?)\s*</module>", block[1] if block else ""):
        directory = module.strip("/").removeprefix("./")
        pom = ctx.index.read(f"{directory}/pom.xml") or ""
        if _own_descriptor(ctx, directory) or re.search(
            r"spring-boot-maven-plugin|quarkus-maven-plugin|micronaut-maven-plugin", pom
        ):
            members.append((directory, "pom.xml", True))
    return members


def _gradle(ctx: AnalysisContext) -> list[Member]:
    """Projects ``include``d by the root ``settings.gradle(.kts)`` (``:a:b`` → ``a/b``)."""
    marker = next(
        (n for n in ("settings.gradle.kts", "settings.gradle") if ctx.index.exists(n)), ""
    )
    text = ctx.index.read(marker) if marker else ""
    members: list[Member] = []
    for include in _GRADLE_INCLUDE.finditer(re.sub(r"//[^\n]*", "", text or "")):
        for project in _QUOTED.findall(include[1]):
            directory = project.strip(":").replace(":", "/")
            build = next(
                (
                    ctx.index.read(f"{directory}/{n}") or ""
                    for n in ("build.gradle.kts", "build.gradle")
                    if ctx.index.exists(f"{directory}/{n}")
                ),
                "",
            )
            if _own_descriptor(ctx, directory) or _GRADLE_APP.search(build):
                members.append((directory, marker, True))
    return members


def _umbrella(ctx: AnalysisContext) -> list[Member]:
    """Apps under the root ``mix.exs`` ``apps_path`` that serve HTTP (Phoenix) or ship a descriptor."""
    found = re.search(r"apps_path:\s*\"([^\"]+)\"", ctx.index.read("mix.exs") or "")
    if not found:
        return []
    base = found[1].strip("/").removeprefix("./")
    members: list[Member] = []
    for sub in ctx.index.subdirs(base):
        directory = f"{base}/{sub}"
        mix = ctx.index.read(f"{directory}/mix.exs")
        if mix is None:
            continue
        if _own_descriptor(ctx, directory) or re.search(r"\{:phoenix,", mix):
            members.append((directory, "mix.exs", True))
    return members


def other_workspaces(ctx: AnalysisContext) -> None:
    """Split non-Node workspaces with two or more deployable members (analysis-rules 2.1 rule 3, analysis-rules 2.4).

    Members of uv, Maven, Gradle and umbrella workspaces resolve through the root manifest and
    lockfile, so (as analysis-rules 2.4 says for an unsure shape) their source root is the repository root,
    with the member as app directory and rebuild trigger.
    """
    members: list[Member] = []
    for finder in (_go_cargo, _uv, _maven, _gradle, _umbrella):
        members = [m for m in finder(ctx) if _usable(m[0])]
        if len(members) >= 2:
            break
    if len(members) < 2:
        return
    ctx.layout_by = "workspaces"
    for directory, marker, shared in members:
        name = dns_label(directory.rsplit("/", 1)[-1])
        svc = ctx.add_service(name, "." if shared else directory, app_dir=directory)
        ev = Evidence(file=marker, note=f"workspace member {directory}")
        if shared:
            svc.watch_paths = [directory]
            ctx.flag(
                svc.name,
                "workspace_member_build",
                f"{directory} is a {marker} workspace member built from the repository root;"
                " check that the build selects this member",
                ev,
            )
        ctx.decide(svc.name, "source_root", svc.source_path, ev)
