"""Typed records that plugins hand to odiac through the collection hooks.

Every record is a frozen dataclass with a ``name`` and an explicit
``priority``: odiac orders records by ``(priority, name)``, never by the order
in which plugins happened to register.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from odiac.analysis.context import AnalysisContext, ServiceDraft
    from odiac.analysis.result import ProjectAnalysisResult
    from odiac.config.model import Config

Severity = Literal["error", "warning"]
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Analyzer:
    """A framework analyzer: reads the source tree and fills analysis fields.

    An analyzer may take part in three phases, each optional:

    * ``layout(ctx)`` proposes services (compose, Procfile, workspaces).
      Layout analyzers run in priority order; the first that adds services
      decides the split (analysis-rules 2.1), later ones may add facts.
    * ``detect(ctx, service)`` claims a service's runtime (language,
      framework, commands). The first analyzer returning ``True`` wins
      (analysis-rules 3.1 order is encoded in the priorities).
    * ``enrich(ctx, service)`` adds facts to every service whatever its
      runtime (Dockerfile mode, env names, databases).

    Attributes:
        name: Unique analyzer name (a short ecosystem id such as ``"node"``).
        priority: Lower runs first; ties are broken by name.
        layout: Optional layout phase callable.
        detect: Optional runtime-claim callable.
        enrich: Optional enrichment callable.
        description: One line shown by ``odiac plugins``.
    """

    name: str
    priority: int = 100
    layout: Callable[[AnalysisContext], None] | None = None
    detect: Callable[[AnalysisContext, ServiceDraft], bool] | None = None
    enrich: Callable[[AnalysisContext, ServiceDraft], None] | None = None
    description: str = ""


@dataclass(frozen=True)
class SecretContext:
    """What a secret backend may know about the run.

    Attributes:
        workdir: Directory holding ``opendeploy.toml`` (relative references
            such as ``file:secrets/key`` resolve against it).
        environment: The environment overlay being planned or applied.
    """

    workdir: Path
    environment: str = "staging"


@dataclass(frozen=True)
class SecretBackend:
    """Resolves ``{ secret = "<scheme>:<ref>" }`` references of one scheme.

    Attributes:
        scheme: The prefix before the colon (``"env"``); doubles as the name.
        resolver: ``resolver(ref, ctx) -> value``; ``ref`` is the text after
            the colon. Raises :class:`odiac.errors.SecretError` naming the
            reference (never a value) when it cannot resolve.
        priority: Ordering for listings; schemes must be unique anyway.
        description: One line shown by ``odiac plugins``.
    """

    scheme: str
    resolver: Callable[[str, SecretContext], str]
    priority: int = 100
    description: str = ""

    @property
    def name(self) -> str:
        return self.scheme

    def resolve(self, ref: str, ctx: SecretContext) -> str:
        """Resolve ``ref`` (with or without the ``scheme:`` prefix) to its value.

        The value is registered with :mod:`odiac.redact` before it is returned,
        so it can never be printed afterwards.
        """
        from odiac.redact import register

        prefix = f"{self.scheme}:"
        bare = ref[len(prefix) :] if ref.startswith(prefix) else ref
        value = self.resolver(bare, ctx)
        register(value)
        return value


@dataclass(frozen=True)
class PolicySubject:
    """Everything a policy may inspect.

    Attributes:
        config: The loaded configuration, environment overlay applied.
        environment: Environment name (``"staging"``, ``"production"``...).
        root: Source root the services are built from.
        analysis: The source analysis, when one was made for this run.
    """

    config: Config
    environment: str
    root: Path
    analysis: ProjectAnalysisResult | None = None


@dataclass(frozen=True)
class PolicyFinding:
    """One policy verdict, rendered by ``odiac plan`` as an error or a warning.

    Attributes:
        policy: Name of the policy that produced it.
        severity: ``"error"`` makes plan and apply refuse; ``"warning"`` is shown.
        message: One sentence, no secret values.
        key_path: TOML key path the finding is about (``("services", "web", "replicas")``).
    """

    policy: str
    severity: Severity
    message: str
    key_path: KeyPath | None = None


@dataclass(frozen=True)
class Policy:
    """A check over the desired state, run by plan and apply.

    Attributes:
        name: Unique policy name.
        check: ``check(subject) -> findings``.
        priority: Lower runs first; ties are broken by name.
        description: One line shown by ``odiac plugins``.
    """

    name: str
    check: Callable[[PolicySubject], Iterable[PolicyFinding]]
    priority: int = 100
    description: str = ""


RecordKind = Literal["analyzer", "secret-backend", "policy"]


@dataclass(frozen=True)
class PluginRecordInfo:
    """One row of ``odiac plugins``: a record and where it comes from."""

    name: str
    kind: RecordKind
    plugin: str
    distribution: str
    version: str
    priority: int
    description: str = field(default="")
