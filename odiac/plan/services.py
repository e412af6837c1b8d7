"""Per-service planning: create/update, env, the deploy decision, subdomain, manual items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac.plan.credentials import drift_action
from odiac.plan.diff import EnvTarget, diff_env, diff_fields
from odiac.plan.model import (
    CreateService,
    Deploy,
    DeployReason,
    FieldChange,
    Manual,
    RenameSubdomain,
    SetEnv,
    UpdateService,
    strongest,
)
from odiac.plan.normalise import (
    config_digest,
    desired_fields,
    field_impacts,
    live_fields,
    resolve_env,
)
from odiac.plan.volumes import plan_volumes

if TYPE_CHECKING:
    from odiac.plan.inputs import DesiredService, DesiredState, LiveService, LiveState
    from odiac.plan.model import Action

_IN_PROGRESS = {"pending", "analyzing", "pending_review", "building", "deploying"}
_ENGINE_ALIASES = {"mongo": "mongodb"}
ROLLBACK: DeployReason = "live runs older source (rolled back?)"
_DELETE_HINT = "odiac never deletes; delete it in the dashboard if it is no longer needed"


class ServicePlanner:
    """Collects the actions of every service; :meth:`finish` emits deploys and renames."""

    def __init__(
        self,
        desired: DesiredState,
        live: LiveState,
        hmac_key: bytes,
        dep_actions: dict[str, str],
        project_deps: list[str],
        *,
        allow_detach_volumes: bool = False,
    ) -> None:
        self.desired = desired
        self.allow_detach_volumes = allow_detach_volumes
        self._volumes: list[Action] = []
        self.live = live
        self.key = hmac_key
        self.dep_actions = dep_actions
        self.project_deps = project_deps
        self._services: list[Action] = []
        self._env: list[Action] = []
        self._manual: list[Action] = []
        self.deploys: dict[str, Deploy] = {}
        self._renames: list[RenameSubdomain] = []
        self.warnings: list[str] = []

    @property
    def changes(self) -> list[Action]:
        """Service creates/updates, env replacements, then volumes (the contract's order)."""
        return [*self._services, *self._env, *self._volumes]

    # ------------------------------------------------------------------ per service

    def plan(self, name: str) -> None:
        """Plan one desired service."""
        svc = self.desired.services[name]
        where = f"services.{name}"
        env = resolve_env(svc.env, self.desired, self.live, f"{where}.env")
        build_env = resolve_env(svc.build_env, self.desired, self.live, f"{where}.build_env")
        uses = [self.dep_actions[d] for d in sorted(set(svc.uses)) if d in self.dep_actions]
        unknown = self._unknown_deps([*env.values(), *build_env.values()])
        unknown += self._referenced_services([*env.values(), *build_env.values()])
        live_svc = self.live.services.get(name) if self.live.project else None
        if live_svc is None:
            self._create(name, svc, env, build_env, uses, unknown)
        else:
            self._update(name, svc, live_svc, env, build_env, uses, unknown)

    def _unknown_deps(self, targets: list[EnvTarget]) -> list[str]:
        names = {t.unknown_source.split(".")[1] for t in targets if t.unknown_source}
        return sorted(self.dep_actions[n] for n in names if n in self.dep_actions)

    def _referenced_services(self, targets: list[EnvTarget]) -> list[str]:
        """Services this one refers to that the plan creates: their creation comes first."""
        names = {t.ref.split(".")[1] for t in targets if t.ref and t.ref.startswith("services.")}
        live = self.live.services if self.live.project else {}
        return sorted(f"service.{n}" for n in names if n not in live)

    def _create(
        self,
        name: str,
        svc: DesiredService,
        env: dict[str, EnvTarget],
        build_env: dict[str, EnvTarget],
        uses: list[str],
        unknown: list[str],
    ) -> None:
        changes = [
            FieldChange(path=k, after=v, before_absent=True, impact="create")
            for k, v in desired_fields(svc).items()
        ]
        changes.append(
            FieldChange(path="type", after=svc.type, before_absent=True, impact="create")
        )
        changes += diff_env({}, env, self.key, prefix="env", impact="create")
        changes += diff_env({}, build_env, self.key, prefix="build_env", impact="create")
        action_id = f"service.{name}"
        self._services.append(
            CreateService(
                id=action_id,
                address=action_id,
                depends_on=sorted({*self.project_deps, *unknown}),
                impact="create",
                changes=sorted(changes, key=lambda c: c.path),
                name=name,
            )
        )
        volumes = self._plan_volumes(name, svc, None, [action_id])
        self._deploy(name, svc, None, "created", [action_id, *uses, *volumes])
        self._rename(name, svc, None)

    def _update(
        self,
        name: str,
        svc: DesiredService,
        live_svc: LiveService,
        env: dict[str, EnvTarget],
        build_env: dict[str, EnvTarget],
        uses: list[str],
        unknown: list[str],
    ) -> None:
        deps = list(uses)
        address = f"service.{name}"
        changes = diff_fields(live_fields(live_svc), desired_fields(svc), field_impacts())
        changes += diff_env(
            live_svc.build_env, build_env, self.key, prefix="build_env", impact="redeploy"
        )
        if changes:
            self._services.append(
                UpdateService(
                    id=address,
                    address=address,
                    depends_on=unknown,
                    impact=strongest([c.impact for c in changes]),
                    changes=changes,
                    name=name,
                    service_id=live_svc.id,
                )
            )
            deps.append(address)
        env_changes = diff_env(live_svc.env, env, self.key, prefix="env", impact="redeploy")
        if env_changes:
            env_id = f"{address}.env"
            self._env.append(
                SetEnv(
                    id=env_id,
                    address=address,
                    # After the update: both write the service row.
                    depends_on=sorted({*unknown, *([address] if changes else [])}),
                    impact="redeploy",
                    changes=env_changes,
                    name=name,
                    service_id=live_svc.id,
                    keys=sorted(env),
                )
            )
            deps.append(env_id)
        if live_svc.type != svc.type:
            self._manual.append(
                Manual(
                    id=f"manual.{address}.type",
                    address=address,
                    impact="manual",
                    changes=[
                        FieldChange(
                            path="type", before=live_svc.type, after=svc.type, impact="manual"
                        )
                    ],
                    reason="the gateway cannot change a service type; recreate the service "
                    "in the dashboard",
                )
            )
        deps += self._plan_volumes(name, svc, live_svc, [a for a in deps if a not in uses])
        rebuild = any(c.impact == "redeploy" for c in changes)
        reason = self._deploy_reason(name, svc, live_svc, bool(env_changes), rebuild)
        if reason is not None:
            self._deploy(name, svc, live_svc.id, reason, deps)
        self._rename(name, svc, live_svc)

    def _plan_volumes(
        self, name: str, svc: DesiredService, live_svc: LiveService | None, after: list[str]
    ) -> list[str]:
        actions, manual = plan_volumes(
            name,
            svc,
            live_svc,
            after,
            allow_detach=self.allow_detach_volumes,
            read_at=self.live.read_at,
        )
        self._volumes += actions
        self._manual += manual
        return [a.id for a in actions]

    def _deploy_reason(
        self,
        name: str,
        svc: DesiredService,
        live_svc: LiveService,
        env_changed: bool,
        rebuild: bool,
    ) -> DeployReason | None:
        want = (self.desired.source.digest, config_digest(svc))
        running, latest = live_svc.running_deployment, live_svc.latest_deployment
        newest_differs = latest is not None and (running is None or latest.id != running.id)
        if latest is not None and newest_differs and latest.identity == want:
            if latest.status in _IN_PROGRESS and not (env_changed or rebuild):
                self.warnings.append(
                    f"service {name}: deployment {latest.id} of the planned source and config "
                    "is still in progress; not deploying again"
                )
                return None
            if latest.status == "failed":
                return "previous deployment failed"
        if running is None:
            return "previous deployment failed" if latest is not None else "not deployed yet"
        source, config = running.identity
        if source is None and config is None:
            return "deployed outside odiac"
        if want[0] is not None and source != want[0]:
            return ROLLBACK if running.is_rollback else "source changed"
        if env_changed:
            return "env changed"
        if rebuild or config != want[1]:
            return "config changed"
        return None

    def _deploy(
        self,
        name: str,
        svc: DesiredService,
        service_id: str | None,
        reason: DeployReason,
        deps: list[str],
    ) -> None:
        self.deploys[name] = Deploy(
            id=f"service.{name}.deploy",
            address=f"service.{name}",
            depends_on=sorted(set(deps)),
            impact="redeploy",
            name=name,
            service_id=service_id,
            reason=reason,
            uses=sorted(set(svc.uses)),
        )

    def _rename(self, name: str, svc: DesiredService, live_svc: LiveService | None) -> None:
        if svc.subdomain is None:
            return
        domain = live_svc.auto_domain if live_svc else None
        if domain is not None and domain.label == svc.subdomain:
            return
        self._renames.append(
            RenameSubdomain(
                id=f"service.{name}.subdomain",
                address=f"service.{name}",
                impact="in place",
                changes=[
                    FieldChange(
                        path="subdomain",
                        before=domain.label if domain else None,
                        before_absent=domain is None,
                        after=svc.subdomain,
                    )
                ],
                name=name,
                domain_id=domain.id if domain else None,
                label=svc.subdomain,
            )
        )

    # ------------------------------------------------------------------ whole plan

    def needs_source(self) -> bool:
        """Whether some deploy needs the desired source uploaded and bound first."""
        if not self.deploys:
            return False
        project = self.live.project
        if project is None or not project.source_bound:
            return True
        if self.desired.source.kind == "git":
            return False
        if any(d.reason == ROLLBACK for d in self.deploys.values()):
            # What is bound after a rollback is inferred, not read: bind it again to be sure.
            return True
        return project.bound_source_digest != self.desired.source.digest

    def finish(self, bind_id: str | None) -> list[Action]:
        """Deploys (after the bind, when there is one), then subdomain renames."""
        deploys: list[Action] = []
        for name in sorted(self.deploys):
            deploy = self.deploys[name]
            if bind_id is not None:
                deploy = deploy.model_copy(
                    update={"depends_on": sorted({*deploy.depends_on, bind_id})}
                )
            self.deploys[name] = deploy
            deploys.append(deploy)
        renames: list[Action] = []
        for rename in self._renames:
            planned = self.deploys.get(rename.name)
            after = [planned.id] if planned else []
            renames.append(rename.model_copy(update={"depends_on": after}))
        return [*deploys, *renames]

    def manual_actions(self) -> list[Action]:
        """What only the user can do: deletes, type and engine changes, failed dependencies."""
        manual = list(self._manual)
        if self.live.project is None:
            return manual
        for name in sorted(set(self.live.services) - set(self.desired.services)):
            manual.append(
                Manual(
                    id=f"manual.service.{name}.delete",
                    address=f"service.{name}",
                    impact="manual",
                    reason=f"live but not in opendeploy.toml; {_DELETE_HINT}",
                )
            )
        for name, dep in sorted(self.live.dependencies.items()):
            want = self.desired.dependencies.get(name)
            address = f"dependency.{name}"
            engine = _ENGINE_ALIASES.get(dep.engine, dep.engine)
            if want is None:
                reason = f"live but not in opendeploy.toml; {_DELETE_HINT}"
                manual.append(
                    Manual(
                        id=f"manual.{address}.delete",
                        address=address,
                        impact="manual",
                        reason=reason,
                    )
                )
            elif want.engine != engine:
                manual.append(
                    Manual(
                        id=f"manual.{address}.engine",
                        address=address,
                        impact="manual",
                        changes=[
                            FieldChange(
                                path="engine", before=engine, after=want.engine, impact="manual"
                            )
                        ],
                        reason="the gateway cannot change a database engine; create a new "
                        "dependency under another name",
                    )
                )
            elif dep.status == "failed":
                manual.append(
                    Manual(
                        id=f"manual.{address}.failed",
                        address=address,
                        impact="manual",
                        reason="provisioning failed; delete it in the dashboard, then apply again",
                    )
                )
            else:
                drift = drift_action(name, want, dep, engine, self.key)
                if drift is not None:
                    manual.append(drift)
        return sorted(manual, key=lambda a: a.id)
