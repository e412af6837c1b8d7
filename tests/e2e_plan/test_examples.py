"""Every example in examples/ applies from scratch and re-plans clean (the real CLI).

Multi-service examples need an account, so every run uses a PAT from
``POST /_emulator/users`` through OPENDEPLOY_TOKEN. Secret references get
throw-away values. The fresh plan of each example is snapshotted.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.e2e import e2e_fixture, served_emulator
from syrupy.assertion import SnapshotAssertion

from odiac.redact import register
from odiac.testing import EmulatorProcess

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from demo import env_refs

from .cli_kit import odiac
from .test_drift import _mask, mask_matcher

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
EXAMPLES = sorted(p.parent.name for p in EXAMPLES_DIR.glob("*/opendeploy.toml"))


@e2e_fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """An emulator of this module's own: the examples claim fixed subdomains, which are
    global, and ops/test_import_roundtrip applies the same examples."""
    yield from served_emulator(tmp_path_factory.mktemp("examples"))


def test_the_demo_example_exists() -> None:
    assert "flask-postgres" in EXAMPLES


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_applies_from_scratch_and_replans_clean(
    name: str,
    tmp_path: Path,
    emulator: EmulatorProcess,
    monkeypatch: pytest.MonkeyPatch,
    snapshot: SnapshotAssertion,
) -> None:
    import tomllib

    app = tmp_path / name
    shutil.copytree(EXAMPLES_DIR / name, app, ignore=shutil.ignore_patterns(".opendeploy"))
    config = tomllib.loads((app / "opendeploy.toml").read_text())
    for ref in sorted(set(env_refs(config))):
        value = f"example-secret-{ref.lower()}-0123456789"
        register(value)
        monkeypatch.setenv(ref, value)
    token = str(emulator.control().create_user(f"{name}@example.test")["api_key"])

    first = odiac(app, emulator, token, "plan", "--json")
    assert first.returncode == 0, first.stderr
    document = json.loads(first.stdout)
    assert document["has_changes"] is True
    assert document == snapshot(name="plan-json", matcher=mask_matcher)

    applied = odiac(app, emulator, token, "apply", "--auto-approve")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    assert "0 failed, 0 skipped" in applied.stdout
    assert _mask(applied.stdout.split("odiac will change")[1].split("\nPlan:")[0]) == snapshot(
        name="plan-text"
    )
    for ref in env_refs(config):
        assert f"example-secret-{ref.lower()}" not in applied.stdout + applied.stderr

    saved = tmp_path / "saved-plan.json"
    replanned = odiac(app, emulator, token, "plan", "--detailed-exitcode", "-o", str(saved))
    assert replanned.returncode == 0, replanned.stdout + replanned.stderr
    assert "No changes." in replanned.stdout
    plan_text = saved.read_text()
    for ref in env_refs(config):  # a plan file never holds a secret value
        assert f"example-secret-{ref.lower()}" not in plan_text
