"""Python manifests: dependencies by normalised name, runtime vs dev (analysis-rules 3.3, analysis-rules 6.3)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from odiac.analysis.databases import normalise_py
from odiac_analyzers._util import load_toml

if TYPE_CHECKING:
    from odiac.analysis.context import AnalysisContext, ServiceDraft

_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?")


@dataclass
class PyDeps:
    """Dependencies of one Python service root."""

    runtime: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # name -> (file, line)
    dev: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    extras: dict[str, set[str]] = field(default_factory=dict)
    manifests: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    all_pinned: bool = True
    requires_python: str = ""
    pipfile_python: str = ""
    scripts: dict[str, str] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return normalise_py(name) in self.runtime

    def where(self, name: str) -> tuple[str, int | None]:
        return self.runtime[normalise_py(name)]

    def add(self, spec: str, file: str, line: int | None, *, dev: bool = False) -> None:
        match = _REQ_NAME.match(spec)
        if not match:
            return
        name = normalise_py(match[1])
        target = self.dev if dev else self.runtime
        target.setdefault(name, (file, line))
        if match[2]:
            self.extras.setdefault(name, set()).update(
                e.strip().lower() for e in match[2].strip("[]").split(",")
            )


def _requirements(ctx: AnalysisContext, rel: str, deps: PyDeps, seen: set[str]) -> None:
    if rel in seen or not ctx.index.exists(rel):
        return
    seen.add(rel)
    deps.requirements.append(rel)
    base = rel.rsplit("/", 1)[0] if "/" in rel else ""
    dev = bool(re.search(r"(dev|test|lint|docs)", rel.rsplit("/", 1)[-1]))
    for number, raw in enumerate(ctx.index.lines(rel), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue  # analysis-rules 6.3: commented-out requirements do not count
        include = re.match(r"^-(?:r|c)\s*(\S+)|^--(?:requirement|constraint)[= ](\S+)", line)
        if include:
            target = include[1] or include[2]
            _requirements(ctx, f"{base}/{target}" if base else target, deps, seen)
            continue
        if line.startswith("-"):
            continue
        if "==" not in line and not line.startswith(("git+", "http")):
            deps.all_pinned = False
        deps.add(line, rel, number, dev=dev)


def read_deps(ctx: AnalysisContext, svc: ServiceDraft) -> PyDeps:
    """Collect dependencies from every Python manifest of the service root."""
    index = ctx.index
    deps = PyDeps()
    seen: set[str] = set()
    top = [svc.join(n) for n in ("requirements.txt", "requirements.in")] + sorted(
        index.glob(svc.root, "requirements*.txt")
    )
    for rel in top:
        if index.exists(rel) and not re.search(r"(dev|test|lint|docs)", rel.rsplit("/", 1)[-1]):
            _requirements(ctx, rel, deps, seen)
    if not deps.requirements:
        for rel in sorted(index.glob(svc.join("requirements"), "*.txt")):
            if re.search(r"(prod|base|main|common)", rel):
                _requirements(ctx, rel, deps, seen)
    _pyproject(ctx, svc.join("pyproject.toml"), deps)
    _pipfile(ctx, svc.join("Pipfile"), deps)
    _setup(ctx, svc, deps)
    return deps


def _pyproject(ctx: AnalysisContext, rel: str, deps: PyDeps) -> None:
    data = load_toml(ctx.index, rel)
    if not data:
        return
    project = data.get("project") or {}
    poetry = (data.get("tool") or {}).get("poetry") or {}
    counted = False
    lines = ctx.index.lines(rel)

    def line_for(name: str) -> int | None:
        for number, text in enumerate(lines, start=1):
            if re.search(rf"(^|[\"'\s]){re.escape(name)}\b", text) and not text.lstrip().startswith(
                "#"
            ):
                return number
        return None

    for spec in project.get("dependencies") or []:
        counted = True
        name_match = _REQ_NAME.match(spec)
        deps.add(spec, rel, line_for(name_match[1] if name_match else spec))
    for specs in (project.get("optional-dependencies") or {}).values():
        for spec in specs:
            deps.add(spec, rel, None, dev=True)  # extras are not installed by default
    for specs in (data.get("dependency-groups") or {}).values():
        for spec in specs:
            if isinstance(spec, str):
                deps.add(spec, rel, None, dev=True)
    for name, value in (poetry.get("dependencies") or {}).items():
        if name.lower() == "python":
            deps.requires_python = deps.requires_python or (value if isinstance(value, str) else "")
            continue
        counted = True
        extras = value.get("extras", []) if isinstance(value, dict) else []
        deps.add(f"{name}[{','.join(extras)}]" if extras else name, rel, line_for(name))
    for name in poetry.get("dev-dependencies") or {}:
        deps.add(name, rel, None, dev=True)
    for group in (poetry.get("group") or {}).values():
        for name in (group or {}).get("dependencies") or {}:
            deps.add(name, rel, None, dev=True)
    if counted or project:
        deps.manifests.append(rel)
    if isinstance(project.get("requires-python"), str):
        deps.requires_python = project["requires-python"]
    for name, target in (project.get("scripts") or poetry.get("scripts") or {}).items():
        if isinstance(target, str):
            deps.scripts[name] = target


def _pipfile(ctx: AnalysisContext, rel: str, deps: PyDeps) -> None:
    data = load_toml(ctx.index, rel)
    if not data:
        return
    deps.manifests.append(rel)
    for name in data.get("packages") or {}:
        deps.add(name, rel, None)
    for name in data.get("dev-packages") or {}:
        deps.add(name, rel, None, dev=True)
    requires = data.get("requires") or {}
    if isinstance(requires.get("python_version"), str):
        deps.pipfile_python = requires["python_version"]


def _setup(ctx: AnalysisContext, svc: ServiceDraft, deps: PyDeps) -> None:
    for name in ("setup.py", "setup.cfg"):
        rel = svc.join(name)
        text = ctx.index.read(rel)
        if text is None:
            continue
        block = re.search(r"install_requires\s*=\s*\[(.*?)\]", text, re.S)
        if block:
            deps.manifests.append(rel)
            for spec in re.findall(r"[\"']([^\"']+)[\"']", block[1]):
                deps.add(spec, rel, None)
        cfg = re.search(r"install_requires\s*=\s*\n((?:[ \t]+\S.*\n?)+)", text)
        if cfg:
            deps.manifests.append(rel)
            for spec in cfg[1].split("\n"):
                if spec.strip():
                    deps.add(spec.strip(), rel, None)


def newest_minor(spec: str) -> str:
    """Newest supported minor a ``requires-python`` specifier allows (analysis-rules 3.3)."""
    for minor in range(13, 7, -1):
        version = (3, minor)
        if _allows(spec, version):
            return f"3.{minor}"
    return ""


def _allows(spec: str, version: tuple[int, int]) -> bool:
    for part in spec.split(","):
        match = re.match(r"\s*(>=|<=|==|~=|<|>|\^|!=)?\s*(\d+)\.(\d+)", part)
        if not match:
            continue
        op, want = match[1] or "==", (int(match[2]), int(match[3]))
        ok = {
            ">=": version >= want, ">": version > want, "<": version < want,
            "<=": version <= want, "==": version == want, "!=": version != want,
            "~=": version >= want, "^": version >= want and version[0] == want[0],
        }[op]  # fmt: skip
        if not ok:
            return False
    return True
