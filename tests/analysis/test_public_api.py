"""The analyzer authors' API: odiac.analysis exports exactly this, and its names are typed."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import get_args

import pytest

import odiac.analysis
import odiac.plugin.testing
from odiac.analysis import FIELD_NAMES, AnalysisContext, Rank, ServiceAnalysis, ServiceDraft
from odiac.analysis.names import NoteName
from odiac.plugin import Analyzer, hookimpl
from odiac.plugin.testing import analyze, assert_field


def test_analysis_exports() -> None:
    """Changing the facade is a decision: update this list with it."""
    assert sorted(odiac.analysis.__all__) == [
        "AnalysisContext", "Decision", "DecisionName", "EnvLine", "EnvRead", "EnvVarSpec",
        "Evidence", "FIELD_NAMES", "Fact", "FieldName", "NoteName", "ProjectAnalysisResult",
        "Rank", "ReviewCode", "ReviewItem", "Role", "ServiceAnalysis", "ServiceDraft",
        "SourceIndex", "code_of", "join", "norm_dir", "parse_env_file",
    ]  # fmt: skip
    for name in odiac.analysis.__all__:
        assert getattr(odiac.analysis, name) is not None, name


def test_testing_exports() -> None:
    assert sorted(odiac.plugin.testing.__all__) == [
        "analyze", "assert_decision", "assert_field", "assert_review", "plugin_manager",
        "source_index", "write_tree",
    ]  # fmt: skip


def test_service_draft_methods() -> None:
    assert list(inspect.signature(ServiceDraft.set).parameters) == [
        "self", "name", "value", "rank", "file", "line", "note",
    ]  # fmt: skip
    assert list(inspect.signature(AnalysisContext.flag).parameters) == [
        "self", "service", "code", "message", "evidence", "blocking", "key",
    ]  # fmt: skip
    assert list(inspect.signature(AnalysisContext.decide).parameters) == [
        "self", "service", "decision", "value", "evidence",
    ]  # fmt: skip


def test_field_names_are_the_text_fields_of_the_payload() -> None:
    text_fields = [
        name
        for name, info in ServiceAnalysis.model_fields.items()
        if info.annotation is str and name not in {"name", "source_path", "database_type"}
    ]
    assert list(FIELD_NAMES) == text_fields


def test_ranks_order_like_the_ladder() -> None:
    assert sorted(Rank, reverse=True)[0] is Rank.DEFAULT
    assert Rank.MANIFEST < Rank.DEFAULT
    assert Rank.MANIFEST.stronger() is Rank.SERVER_CONFIG
    assert [r.value for r in Rank] == [1, 2, 3, 4, 5]


def test_note_names_cover_the_builtin_analyzers() -> None:
    """Every notes key a built-in analyzer writes or reads is a NoteName."""
    root = Path(__file__).resolve().parents[2]
    used: set[str] = set()
    for path in [*root.glob("plugins/odiac_analyzers/*.py"), *root.glob("odiac/analysis/*.py")]:
        text = path.read_text()
        used |= set(re.findall(r"notes(?:\[|\.get\(|\.setdefault\()\"(\w+)\"", text))
        used |= set(re.findall(r"\"(\w+)\" (?:not )?in \w+\.notes", text))
    assert used
    assert used <= set(get_args(NoteName))


def test_the_package_docstring_example_runs() -> None:
    doc = odiac.analysis.__doc__ or ""
    code = textwrap.dedent(doc.split("::\n", 1)[1].split("\n* ", 1)[0])
    namespace: dict[str, object] = {}
    exec(compile(code, "<odiac.analysis example>", "exec"), namespace)
    detect = namespace["detect"]
    plugin = types.ModuleType("docstring_example")

    @hookimpl
    def odiac_analyzers():  # type: ignore[no-untyped-def]
        yield Analyzer(name="gleam", priority=60, detect=detect)  # type: ignore[arg-type]

    plugin.odiac_analyzers = odiac_analyzers  # type: ignore[attr-defined]
    result = analyze({"gleam.toml": 'name = "shop"\n'}, plugin)
    assert_field(result, "language", "gleam", file="gleam.toml")
    assert_field(result, "scripts_start", "gleam run")


TYPO = """
from odiac.analysis import AnalysisContext, Rank, ServiceDraft


def detect(ctx: AnalysisContext, svc: ServiceDraft) -> bool:
    svc.set("language", "gleam", rank=Rank.MANIFEST, file="gleam.toml")  # fine
    svc.set("framwork", "wisp", rank=Rank.MANIFEST, file="gleam.toml")
    svc.set("framework", "wisp", rank=4, file="gleam.toml")
    svc.set("framework", "wisp", rank=Rank.MANIFST, file="gleam.toml")
    ctx.flag(svc.name, "missing_lockfil", "typo in a review code")
    ctx.decide(svc.name, "dependecy", "postgres")
    svc.notes["jdcb"] = "src/main/resources/application.properties"
    return svc.get("scripts_strat") != ""
"""
MISTAKES = {7: "framwork", 8: "rank", 9: "MANIFST", 10: "missing_lockfil", 11: "dependecy",
            12: "jdcb", 13: "scripts_strat"}  # fmt: skip


def test_mypy_rejects_a_misspelt_name_or_a_bare_rank(tmp_path: Path) -> None:
    """The names are Literal types and ranks an enum: a typo is a type error, not a lost value."""
    (tmp_path / "typo.py").write_text(TYPO)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "MYPYPATH": f"{root}{os.pathsep}{root / 'plugins'}"}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
         "--cache-dir", str(tmp_path / "cache"), "--no-error-summary", "typo.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    errors: dict[int, str] = {}
    for line in done.stdout.splitlines():
        if ": error:" in line:
            errors.setdefault(int(line.split(":")[1]), line)
    assert sorted(errors) == sorted(MISTAKES), done.stdout + done.stderr
    for number, word in MISTAKES.items():
        assert word in errors[number], errors[number]


@pytest.mark.parametrize("name", sorted(odiac.analysis.__all__))
def test_every_export_is_documented(name: str) -> None:
    obj = getattr(odiac.analysis, name)
    if inspect.isclass(obj) or inspect.isfunction(obj):
        assert inspect.getdoc(obj), name
