"""The gleam analyzer, run by odiac's real plugin manager next to the built-in analyzers."""

from __future__ import annotations

import pytest
from odiac.plugin.testing import analyze, assert_field, assert_review, plugin_manager

import odiac_hello

GLEAM_TOML = """
    name = "shop"
    version = "1.0.0"

    [dependencies]
    gleam_stdlib = ">= 0.34.0 and < 2.0.0"
    wisp = ">= 1.0.0 and < 2.0.0"
"""
LOCK = "packages = []\n"


def test_a_wisp_app_is_claimed_with_its_evidence() -> None:
    result = analyze({"gleam.toml": GLEAM_TOML, "manifest.toml": LOCK}, odiac_hello)
    assert_field(result, "language", "gleam", file="gleam.toml")
    assert_field(result, "framework", "wisp", file="gleam.toml", line=6)
    assert_field(result, "lockfile", "manifest.toml", file="manifest.toml")
    assert_field(result, "dependency_resolution", "locked")
    assert_field(result, "scripts_build", "gleam export erlang-shipment")
    assert_field(result, "scripts_start", "./build/erlang-shipment/entrypoint.sh run")
    assert result.services[0].port == 8000
    assert not [item for item in result.review if item.code == "missing_lockfile"]


def test_a_missing_lockfile_is_flagged_for_review() -> None:
    result = analyze({"gleam.toml": 'name = "cli"\n'}, odiac_hello)
    assert_field(result, "dependency_resolution", "unlocked", file="gleam.toml")
    assert_field(result, "framework", "")
    assert_review(result, "missing_lockfile", blocking=False)


def test_a_procfile_command_outranks_the_gleam_default() -> None:
    """The Procfile is a deployment descriptor: its start command wins whatever the order."""
    files = {
        "gleam.toml": GLEAM_TOML,
        "manifest.toml": LOCK,
        "Procfile": "web: gleam run -m shop/server\n",
    }
    result = analyze(files, odiac_hello)
    assert_field(result, "scripts_start", "gleam run -m shop/server", file="Procfile")
    assert_field(result, "language", "gleam")


@pytest.mark.parametrize("manifest", ["name = [broken\n", None])
def test_no_valid_gleam_toml_is_left_to_other_analyzers(manifest: str | None) -> None:
    files = {"package.json": '{"name": "site", "scripts": {"start": "node server.js"}}\n'}
    if manifest is not None:
        files["gleam.toml"] = manifest
    result = analyze(files, odiac_hello)
    assert_field(result, "language", "javascript")


def test_the_analyzer_is_registered_under_its_name() -> None:
    analyzers = {a.name: a for a in plugin_manager(odiac_hello).analyzers()}
    assert analyzers["gleam"].priority == 60
    assert analyzers["gleam"].description
