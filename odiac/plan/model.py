"""The plan: a frozen, versioned record of what ``odiac apply`` will do.

A plan is data. It can be saved, loaded, rendered and applied with nothing else,
and it never holds a secret value: a sensitive value appears only as a keyed
digest (HMAC-SHA256 under the plan key kept in ``.opendeploy/plan-key``), which
cannot be brute-forced offline without that key. Values that the applier needs
but the plan must not hold (secrets, env values) are re-resolved from the
desired state at apply time, after :func:`odiac.plan.planfile.check_stale` has
proved they are the ones planned.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT_VERSION = 1

Scalar = str | int | bool | list[str] | None
Impact = Literal["create", "in place", "rolling restart", "redeploy", "manual"]
DeployReason = Literal[
    "created",
    "source changed",
    "env changed",
    "config changed",
    "not deployed yet",
    "previous deployment failed",
    "live runs older source (rolled back?)",
    "deployed outside odiac",
]
#: Impact order, mildest first; an action's impact is its strongest change's.
IMPACT_ORDER: tuple[Impact, ...] = ("in place", "rolling restart", "redeploy", "create", "manual")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldChange(_Frozen):
    """One field of one resource, before and after.

    Sensitive sides carry ``None`` plus a keyed digest, never the value.
    """

    path: str = Field(
        description='Field path inside the resource, e.g. "cpu_limit", "env.API_KEY".'
    )
    before: Scalar = None
    after: Scalar = None
    before_absent: bool = Field(False, description="The field/key does not exist live.")
    after_absent: bool = Field(False, description="The field/key is removed by the plan.")
    after_unknown: bool = Field(False, description="Known only after apply (new dependency env).")
    before_sensitive: bool = False
    after_sensitive: bool = False
    before_digest: str | None = Field(None, description="hmac-sha256 digest when sensitive.")
    after_digest: str | None = None
    impact: Impact = "in place"
    unknown_source: str | None = Field(
        None, description='For unknown values: "dependency.<name>.<KEY>" the value comes from.'
    )
    ref: str | None = Field(
        None,
        description='The reference variable the value comes from ("db.DATABASE_URL").',
        exclude_if=lambda value: value is None,
    )


class _Action(_Frozen):
    id: str = Field(description="Stable id, unique in the plan; DAG edges refer to it.")
    address: str = Field(description='Resource address, e.g. "service.web".')
    depends_on: list[str] = Field(default_factory=list, description="Ids that must finish first.")
    impact: Impact = "in place"
    changes: list[FieldChange] = Field(default_factory=list)


class CreateProject(_Action):
    kind: Literal["create_project"] = "create_project"
    name: str
    region: str | None = None
    description: str = ""


class CreateDependency(_Action):
    kind: Literal["create_dependency"] = "create_dependency"
    name: str
    engine: str
    display_name: str | None = None


class CreateService(_Action):
    """Create with the full desired spec and runtime/build env (values from desired state)."""

    kind: Literal["create_service"] = "create_service"
    name: str


class UpdateService(_Action):
    """``PUT /v1/services/{id}`` with the ``after`` value of every change."""

    kind: Literal["update_service"] = "update_service"
    name: str
    service_id: str


class SetEnv(_Action):
    """Full-replace ``PUT .../env`` with exactly ``keys`` (values from desired state)."""

    kind: Literal["set_env"] = "set_env"
    name: str
    service_id: str
    keys: list[str]


class UploadSource(_Action):
    kind: Literal["upload_source"] = "upload_source"
    source_kind: Literal["archive", "git"] = "archive"
    digest: str | None = None
    file_count: int = 0
    total_bytes: int = 0


class BindSource(_Action):
    kind: Literal["bind_source"] = "bind_source"
    digest: str | None = None


class Deploy(_Action):
    kind: Literal["deploy"] = "deploy"
    name: str
    service_id: str | None = Field(None, description="None when the service is created first.")
    reason: DeployReason
    uses: list[str] = Field(default_factory=list, description="Dependency names it is bound to.")


class RenameSubdomain(_Action):
    kind: Literal["rename_subdomain"] = "rename_subdomain"
    name: str
    domain_id: str | None = Field(None, description="Auto row id; None until it exists.")
    label: str


class CreateVolume(_Action):
    """``POST /v1/services/{id}/volumes``; ``conversion`` when it restarts a running service."""

    kind: Literal["create_volume"] = "create_volume"
    name: str = Field(description="Service name.")
    volume: str
    mount_path: str
    size: str
    service_id: str | None = Field(None, description="None when the service is created first.")
    conversion: bool = Field(
        False,
        description="First volume of a running service: the workload is converted to a "
        "stateful one, about 30 s of downtime.",
    )


class ResizeVolume(_Action):
    """Grow a volume in place."""

    kind: Literal["resize_volume"] = "resize_volume"
    name: str
    volume: str
    volume_id: str
    size: str


class DetachVolume(_Action):
    """Detach a volume no longer in the file: it is orphaned and kept for 7 days."""

    kind: Literal["detach_volume"] = "detach_volume"
    name: str
    volume: str
    volume_id: str
    restorable_until: str | None = Field(None, description="Expected expiry (UTC date).")


class RestoreVolume(_Action):
    """Attach an orphaned volume again (then grow it when the file asks for more)."""

    kind: Literal["restore_volume"] = "restore_volume"
    name: str
    volume: str
    volume_id: str
    size: str | None = Field(None, description="Size to grow to after the restore.")


class Manual(_Action):
    """Something only the user can do (in the dashboard); apply reports it, never does it."""

    kind: Literal["manual"] = "manual"
    reason: str


Action = Annotated[
    CreateProject
    | CreateDependency
    | CreateService
    | UpdateService
    | SetEnv
    | UploadSource
    | BindSource
    | Deploy
    | RenameSubdomain
    | CreateVolume
    | ResizeVolume
    | DetachVolume
    | RestoreVolume
    | Manual,
    Field(discriminator="kind"),
]

_CREATE = ("create_project", "create_dependency", "create_service", "create_volume")
_UPDATE = (
    "update_service",
    "set_env",
    "rename_subdomain",
    "resize_volume",
    "detach_volume",
    "restore_volume",
)


class SourceSummary(_Frozen):
    kind: Literal["archive", "git"] = "archive"
    digest: str | None = None
    file_count: int = 0
    total_bytes: int = 0
    git_url: str | None = None
    branch: str | None = None
    files: dict[str, str] = Field(
        default_factory=dict,
        exclude=True,
        repr=False,
        description="Archive name -> content digest of every file, kept in saved plans "
        "only (never contents), so that a stale plan names the files that changed.",
    )


class Plan(_Frozen):
    """What apply will do, and the facts it was computed from.

    Fields that must not influence apply beyond the stale check: ``live_fingerprint``,
    ``config_digest``, ``value_digests`` (apply refuses when they no longer match).
    """

    format_version: int = FORMAT_VERSION
    odiac_version: str
    project: str = Field(description="Project name.")
    environment: str
    config_digest: str = Field(description="Digest of the effective configuration planned.")
    live_fingerprint: str = Field(description="LiveState.fingerprint(plan key) at plan time.")
    live_resources: dict[str, str] = Field(
        default_factory=dict,
        description="Per-resource live fingerprints, to name what changed in a stale plan.",
    )
    source: SourceSummary
    value_digests: dict[str, str] = Field(
        default_factory=dict,
        description="Keyed digest of every desired env value and dependency credential, by "
        '"services.<svc>.env.<KEY>" or "dependencies.<name>.password".',
    )
    actions: list[Action] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        """Anything to do or to tell (``--detailed-exitcode`` 2)."""
        return bool(self.actions)

    def counts(self) -> dict[str, int]:
        """Counts for the summary line: create / update / deploy / manual."""
        kinds = [a.kind for a in self.actions]
        return {
            "create": sum(k in _CREATE for k in kinds),
            "update": sum(k in _UPDATE for k in kinds),
            "deploy": kinds.count("deploy"),
            "manual": kinds.count("manual"),
        }

    def action(self, action_id: str) -> Action:
        """The action with this id (KeyError if none)."""
        for item in self.actions:
            if item.id == action_id:
                return item
        raise KeyError(action_id)

    def summary(self) -> str:
        """``Plan: 2 to create, 1 to update, 1 to deploy, 0 manual.``"""
        c = self.counts()
        return (
            f"Plan: {c['create']} to create, {c['update']} to update, "
            f"{c['deploy']} to deploy, {c['manual']} manual."
        )


def strongest(impacts: list[Impact]) -> Impact:
    """The strongest of several impacts (``in place`` when empty)."""
    return max(impacts, key=IMPACT_ORDER.index, default="in place")
