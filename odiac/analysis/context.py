"""What analyzers work on: the shared context and one mutable draft per service.

Facts are set with a :class:`Rank` from the precedence ladder
(``Rank.OVERRIDE`` ... ``Rank.DEFAULT``): a fact only replaces another when
its rank is stronger (lower), so the outcome never depends on the order in
which analyzers ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Literal

from odiac.analysis.evidence import Decision, Evidence, ReviewItem
from odiac.analysis.source_index import join, norm_dir

if TYPE_CHECKING:
    from odiac.analysis.names import DecisionName, FieldName, NoteName, ReviewCode
    from odiac.analysis.source_index import SourceIndex


class Rank(IntEnum):
    """How strong the evidence behind a fact is; the lower rank wins.

    An ``IntEnum``, so ranks compare and sort like the numbers they replace.
    """

    OVERRIDE = 1  # an explicit override passed to odiac
    DESCRIPTOR = 2  # a deployment descriptor: Dockerfile, compose file, Procfile, platform config
    SERVER_CONFIG = 3  # a server or runtime config file (gunicorn.conf.py, application.yml)
    MANIFEST = 4  # a framework manifest or framework config file
    DEFAULT = 5  # a framework or tool default

    def stronger(self) -> Rank:
        """The rank one step stronger: for a fact that must beat others of this rank."""
        return Rank(self.value - 1)


Role = Literal["web", "worker", "cron", "static"]


@dataclass
class Fact:
    """A field value with the rank and evidence that put it there."""

    value: str
    rank: Rank
    evidence: tuple[Evidence, ...]


@dataclass
class PortCandidate:
    """A port seen on one rung of the analysis-rules 4.1 ladder."""

    rung: int
    port: int
    evidence: Evidence
    honours_port: bool = False


@dataclass
class EnvRead:
    """One place a variable name is read, declared or set."""

    name: str
    source: Literal["code", "template", "compose", "dockerfile", "convention", "build-config"]
    evidence: Evidence
    fallback: str | None = None  # the code fallback / template value, when one exists
    required: bool | None = None  # explicit validator verdict (fetch_env!, Joi .required())
    optional: bool = False  # commented template line (analysis-rules 1.5)
    build_time: bool = False
    config: bool = False  # read as a number, boolean or switch: a setting, never a secret


@dataclass
class DbSignal:
    """A managed-dependency signal for one engine (analysis-rules 6.2); weak signals never provision."""

    engine: str
    strong: bool
    evidence: Evidence
    orm: bool = False  # an ORM/config signal: names the engine of DATABASE_URL (analysis-rules 6.4)


@dataclass
class ServiceDraft:
    """A service under construction; turned into a ServiceAnalysis at the end."""

    name: str
    source_path: str = "."
    app_dir: str = ""  # where the service's manifests live; differs in shared workspaces
    facts: dict[FieldName, Fact] = field(default_factory=dict)
    role: Role | None = None
    role_evidence: tuple[Evidence, ...] = ()
    runtime: str = ""  # name of the analyzer that claimed the runtime
    ports: list[PortCandidate] = field(default_factory=list)
    default_port: PortCandidate | None = None
    env: list[EnvRead] = field(default_factory=list)
    db: list[DbSignal] = field(default_factory=list)
    release: list[tuple[str, Evidence]] = field(default_factory=list)
    dockerfile: str = ""
    dockerfile_target: str = ""
    compose_name: str = ""
    start_override: tuple[str, Evidence] | None = None
    watch_paths: list[str] = field(default_factory=list)
    ai_providers: dict[str, Evidence] = field(default_factory=dict)
    honours_port: bool = False
    notes: dict[NoteName, str] = field(default_factory=dict)
    # writable data directories: (volume name, absolute mount path or "", evidence)
    data_dirs: list[tuple[str, str, Evidence]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.app_dir:
            self.app_dir = norm_dir(self.source_path)

    def join(self, rel: str) -> str:
        """Repository-relative path of ``rel`` inside this service's app directory."""
        return join(self.app_dir, rel)

    @property
    def root(self) -> str:
        """The app directory as an index directory (``""`` for the repository root)."""
        return norm_dir(self.app_dir)

    def get(self, name: FieldName) -> str:
        """Current value of field ``name`` (``""`` when unset)."""
        fact = self.facts.get(name)
        return fact.value if fact else ""

    def set(
        self,
        name: FieldName,
        value: str,
        *,
        rank: Rank,
        file: str,
        line: int | None = None,
        note: str = "",
    ) -> bool:
        """Set a field unless a stronger (lower-rank) fact already holds it.

        Returns:
            True when the value was taken.
        """
        if not value:
            return False
        current = self.facts.get(name)
        if current is not None and current.rank <= rank:
            return False
        self.facts[name] = Fact(value, rank, (Evidence(file=file, line=line, note=note),))
        return True

    def set_role(self, role: Role, *, file: str, line: int | None = None, note: str = "") -> None:
        """Set the role (web/worker/cron/static) with its evidence."""
        self.role = role
        self.role_evidence = (Evidence(file=file, line=line, note=note),)

    def add_port(
        self,
        rung: int,
        port: int,
        *,
        file: str,
        line: int | None = None,
        note: str = "",
        honours_port: bool = False,
    ) -> None:
        """Record a port candidate on rung 1-3 of the analysis-rules 4.1 ladder."""
        if 0 < port < 65536:
            ev = Evidence(file=file, line=line, note=note)
            self.ports.append(PortCandidate(rung, port, ev, honours_port))
            if honours_port:
                self.honours_port = True

    def set_default_port(self, port: int, *, file: str, note: str) -> None:
        """Record the framework default (rung 4), the first analyzer's wins."""
        if self.default_port is None:
            self.default_port = PortCandidate(4, port, Evidence(file=file, note=note))

    def add_env(self, read: EnvRead) -> None:
        self.env.append(read)

    def add_db(
        self,
        engine: str,
        *,
        strong: bool,
        file: str,
        line: int | None = None,
        note: str = "",
        orm: bool = False,
    ) -> None:
        """Record a analysis-rules 6.2 signal; ``orm`` marks config/ORM evidence that only names an engine."""
        self.db.append(DbSignal(engine, strong, Evidence(file=file, line=line, note=note), orm))

    def add_release(self, command: str, *, file: str, line: int | None = None) -> None:
        if command not in {c for c, _ in self.release}:
            self.release.append((command, Evidence(file=file, line=line)))


