"""The analysis toolkit shared by odiac and analyzer plugins.

* :mod:`odiac.analysis.walk`: one pass over the tree, lazy reads (§1).
* :mod:`odiac.analysis.context`: the context and the per-service draft that
  analyzers fill, with ranked facts and evidence.
* :mod:`odiac.analysis.envfiles` / :mod:`odiac.analysis.envrefs`: env files
  and env names read by code (§1.5, §7, §8).
* :mod:`odiac.analysis.databases`, :mod:`odiac.analysis.ports`: §6 and §4 helpers.
* :mod:`odiac.analysis.result`: ``ProjectAnalysisResult`` and its §9 payload.

Analyses are run through :meth:`odiac.plugin.manager.PluginManager.analyze`.
"""
