"""What ``odiac plan`` and ``odiac apply`` share: load, connect, refresh, plan.

A :class:`Session` holds the loaded configuration, an open gateway client and
the credential; :meth:`Session.prepare` scans the source (its identity, no
archive), refreshes the live state, builds the desired state, runs the plan-time
checks and policies, and makes the plan. :meth:`Session.build_archive` builds the
archive only when a plan being applied uploads source, and only from the tree the
plan was made from.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from odiac.desired import (
    RunSecrets,
    build_desired,
    desired_dependencies,
    source_excludes,
    source_root,
    volume_services,
)
from odiac.desired.auto import auto_fields
from odiac.desired.secrets import require_all
from odiac.errors import CredentialError, PlanError
from odiac.plan.caps import fit_anonymous_defaults
from odiac.plan.inputs import LiveState
from odiac.plan.model import UploadSource
from odiac.plan.planner import make_plan
from odiac.plugin.types import PolicySubject, SecretContext
from odiac.state.checks import Finding, cap_findings, is_pending_agent, run_checks
from odiac.state.refresh import Snapshot, read_snapshot
from odiac.statedir import ensure_state_dir

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from odiac.analysis.result import ProjectAnalysisResult
    from odiac.cli.context import GlobalOptions
    from odiac.config.loader import LoadedConfig
    from odiac.gateway.auth import Credential
    from odiac.gateway.client import GatewayClient
    from odiac.plan.inputs import DesiredState
    from odiac.plan.model import Plan
    from odiac.plugin.manager import PluginManager
    from odiac.source import SourceArchive, SourceScan

PLAN_KEY = Path(".opendeploy/plan-key")
KEY_BYTES = 32


@dataclass
class Prepared:
    """Everything a plan was made from (apply needs all of it)."""

    desired: DesiredState
    live: LiveState
    plan: Plan
    findings: list[Finding]
    source_warnings: list[str] = field(default_factory=list)
    git_token: str | None = field(default=None, repr=False)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


@dataclass
class Session:
    """An open connection to the gateway of one configuration.

    ``credential`` is None only for a first plan made before any credential exists
    (see :func:`open_session`): then nothing is live yet, the client is never used,
    and :meth:`prepare` plans against an empty project.
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
    ) -> Prepared:
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
        run_secrets = RunSecrets(self.plugins, self._secret_context())
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
            findings.extend(self._policies(analysis))
        plan = make_plan(
            desired,
            snapshot.live,
            hmac_key=self.hmac_key,
            allow_detach_volumes=allow_detach_volumes,
        )
        return Prepared(
            desired=desired,
            live=snapshot.live,
            plan=plan,
            findings=sorted(findings, key=lambda f: f.severity != "error"),
            source_warnings=list(scan.warnings) if scan is not None else [],
            git_token=self._git_token(run_secrets),
        )

    def require_credential(self) -> Credential:
        """The session's credential (sessions that change something always have one).

        Raises:
            CredentialError: The session was opened without one.
        """
        if self.credential is None:
            raise CredentialError("No OpenDeploy credential for a command that changes something.")
        return self.credential

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

    def locate(self, key_path: tuple[str, ...]) -> tuple[str, int] | None:
        """``(file, line)`` declaring a key of ``opendeploy.toml`` (GitHub annotations)."""
        where = self.loaded.locate(key_path)
        return (where.file, where.line) if where is not None and where.line else None

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
        from odiac.source import build_archive

        config = self.loaded.config
        return build_archive(
            source_root(config, self.loaded.path),
            exclude=source_excludes(config, self.loaded.path, _extra(plan_file)),
            dest_dir=self.scratch,
            expect_digest=upload.digest or plan.source.digest,
        )

    async def _scan(self, plan_file: str | None) -> SourceScan | None:
        config = self.loaded.config
        key = repr(("scan", config.source, str(self.loaded.path.resolve()), plan_file))
        scan: SourceScan | None = await self._once(key, lambda: self._scan_source(plan_file))
        return scan

    async def _analyse(self, with_checks: bool) -> ProjectAnalysisResult | None:
        root = self._analysis_root(with_checks)
        if root is None:
            return None
        analysis: ProjectAnalysisResult = await self._once(
            repr(("analysis", str(root.resolve()))), lambda: self.plugins.analyze(root)
        )
        return analysis

    def _scan_source(self, plan_file: str | None) -> SourceScan | None:
        config = self.loaded.config
        if config.source.git:
            return None
        from odiac.source import scan_source

        return scan_source(
            source_root(config, self.loaded.path),
            exclude=source_excludes(config, self.loaded.path, _extra(plan_file)),
        )

    def _secret_context(self) -> SecretContext:
        return SecretContext(
            workdir=self.loaded.path.resolve().parent, environment=self.loaded.environment
        )

    def _git_token(self, run_secrets: RunSecrets) -> str | None:
        """The resolved ``[source].token`` of a private Git source (registered for redaction)."""
        ref = self.loaded.config.source.token
        if not self.loaded.config.source.git or ref is None:
            return None
        return run_secrets.resolve(ref)

    def _analysis_root(self, with_checks: bool) -> Path | None:
        """The folder to analyse, once per plan, when a policy or an ``"auto"`` field
        needs the analysis (None otherwise, or when no analyzer is installed)."""
        config = self.loaded.config
        wanted = (with_checks and bool(self.plugins.policies())) or any(
            auto_fields(svc.model_dump()) for svc in config.services.values()
        )
        root = source_root(config, self.loaded.path)
        if not wanted or not root.is_dir() or not self.plugins.analyzers():
            return None
        return root

    def _policies(self, analysis: ProjectAnalysisResult | None) -> list[Finding]:
        subject = PolicySubject(
            config=self.loaded.config,
            environment=self.loaded.environment,
            root=source_root(self.loaded.config, self.loaded.path),
            analysis=analysis,
        )
        return [
            Finding(
                f.severity,
                f"policy {f.policy}: {f.message}",
                tuple(str(p) for p in f.key_path or ()),
            )
            for f in self.plugins.check_policies(subject)
        ]


