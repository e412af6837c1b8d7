"""The analysis pipeline with third-party analyzers registered through the manager."""

from __future__ import annotations

import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from odiac.analysis.context import AnalysisContext, Rank, ServiceDraft
from odiac.errors import PluginError
from odiac.plugin import Analyzer, hookimpl
from odiac.plugin.manager import PluginManager, get_plugin_manager


def _manager_with(*analyzers: Analyzer) -> PluginManager:
    pm = PluginManager()
    builtin = get_plugin_manager()
    module = types.SimpleNamespace()

    @hookimpl
    def odiac_analyzers() -> Iterator[Analyzer]:
        yield from builtin.analyzers()
        yield from analyzers

    module.odiac_analyzers = odiac_analyzers
    pm.register(module, name="test", distribution="test-dist")
    return pm


def _gleam(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    rel = svc.join("gleam.toml")
    if not ctx.index.exists(rel):
        return False
    svc.set("framework", "wisp", rank=Rank.MANIFEST, file=rel)
    svc.set("scripts_start", "gleam run", rank=Rank.MANIFEST, file=rel)
    svc.add_port(3, 8000, file=rel, note="test")
    return True


def test_third_party_analyzer_claims_a_runtime(tmp_path: Path) -> None:
    (tmp_path / "gleam.toml").write_text('name = "app"\n')
    pm = _manager_with(Analyzer(name="gleam", priority=55, detect=_gleam))
    result = pm.analyze(tmp_path)
    svc = result.services[0]
    assert (svc.framework, svc.scripts_start, svc.port) == ("wisp", "gleam run", 8000)
    assert any(
        d.decision == "framework" and d.evidence[0].file == "gleam.toml" for d in result.ledger
    )


def test_a_crashing_analyzer_stops_the_run_with_its_name(tmp_path: Path) -> None:
    def broken(ctx: AnalysisContext, svc: ServiceDraft) -> None:
        raise KeyError("boom")

    (tmp_path / "index.html").write_text("<p>")
    pm = _manager_with(Analyzer(name="broken", enrich=broken))
    with pytest.raises(
        PluginError, match=r"analyzer 'broken' failed in its enrich phase: KeyError"
    ):
        pm.analyze(tmp_path)


def test_several_services_payload_shape(tmp_path: Path) -> None:
    """§9.1: several services → {"services": [...]}."""
    (tmp_path / "requirements.txt").write_text("flask\ngunicorn\n")
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    (tmp_path / "Procfile").write_text("web: gunicorn app:app\nworker: python worker.py\n")
    payload = get_plugin_manager().analyze(tmp_path).payload()
    assert list(payload) == ["services"]
    assert [s["name"] for s in payload["services"]] == ["web", "worker"]


def test_disabled_analyzer_changes_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ODIAC_DISABLE_PLUGINS=node: a package.json is no longer claimed."""
    (tmp_path / "package.json").write_text('{"scripts": {"start": "node a.js"}}')
    (tmp_path / "index.html").write_text("<p>")
    assert get_plugin_manager().analyze(tmp_path).services[0].language == "javascript"
    monkeypatch.setenv("ODIAC_DISABLE_PLUGINS", "node")
    assert get_plugin_manager().analyze(tmp_path).services[0].language == "html"
