"""odiac.plugin.testing: the helpers plugin authors test their analyzers with."""

from __future__ import annotations

import types
from collections.abc import Iterator
from pathlib import Path

import odiac_analyzers.static
import pytest

from odiac.analysis import AnalysisContext, Rank, ServiceDraft
from odiac.plugin import Analyzer, hookimpl
from odiac.plugin.testing import (
    analyze,
    assert_decision,
    assert_field,
    assert_review,
    plugin_manager,
    source_index,
    write_tree,
)

GLEAM = {"gleam.toml": 'name = "shop"\n', "src/shop.gleam": "pub fn main() { Nil }\n"}


def _detect_gleam(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    manifest = svc.join("gleam.toml")
    if not ctx.index.exists(manifest):
        return False
    svc.set("language", "gleam", rank=Rank.MANIFEST, file=manifest, line=1)
    svc.set("scripts_start", "gleam run", rank=Rank.DEFAULT, file=manifest)
    if not ctx.index.exists(svc.join("manifest.toml")):
        ctx.flag(svc.name, "missing_lockfile", "manifest.toml is missing")
    return True


def _gleam_plugin() -> types.ModuleType:
    module = types.ModuleType("odiac_gleam_under_test")

    @hookimpl
    def odiac_analyzers() -> Iterator[Analyzer]:
        yield Analyzer(name="gleam", priority=60, detect=_detect_gleam)

    module.odiac_analyzers = odiac_analyzers  # type: ignore[attr-defined]
    return module


def test_write_tree_dedents_and_creates_folders(tmp_path: Path) -> None:
    root = write_tree({"a/b.txt": "\n    one\n      two\n"}, tmp_path / "app")
    assert (root / "a" / "b.txt").read_text() == "one\n  two\n"


@pytest.mark.parametrize("rel", ["../escape.txt", "/etc/passwd", "a/../../b", ""])
def test_write_tree_refuses_paths_outside_the_tree(tmp_path: Path, rel: str) -> None:
    with pytest.raises(ValueError, match="stay inside the tree"):
        write_tree({rel: "x"}, tmp_path / "app")
    assert not (tmp_path / "escape.txt").exists()


def test_source_index_from_a_mapping_and_from_a_folder(tmp_path: Path) -> None:
    index = source_index(GLEAM, tmp_path / "app")
    assert index.files == ["gleam.toml", "src/shop.gleam"]
    assert index.read("gleam.toml") == 'name = "shop"\n'
    assert source_index(tmp_path / "app").files == index.files


def test_source_index_of_a_mapping_needs_a_folder() -> None:
    with pytest.raises(ValueError, match="needs root="):
        source_index(GLEAM)


def test_analyze_runs_the_plugin_next_to_the_builtins() -> None:
    result = analyze(GLEAM, _gleam_plugin())
    assert result.project_name == "app"
    decision = assert_field(result, "language", "gleam", file="gleam.toml", line=1)
    assert decision is not None
    assert decision.service == "app"
    assert_field(result, "scripts_start", "gleam run")
    assert_review(result, "missing_lockfile", service="app", blocking=False)
    assert_decision(result, "complexity", service="")


def test_only_runs_the_named_analyzers(tmp_path: Path) -> None:
    files = {**GLEAM, "index.html": "<h1>shop</h1>\n"}
    with_static = analyze(files, _gleam_plugin(), only=["static"])
    assert_field(with_static, "framework", "static")
    only_gleam = analyze(write_tree(files, tmp_path / "shop"), _gleam_plugin(), only=["gleam"])
    assert only_gleam.project_name == "shop"
    assert_field(only_gleam, "framework", "")


def test_only_names_an_unknown_analyzer() -> None:
    with pytest.raises(ValueError, match=r"no analyzer named \['glem'\].*gleam"):
        analyze(GLEAM, _gleam_plugin(), only=["glem"])


def test_an_installed_plugin_is_not_registered_twice() -> None:
    manager = plugin_manager(odiac_analyzers.static)
    assert [a.name for a in manager.analyzers()].count("static") == 1
    alone = plugin_manager(_gleam_plugin(), installed=False)
    assert [a.name for a in alone.analyzers()] == ["gleam"]


def test_assertions_say_what_they_found() -> None:
    result = analyze(GLEAM, _gleam_plugin())
    with pytest.raises(AssertionError, match="language is 'gleam', expected 'elm'"):
        assert_field(result, "language", "elm")
    with pytest.raises(AssertionError, match=r"no ledger row language = 'gleam' from x\.toml"):
        assert_field(result, "language", "gleam", file="x.toml")
    with pytest.raises(AssertionError, match=r"gleam\.toml:1"):
        assert_field(result, "language", "gleam", line=7)
    with pytest.raises(AssertionError, match="no service 'web'"):
        assert_field(result, "language", "gleam", service="web")
    with pytest.raises(AssertionError, match="missing_lockfile"):
        assert_review(result, "missing_lockfile", blocking=True)


def test_a_refused_analysis_fails_the_field_assertion() -> None:
    result = analyze(GLEAM, only=[])  # nothing claims the service: no entrypoint
    assert result.refusal is not None
    with pytest.raises(AssertionError, match="the analysis refused"):
        assert_field(result, "language", "javascript")
