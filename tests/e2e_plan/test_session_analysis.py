"""One source analysis per plan, handed to every policy (analysis-rules §11 policies)."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from odiac.analysis.context import AnalysisContext, ServiceDraft
from odiac.analysis.result import ProjectAnalysisResult
from odiac.cli.context import GlobalOptions
from odiac.cli.session import open_session
from odiac.plugin import Analyzer, Policy, PolicyFinding, PolicySubject, hookimpl
from odiac.plugin.manager import PluginManager

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LOCAL = GlobalOptions(gateway="local")


class Recorder:
    """A plugin that counts analyzer runs and keeps what each policy was given."""

    def __init__(self) -> None:
        self.enrich_calls = 0
        self.subjects: list[PolicySubject] = []

    def _enrich(self, ctx: AnalysisContext, service: ServiceDraft) -> None:
        del ctx, service
        self.enrich_calls += 1

    def _check(self, subject: PolicySubject) -> Iterator[PolicyFinding]:
        self.subjects.append(subject)
        return iter(())

    @hookimpl
    def odiac_analyzers(self) -> Iterator[Analyzer]:
        yield Analyzer(name="recorder", priority=999, enrich=self._enrich)

    @hookimpl
    def odiac_policies(self) -> Iterator[Policy]:
        yield Policy(name="recorder", check=self._check, priority=999)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    app = tmp_path / "site"
    shutil.copytree(EXAMPLES / "static-site", app)
    monkeypatch.chdir(app)
    monkeypatch.delenv("CI", raising=False)
    return app


def _plan_with(recorder: Recorder, *, with_checks: bool = True) -> None:
    plugins = PluginManager()
    plugins.load_entry_points()  # the built-in analyzers and policies too
    plugins.register(recorder, name="recorder", distribution="tests")

    async def run() -> None:
        async with open_session(LOCAL, flag_token=None, allow_register=True) as session:
            await dataclasses.replace(session, plugins=plugins).prepare(with_checks=with_checks)

    asyncio.run(run())


def test_policies_receive_the_plan_analysis(site: Path) -> None:
    recorder = Recorder()
    _plan_with(recorder)
    (subject,) = recorder.subjects
    assert isinstance(subject.analysis, ProjectAnalysisResult)
    assert [s.source_path for s in subject.analysis.services] == ["."]


def test_the_source_is_analysed_once_per_plan(site: Path) -> None:
    recorder = Recorder()
    _plan_with(recorder)
    # One service in the tree, so one enrich call per analysis: every policy
    # (the built-in refusal and hints ones included) reused the first.
    assert recorder.enrich_calls == 1


def test_no_analysis_without_policies_or_auto_fields(site: Path) -> None:
    recorder = Recorder()
    _plan_with(recorder, with_checks=False)  # `odiac status`: no policies run
    assert recorder.enrich_calls == 0


def test_auto_fields_reuse_the_plan_analysis(site: Path) -> None:
    """A framework = "auto" service is filled from the same analysis the policies get."""
    config = site / "opendeploy.toml"
    text = config.read_text()
    assert 'framework = "static"' in text
    config.write_text(text.replace('framework = "static"', 'framework = "auto"'))
    recorder = Recorder()
    _plan_with(recorder)
    assert recorder.enrich_calls == 1
