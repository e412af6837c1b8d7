"""What the build phase would find in a bound source (contract 3.13 markers).

Decided once, when a deployment is created, and frozen into its plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

FAIL_BUILD = "OPENDEPLOY_EMULATOR_FAIL_BUILD"
FAIL_DEPLOY = "OPENDEPLOY_EMULATOR_FAIL_DEPLOY"
MANIFESTS = (
    ("package.json", "node"),
    ("requirements.txt", "python"),
    ("pyproject.toml", "python"),
    ("Pipfile", "python"),
    ("go.mod", "go"),
    ("Gemfile", "ruby"),
    ("composer.json", "php"),
    ("pom.xml", "java"),
    ("build.gradle", "java"),
    ("build.gradle.kts", "java"),
    ("Cargo.toml", "rust"),
    ("mix.exs", "elixir"),
    ("deno.json", "deno"),
    ("deno.jsonc", "deno"),
    ("index.html", "static"),
    ("Staticfile", "static"),  # the static buildpack serves its `root:` folder
    ("Procfile", "procfile"),
)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()[:2000]
    except OSError:
        return ""


def inspect(source_root: Path | None, service: dict[str, Any]) -> dict[str, Any]:
    """Build facts for a service: builder, and the phase that will fail (if any)."""
    if source_root is None:
        return {"builder": "git checkout"}
    root = source_root
    sub = str(service.get("source_path") or "").strip("/")
    if sub and ".." not in sub.split("/"):
        root = source_root / sub
    for marker, phase in ((FAIL_BUILD, "build"), (FAIL_DEPLOY, "deploy")):
        candidate = source_root / marker
        if candidate.is_file() or (root / marker).is_file():
            found = candidate if candidate.is_file() else root / marker
            return {
                "builder": "marker",
                "fail": phase,
                "fail_text": _read(found) or f"{phase} failed",
            }
    if service.get("dockerfile"):
        return {"builder": "inline Dockerfile"}
    dockerfile = str(service.get("dockerfile_path") or "Dockerfile")
    if (root / dockerfile).is_file():
        return {"builder": f"Dockerfile {dockerfile}"}
    for name, language in MANIFESTS:
        if (root / name).is_file():
            return {"builder": f"{name} ({language})"}
    if root.is_dir() and any(p.suffix == ".csproj" for p in root.iterdir()):
        return {"builder": "*.csproj (dotnet)"}
    return {"builder": "none", "fail": "build", "reason": "no_manifest"}
