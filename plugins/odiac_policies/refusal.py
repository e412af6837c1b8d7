"""The refusal checklist (analysis-rules 11, gateway-api 7.1 item 2) as a policy.

Plan and apply refuse, with a one-sentence reason naming the matched file, when
the source references crypto-mining software, or when a web service has no
runnable entrypoint or no HTTP port. Resource caps, database wishes and
unsupported dependencies are never refusal reasons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac.analysis.refusal import scan_for_mining
from odiac.analysis.source_index import SourceIndex
from odiac.plugin import Policy, PolicyFinding, PolicySubject, hookimpl
from odiac_policies._shared import analysis_of, match_service

if TYPE_CHECKING:
    from collections.abc import Iterator

NAME = "refusal-checklist"


def check(subject: PolicySubject) -> Iterator[PolicyFinding]:
    """Error findings for every analysis-rules 11 refusal reason that applies."""
    analysis = subject.analysis
    if (
        analysis is not None
        and analysis.refusal is not None
        and "mining" in analysis.refusal.reason
    ):
        yield PolicyFinding(NAME, "error", analysis.refusal.reason, ("source",))
        return
    if analysis is None and subject.root.is_dir():
        refusal = scan_for_mining(SourceIndex(subject.root)).refusal()
        if refusal is not None:
            yield PolicyFinding(NAME, "error", refusal.reason, ("source",))
            return
    config = subject.config
    for name, section in config.services.items():
        if section.type != "web":
            continue
        has_entry = bool(section.start_command or section.dockerfile)
        if section.port is not None and has_entry:
            continue
        found = analysis_of(subject)
        if found is None:
            continue
        if found.refusal is not None and not has_entry:
            yield PolicyFinding(NAME, "error", found.refusal.reason, ("services", name))
            continue
        match = match_service(name, section, config, found)
        if section.port is None and (match is None or match.port is None):
            yield PolicyFinding(
                NAME,
                "error",
                f"Refusing to deploy: web service {name} has no HTTP port (set port in opendeploy.toml).",
                ("services", name, "port"),
            )


@hookimpl
def odiac_policies() -> Iterator[Policy]:
    yield Policy(
        name=NAME,
        check=check,
        priority=10,
        description="Refusal checklist: mining, no entrypoint or port",
    )
