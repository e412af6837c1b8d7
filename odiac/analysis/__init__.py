"""The analysis toolkit shared by odiac and analyzer plugins.

* :mod:`odiac.analysis.source_index`: one pass over the tree, lazy reads (analysis-rules 1).
* :mod:`odiac.analysis.context`: the context and the per-service draft that
  analyzers fill, with ranked facts and evidence.
* :mod:`odiac.analysis.envfiles` / :mod:`odiac.analysis.envrefs`: env files
  and env names read by code (analysis-rules 1.5, analysis-rules 7, analysis-rules 8).
* :mod:`odiac.analysis.databases`, :mod:`odiac.analysis.ports`: analysis-rules 6 and analysis-rules 4 helpers.
* :mod:`odiac.analysis.result`: ``ProjectAnalysisResult`` and its analysis-rules 9 payload.

Analyses are run through :meth:`odiac.plugin.manager.PluginManager.analyze`.
"""
