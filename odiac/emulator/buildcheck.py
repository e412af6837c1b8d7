"""What the build phase would find in a bound source (contract 3.13 markers).

Decided once, when a deployment is created, and frozen into its plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odiac.emulator import safefs

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
_MARKER_BYTES = 8192


def inspect(source_root: Path | None, service: dict[str, Any]) -> dict[str, Any]:
    """Build facts for a service: builder, and the phase that will fail (if any).

    Every look at the source goes through :mod:`safefs`: a link is never followed,
    so nothing outside the bound source can be read into a build log.
    """
    if source_root is None:
        return {"builder": "git checkout"}
    sub = "/".join(safefs.parts(str(service.get("source_path") or "")) or [])
    for marker, phase in ((FAIL_BUILD, "build"), (FAIL_DEPLOY, "deploy")):
        for candidate in (marker, f"{sub}/{marker}" if sub else marker):
            text = safefs.read_text(source_root, candidate, _MARKER_BYTES)
            if text is not None:
                return {
                    "builder": "marker",
                    "fail": phase,
                    "fail_text": text.strip()[:2000] or f"{phase} failed",
                }
    if service.get("dockerfile"):
        return {"builder": "inline Dockerfile"}
    dockerfile = str(service.get("dockerfile_path") or "Dockerfile")
    if safefs.is_file(source_root, f"{sub}/{dockerfile}"):
        return {"builder": f"Dockerfile {dockerfile}"}
    for name, language in MANIFESTS:
        if safefs.is_file(source_root, f"{sub}/{name}"):
            return {"builder": f"{name} ({language})"}
    if any(n.endswith(".csproj") for n in safefs.list_names(source_root, sub)):
        return {"builder": "*.csproj (dotnet)"}
    return {"builder": "none", "fail": "build", "reason": "no_manifest"}