class AnalysisContext:
    """The analysis of one repository: file index, services, ledger, review items."""

    def __init__(self, index: SourceIndex, project_name: str) -> None:
        self.index = index
        self.project_name = project_name
        self.services: list[ServiceDraft] = []
        self.layout_by: str = ""
        self.ledger: list[Decision] = []
        self.review: list[ReviewItem] = []
        self.external: list[tuple[str, str, str, str]] = []  # name, image, kind, evidence
        self.compose_images: dict[str, tuple[str, Evidence]] = {}  # compose name -> (engine, ev)
        self.compose_file: str = ""

    def add_service(
        self, name: str, source_path: str = ".", app_dir: str | None = None
    ) -> ServiceDraft:
        """Add (or return the existing) service draft called ``name``.

        Args:
            name: DNS-label service name.
            source_path: What gets built and uploaded (analysis-rules 9.2 ``source_path``).
            app_dir: Where the service's manifests live, when it differs
                (a shared workspace builds from the root, analysis-rules 2.4).
        """
        for svc in self.services:
            if svc.name == name:
                return svc
        draft = ServiceDraft(
            name=name,
            source_path=norm_dir(source_path) or ".",
            app_dir=norm_dir(app_dir if app_dir is not None else source_path),
        )
        self.services.append(draft)
        return draft

    def decide(self, service: str, decision: DecisionName, value: str, *evidence: Evidence) -> None:
        """Append a ledger row."""
        self.ledger.append(
            Decision(service=service, decision=decision, value=value, evidence=evidence)
        )

    def flag(
        self,
        service: str,
        code: ReviewCode,
        message: str,
        *evidence: Evidence,
        blocking: bool = False,
        key: str = "",
    ) -> None:
        """Raise a review item (once per service, code and message).

        ``key`` is the ``opendeploy.toml`` key path the item concerns, so that
        ``odiac init`` can write it as a comment at that key.
        """
        item = ReviewItem(
            service=service,
            code=code,
            severity="blocking" if blocking else "warning",
            message=message,
            evidence=evidence,
            key=key,
        )
        if item not in self.review:
            self.review.append(item)
