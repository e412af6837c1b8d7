"""A session: one loaded configuration, its gateway client and credential, and the plan.

:meth:`Session.prepare` scans the source (its identity, no archive), refreshes the
live state, builds the desired state, runs the plan-time checks and policies, and
makes the plan. :meth:`Session.build_archive` builds the archive only when a plan
being applied uploads source, and only from the tree the plan was made from.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from odiac.desired import RunSecrets, build_desired, desired_dependencies, volume_services
from odiac.desired.secrets import require_all
from odiac.engine import sources
from odiac.engine.result import PlanResult
from odiac.errors import CredentialError
from odiac.plan.caps import fit_anonymous_defaults
from odiac.plan.inputs import LiveState
from odiac.plan.model import UploadSource
from odiac.plan.planner import make_plan
from odiac.state.checks import Finding, cap_findings, is_pending_agent, run_checks
from odiac.state.refresh import Snapshot, read_snapshot

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from odiac.analysis.result import ProjectAnalysisResult
    from odiac.config.loader import LoadedConfig
    from odiac.gateway.auth import Credential
    from odiac.gateway.client import GatewayClient
    from odiac.plan.model import Plan
    from odiac.plugin.manager import PluginManager
    from odiac.source import SourceArchive, SourceScan


@dataclass
class Session:
    """An open connection to the gateway of one configuration.

    ``credential`` is None only for a first plan made before any credential exists
    (see :func:`odiac.engine.open_session`): then nothing is live yet, the client is
    never used, and :meth:`prepare` plans against an empty project.
    """

    loaded: LoadedConfig
    client: GatewayClient
    credential: Credential | None
    plugins: PluginManager
    workdir: Path
    scratch: Path
    hmac_key: bytes
    # The sessions of one --all-envs run share this dict (dataclasses.replace keeps it):
    # the project list, a source scan and an analysis are then read once, not per
    # environment. None (one environment): every prepare() reads afresh.
    memo: dict[str, asyncio.Future[Any]] | None = field(default=None, repr=False)

    async def _once(self, key: str, work: Callable[[], Any], *, in_thread: bool = True) -> Any:
        if self.memo is None:
            return await (asyncio.to_thread(work) if in_thread else work())
        future = self.memo.get(key)
        if future is None:
            started = asyncio.to_thread(work) if in_thread else work()
            future = self.memo[key] = asyncio.ensure_future(started)
        return await future

    async def prepare(
        self,
        *,
        with_checks: bool = True,
        plan_file: str | None = None,
        allow_detach_volumes: bool = False,
    ) -> PlanResult:
        """Scan the source, refresh, build the desired state, check, and plan.

        No archive is written: planning needs only the source identity. The scan
        and the source analysis run on worker threads while the refresh waits on
        the gateway, and the one analysis serves every policy.

        Args:
            with_checks: Run the plan-time checks and policies.
            plan_file: A plan file written or read by this run (kept out of the source).
            allow_detach_volumes: Detach live volumes missing from the file.
        """
        config = self.loaded.config
        # return_exceptions: a failed scan must not leave the refresh running unowned
        # (threads cannot be cancelled anyway); the first failure is raised once all end.
        results = await asyncio.gather(
            self._snapshot(),
            self._scan(plan_file),
            self._analyse(with_checks),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result
        snapshot, scan, analysis = cast(
            "tuple[Snapshot, SourceScan | None, ProjectAnalysisResult | None]", tuple(results)
        )
        # One resolver per run: each reference is resolved once, even the Git token.
        run_secrets = RunSecrets(self.plugins, sources.secret_context(self.loaded))
        require_all(run_secrets, config, self.locate)
        desired = build_desired(
            config,
            config_path=self.loaded.path,
            config_digest=self.loaded.digest,
            environment=self.loaded.environment,
            source=scan,
            live_dependencies=snapshot.live.dependencies,
            plugins=self.plugins,
            secrets=run_secrets,
            analysis=analysis,
        )
        # An anonymous agent (the one apply would register, or a pending one) gets sizes
        # within its caps wherever the file leaves them unset.
        pending = self.credential is None or await is_pending_agent(self.client, self.credential)
        if pending:
            desired = fit_anonymous_defaults(desired)
        findings: list[Finding] = []
        if with_checks:
            if self.credential is not None:
                findings = await run_checks(
                    self.client, self.credential, desired, snapshot, pending=pending
                )
            else:  # apply will register a fresh anonymous agent: its caps apply
                findings = cap_findings(desired, snapshot.live, claim_url=None, fresh=True)
            findings.extend(sources.policy_findings(self.loaded, self.plugins, analysis))
        plan = make_plan(
            desired,
            snapshot.live,
            hmac_key=self.hmac_key,
            allow_detach_volumes=allow_detach_volumes,
        )
        return PlanResult(
            desired=desired,
            live=snapshot.live,
            plan=plan,
            findings=sorted(findings, key=lambda f: f.severity != "error"),
            source_warnings=list(scan.warnings) if scan is not None else [],
            git_token=sources.git_token(self.loaded, run_secrets),
        )

    def require_credential(self) -> Credential:
        """The session's credential (sessions that change something always have one).

        Raises:
            CredentialError: The session was opened without one.
        """
        if self.credential is None:
            raise CredentialError("No OpenDeploy credential for a command that changes something.")
        return self.credential

    def locate(self, key_path: tuple[str, ...]) -> tuple[str, int] | None:
        """``(file, line)`` declaring a key of ``opendeploy.toml`` (GitHub annotations)."""
        where = self.loaded.locate(key_path)
        return (where.file, where.line) if where is not None and where.line else None

    @property
    def is_local(self) -> bool:
        """Whether the session talks to the embedded local gateway."""
        from odiac.gateway.local import is_local

        return is_local(self.loaded.config.gateway.url)

    def build_archive(self, plan: Plan, *, plan_file: str | None = None) -> SourceArchive | None:
        """The source archive ``plan`` uploads, or None when it uploads none.

        Built in the scratch folder (removed with the session) and checked against the
        digest the plan was made with, so a tree edited after planning is never
        uploaded in its place.

        Raises:
            SourceError: The tree no longer matches the plan, or cannot be read.
        """
        upload = next(
            (a for a in plan.actions if isinstance(a, UploadSource) and a.source_kind == "archive"),
            None,
        )
        if upload is None:
            return None
        return sources.build_planned_archive(
            self.loaded,
            plan_file,
            dest_dir=self.scratch,
            expect_digest=upload.digest or plan.source.digest,
        )

    async def _snapshot(self) -> Snapshot:
        config = self.loaded.config
        if self.credential is None:
            # No credential has ever existed here: apply registers a fresh client
            # agent, which owns no project, so this is exactly what apply will see.
            return Snapshot(live=LiveState())
        # One project list per connection serves every environment of an --all-envs run.
        projects = await self._once(
            repr(("projects", id(self.client))), self.client.list_projects, in_thread=False
        )
        return await read_snapshot(
            self.client,
            config.project.name,
            self.loaded.environment,
            dependencies=desired_dependencies(config),
            volume_services=volume_services(config),
            projects=projects,
        )

    async def _scan(self, plan_file: str | None) -> SourceScan | None:
        config = self.loaded.config
        key = repr(("scan", config.source, str(self.loaded.path.resolve()), plan_file))
        scan: SourceScan | None = await self._once(
            key, lambda: sources.scan(self.loaded, plan_file)
        )
        return scan

    async def _analyse(self, with_checks: bool) -> ProjectAnalysisResult | None:
        root = sources.analysis_root(self.loaded, self.plugins, with_checks=with_checks)
        if root is None:
            return None
        analysis: ProjectAnalysisResult = await self._once(
            repr(("analysis", str(root.resolve()))), lambda: self.plugins.analyze(root)
        )
        return analysis
