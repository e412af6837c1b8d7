"""The analysis toolkit for analyzer plugins: everything an analyzer reads, writes or returns.

An analyzer (see :class:`odiac.plugin.Analyzer`) is handed an
:class:`AnalysisContext` and a :class:`ServiceDraft`, and writes facts on the
draft with the evidence that supports them::

    from odiac.analysis import AnalysisContext, Rank, ServiceDraft


    def detect(ctx: AnalysisContext, service: ServiceDraft) -> bool:
        manifest = service.join("gleam.toml")
        if not ctx.index.exists(manifest):
            return False
        service.set("language", "gleam", rank=Rank.MANIFEST, file=manifest)
        service.set("scripts_start", "gleam run", rank=Rank.DEFAULT, file=manifest)
        return True

* :class:`SourceIndex` (``ctx.index``): one walk of the tree, lazy cached reads.
* :class:`ServiceDraft`: ``set`` a :data:`FieldName` with a :class:`Rank`
  (the lower rank wins, whatever order analyzers ran in), ``add_port``,
  ``add_env`` (:class:`EnvRead`), ``add_db``, ``add_release``, ``set_role``.
* :class:`AnalysisContext`: ``decide`` writes a ledger row (:data:`DecisionName`),
  ``flag`` a review item for a human (:data:`ReviewCode`).
* :class:`ProjectAnalysisResult`: what an analysis returns, with one
  :class:`ServiceAnalysis` per service.
* Helpers: :func:`parse_env_file`, :func:`code_of` (a file with its comments
  blanked), :func:`join` and :func:`norm_dir` (index paths).

Analyses run through :meth:`odiac.plugin.manager.PluginManager.analyze`; to
test an analyzer, see :mod:`odiac.plugin.testing`.
"""

from __future__ import annotations

from odiac.analysis.comments import code_of
from odiac.analysis.context import AnalysisContext, EnvRead, Fact, Rank, Role, ServiceDraft
from odiac.analysis.envfiles import EnvLine, parse_env_file
from odiac.analysis.evidence import Decision, Evidence, ReviewItem
from odiac.analysis.names import FIELD_NAMES, DecisionName, FieldName, NoteName, ReviewCode
from odiac.analysis.result import EnvVarSpec, ProjectAnalysisResult, ServiceAnalysis
from odiac.analysis.source_index import SourceIndex, join, norm_dir

__all__ = [
    "FIELD_NAMES",
    "AnalysisContext",
    "Decision",
    "DecisionName",
    "EnvLine",
    "EnvRead",
    "EnvVarSpec",
    "Evidence",
    "Fact",
    "FieldName",
    "NoteName",
    "ProjectAnalysisResult",
    "Rank",
    "ReviewCode",
    "ReviewItem",
    "Role",
    "ServiceAnalysis",
    "ServiceDraft",
    "SourceIndex",
    "code_of",
    "join",
    "norm_dir",
    "parse_env_file",
]
