"""The file-side inputs of a plan: source scan and archive, analysis, policies, secrets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from odiac.desired import source_excludes, source_root
from odiac.desired.auto import auto_fields
from odiac.plugin.types import PolicySubject, SecretContext
from odiac.state.checks import Finding

if TYPE_CHECKING:
    from odiac.analysis.result import ProjectAnalysisResult
    from odiac.config.loader import LoadedConfig
    from odiac.desired import RunSecrets
    from odiac.plugin.manager import PluginManager
    from odiac.source import SourceArchive, SourceScan


def _extra(plan_file: str | None) -> list[Path]:
    return [Path(plan_file)] if plan_file else []


def scan(loaded: LoadedConfig, plan_file: str | None) -> SourceScan | None:
    """The source identity (no archive); None for a Git source.

    ``plan_file``, written or read by this run, never counts as source.
    """
    config = loaded.config
    if config.source.git:
        return None
    from odiac.source import scan_source

    return scan_source(
        source_root(config, loaded.path),
        exclude=source_excludes(config, loaded.path, _extra(plan_file)),
    )


def build_planned_archive(
    loaded: LoadedConfig, plan_file: str | None, *, dest_dir: Path, expect_digest: str | None
) -> SourceArchive:
    """The archive of the source tree, refused unless its digest is ``expect_digest``."""
    from odiac.source import build_archive

    config = loaded.config
    return build_archive(
        source_root(config, loaded.path),
        exclude=source_excludes(config, loaded.path, _extra(plan_file)),
        dest_dir=dest_dir,
        expect_digest=expect_digest,
    )


def analysis_root(
    loaded: LoadedConfig, plugins: PluginManager, *, with_checks: bool
) -> Path | None:
    """The folder to analyse, once per plan, when a policy or an ``"auto"`` field
    needs the analysis (None otherwise, or when no analyzer is installed)."""
    config = loaded.config
    wanted = (with_checks and bool(plugins.policies())) or any(
        auto_fields(svc.model_dump()) for svc in config.services.values()
    )
    root = source_root(config, loaded.path)
    if not wanted or not root.is_dir() or not plugins.analyzers():
        return None
    return root


def policy_findings(
    loaded: LoadedConfig, plugins: PluginManager, analysis: ProjectAnalysisResult | None
) -> list[Finding]:
    """Every installed policy's findings, as plan-time findings."""
    subject = PolicySubject(
        config=loaded.config,
        environment=loaded.environment,
        root=source_root(loaded.config, loaded.path),
        analysis=analysis,
    )
    return [
        Finding(
            f.severity,
            f"policy {f.policy}: {f.message}",
            tuple(str(p) for p in f.key_path or ()),
        )
        for f in plugins.check_policies(subject)
    ]


def secret_context(loaded: LoadedConfig) -> SecretContext:
    return SecretContext(workdir=loaded.path.resolve().parent, environment=loaded.environment)


def git_token(loaded: LoadedConfig, run_secrets: RunSecrets) -> str | None:
    """The resolved ``[source].token`` of a private Git source (registered for redaction)."""
    ref = loaded.config.source.token
    if not loaded.config.source.git or ref is None:
        return None
    return run_secrets.resolve(ref)