def _extra(plan_file: str | None) -> list[Path]:
    return [Path(plan_file)] if plan_file else []


def load_plan_key(workdir: Path) -> bytes:
    """The plan key (``.opendeploy/plan-key``, mode 0600), created on first use.

    Secrets enter plans only as HMAC digests under this key, so a plan file alone
    cannot be used to brute-force a secret offline.
    """
    path = workdir / PLAN_KEY
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    if len(data) >= KEY_BYTES:
        return data[:KEY_BYTES]
    ensure_state_dir(path.parent)
    key = secrets.token_bytes(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    os.chmod(path, 0o600)
    return key


@contextlib.asynccontextmanager
async def open_session(
    options: GlobalOptions,
    *,
    flag_token: str | None,
    allow_register: bool,
    warn: Callable[[str], None] | None = None,
    client_options: dict[str, Any] | None = None,
    allow_no_credential: bool = False,
    shared: Session | None = None,
) -> AsyncIterator[Session]:
    """Load the configuration and connect to its gateway.

    Args:
        options: The global command-line options.
        flag_token: The ``--token`` value.
        allow_register: Register a client agent when no credential exists.
        warn: Receives credential warnings.
        client_options: Extra :class:`GatewayClient` options.
        allow_no_credential: When no credential exists at all (no ``--token``, no
            token variable, no auth file), open a session without one instead of
            failing (``odiac plan`` for a first-time user). Not in CI for a remote
            gateway: a drift check without a token is a misconfiguration.
        shared: An open session whose connection (client and credential) this one
            reuses when both configurations name the same gateway (``--all-envs``).

    Raises:
        ConfigError: The file is invalid (every problem listed).
        CredentialError: No usable credential.
        PluginError: A plugin failed to load.
    """
    from odiac.config.loader import load_config
    from odiac.gateway.local import open_gateway
    from odiac.plugin.manager import get_plugin_manager

    gateway_url = options.gateway_override  # --gateway, then OD_GATEWAY, then the file
    overrides = {"gateway.url": gateway_url} if gateway_url else None
    loaded = load_config(options.config_file, options.env_name, overrides=overrides)
    plugins = get_plugin_manager()
    workdir = Path.cwd()
    gateway = loaded.config.gateway.url
    if shared is not None and shared.loaded.config.gateway.url == gateway:
        # Same connection and scratch folder (planning builds no archive there).
        yield dataclasses.replace(shared, loaded=loaded)
        return
    with tempfile.TemporaryDirectory(prefix="odiac-") as scratch:
        if allow_no_credential and _first_run(gateway, workdir, flag_token):
            async with _unused_client(gateway, client_options) as client:
                yield Session(
                    loaded=loaded,
                    client=client,
                    credential=None,
                    plugins=plugins,
                    workdir=workdir,
                    scratch=Path(scratch),
                    hmac_key=load_plan_key(workdir),
                )
            return
        async with open_gateway(
            gateway=gateway,
            workdir=workdir,
            flag_token=flag_token,
            allow_register=allow_register,
            warn=warn,
            **(client_options or {}),
        ) as (client, credential):
            yield Session(
                loaded=loaded,
                client=client,
                credential=credential,
                plugins=plugins,
                workdir=workdir,
                scratch=Path(scratch),
                hmac_key=load_plan_key(workdir),
            )


def _first_run(gateway: str, workdir: Path, flag_token: str | None) -> bool:
    """No credential source is set at all (a set but bad one is for resolving to judge).

    Never true in CI for a remote gateway: there resolving fails and names the token
    variable. The local gateway reads only its own auth file (and registers in CI).
    """
    from odiac.gateway.auth import TOKEN_ENV, auth_file_path
    from odiac.gateway.local import LOCAL_AUTH_FILE, is_local

    if flag_token:
        return False
    if is_local(gateway):
        return not (workdir / LOCAL_AUTH_FILE).exists()
    if os.environ.get(TOKEN_ENV) or os.environ.get("CI"):
        return False
    return not auth_file_path(workdir, os.environ).exists()


@contextlib.asynccontextmanager
async def _unused_client(
    gateway: str, client_options: dict[str, Any] | None
) -> AsyncIterator[GatewayClient]:
    """An unauthenticated client nothing is sent with (sessions without a credential)."""
    from odiac.gateway.client import GatewayClient
    from odiac.gateway.local import LOCAL_BASE_URL, is_local

    base_url = LOCAL_BASE_URL if is_local(gateway) else gateway
    client = GatewayClient(base_url, None, **(client_options or {}))
    try:
        yield client
    finally:
        await client.aclose()


def refuse_on_errors(prepared: Prepared) -> None:
    """Raise when a plan-time check or policy found an error (already printed)."""
    errors = prepared.errors
    if not errors:
        return
    count = f"{len(errors)} errors" if len(errors) > 1 else "an error"
    raise PlanError(f"the plan has {count} (listed above); nothing was changed")


def print_findings(
    prepared: Prepared,
    *,
    err: bool = True,
    locate: Callable[[tuple[str, ...]], tuple[str, int] | None] | None = None,
) -> None:
    """Print check findings (each once, with file:line), source and plan warnings."""
    from odiac.cli.output import echo

    claim_url = next((f.claim_url for f in prepared.findings if f.claim_url), None)
    for finding in prepared.findings:
        label = "Error" if finding.severity == "error" else "Warning"
        where = ".".join(finding.key_path)
        prefix = f"{where}: " if where and not finding.message.startswith(where) else ""
        at = locate(finding.key_path) if locate is not None and finding.key_path else None
        position = f"{at[0]}:{at[1]}: " if at is not None else ""
        echo(f"{label}: {position}{prefix}{finding.message}", err=err)
        if finding.hint:
            echo(f"  Hint: {finding.hint}", err=err)
    if claim_url is not None:
        import click

        # Not redacted: the claim URL must carry the bind signature to be usable.
        click.echo(f"  Claim URL: {claim_url}", err=err)
    for warning in [*prepared.source_warnings, *prepared.plan.warnings]:
        echo(f"Warning: {warning}", err=err)
