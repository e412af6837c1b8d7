"""The source analysis a policy works from (computed once per source root)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from odiac.analysis.result import ProjectAnalysisResult, ServiceAnalysis
    from odiac.config.model import Config, ServiceSection
    from odiac.plugin import PolicySubject


def analysis_of(subject: PolicySubject) -> ProjectAnalysisResult | None:
    """The subject's analysis, or one made now (None when the source is not a folder)."""
    if subject.analysis is not None:
        return subject.analysis
    if not subject.root.is_dir():
        return None
    # Not cached: the source may change between two plans of one process.
    from odiac.plugin.manager import get_plugin_manager

    return get_plugin_manager().analyze(subject.root.resolve())


def match_service(
    name: str, section: ServiceSection, config: Config, analysis: ProjectAnalysisResult
) -> ServiceAnalysis | None:
    """The analysed service a configured one corresponds to: same name, else same path."""
    by_name = {s.name: s for s in analysis.services}
    if name in by_name:
        return by_name[name]
    same_path = [s for s in analysis.services if s.source_path == section.path]
    if len(same_path) == 1:
        return same_path[0]
    if len(analysis.services) == 1 and len(config.services) == 1:
        return analysis.services[0]
    return None
