"""``odiac import`` end to end: every example applied, imported into a fresh folder
with the same source, then ``odiac plan`` reports no changes."""

from __future__ import annotations

import fnmatch
import json
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.e2e import e2e_fixture, served_emulator

from odiac.redact import register
from odiac.testing import EmulatorProcess

from .kit import Live

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
EXAMPLES = sorted(p.parent.name for p in EXAMPLES_DIR.glob("*/opendeploy.toml"))


def _secret_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        ref = node.get("secret")
        if isinstance(ref, str) and ref.startswith("env:") and len(node) == 1:
            return [ref[4:]]
        return [name for value in node.values() for name in _secret_refs(value)]
    if isinstance(node, list):
        return [name for value in node for name in _secret_refs(value)]
    return []


def _copy_source(src: Path, dest: Path, excludes: list[str]) -> None:
    """The same archive content: the example minus its config and excluded files."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        rel = Path(folder).relative_to(src)
        skipped = {".opendeploy"}
        if rel == Path("."):
            skipped.add("opendeploy.toml")
        for name in names:
            path = (rel / name).as_posix()
            if any(fnmatch.fnmatch(path, pattern.lstrip("/")) for pattern in excludes):
                skipped.add(name)
        return skipped

    shutil.copytree(src, dest, ignore=ignore)


@e2e_fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """An emulator of this module's own: the examples claim fixed subdomains, which are
    global, and e2e_plan/test_examples applies the same examples."""
    yield from served_emulator(tmp_path_factory.mktemp("import-examples"))


def test_every_example_is_covered() -> None:
    assert {"flask-postgres", "static-site"} <= set(EXAMPLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_import_then_plan_reports_no_changes(
    name: str, live: Live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tomllib.loads((EXAMPLES_DIR / name / "opendeploy.toml").read_text())
    for ref in sorted(set(_secret_refs(config))):
        value = f"example-{ref.lower()}-0123456789"
        register(value)
        monkeypatch.setenv(ref, value)
    original = tmp_path / "original"
    shutil.copytree(EXAMPLES_DIR / name, original, ignore=shutil.ignore_patterns(".opendeploy"))
    applied = live.odiac("apply", "--auto-approve", cwd=original)
    assert applied.returncode == 0, applied.stdout + applied.stderr

    fresh = tmp_path / "imported"
    _copy_source(EXAMPLES_DIR / name, fresh, config.get("source", {}).get("exclude", []))
    imported = live.odiac("import", "--project", config["project"]["name"], "--json", cwd=fresh)
    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout)
    written = (fresh / "opendeploy.toml").read_text()
    for ref in _secret_refs(config):
        assert f"example-{ref.lower()}" not in written
    _provide_required(live, config["project"]["name"], summary["required_env"], monkeypatch)

    planned = live.odiac("plan", "--detailed-exitcode", cwd=fresh)
    assert planned.returncode == 0, planned.stdout + planned.stderr + written
    assert "No changes." in planned.stdout


def _provide_required(
    live: Live, project: str, required: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Set each variable the import listed to the live value it stands for (as a user would)."""
    pid = next(p["id"] for p in live.get("/v1/projects/")["data"] if p["name"] == project)
    services = {s["name"]: s["id"] for s in live.get(f"/v1/projects/{pid}/services/")["data"]}
    for item in required:
        _, service, section, key = item["used_by"][0].split(".", 3)
        detail = live.get(f"/v1/services/{services[service]}")
        values = detail["runtime_variables" if section == "env" else "build_variables"]
        monkeypatch.setenv(item["variable"], values[key])


def test_import_refuses_to_overwrite_without_force(live: Live) -> None:
    live.apply()
    target = live.app / "opendeploy.toml"
    before = target.read_text()
    refused = live.odiac("import", "--project", live.name)
    assert refused.returncode == 1
    assert "already exists" in refused.stderr
    assert "--force" in refused.stderr
    assert target.read_text() == before
    forced = live.odiac("import", "--project", live.name, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "OPS_API_TOKEN" not in target.read_text()
    assert 'API_TOKEN = { secret = "env:API_TOKEN" }' in target.read_text()
    assert "API_TOKEN  services.web.env.API_TOKEN" in forced.stdout
    assert live.secret not in forced.stdout + target.read_text()


def test_import_of_an_unknown_project_lists_the_visible_ones(live: Live, tmp_path: Path) -> None:
    live.apply()
    done = live.odiac("import", "--project", "nope", cwd=tmp_path)
    assert done.returncode == 1
    assert f'project "nope" does not exist on this gateway (visible projects: {live.name})' in (
        done.stderr
    )
    assert not (tmp_path / "opendeploy.toml").exists()
