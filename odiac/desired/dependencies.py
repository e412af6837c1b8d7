"""Dependencies of the desired state, with their credentials resolved (gateway-api 3.4.2).

``[dependencies.<name>]`` may set ``username``, ``password`` and ``database_name``,
each a literal or a ``{ secret = "scheme:ref" }``. References resolve through the
run's resolver; the password is sensitive even when written literally (it is a
generated credential otherwise) and is registered with :mod:`odiac.redact`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac.config.model import SecretRef
from odiac.config.rules import credential_problem, dependency_password_problem
from odiac.errors import SecretError
from odiac.plan.credentials import CREDENTIAL_FIELDS
from odiac.plan.inputs import DesiredDependency, LiteralValue
from odiac.redact import register

if TYPE_CHECKING:
    from odiac.config.model import Config, DependencySection
    from odiac.desired.env import SecretResolver

__all__ = ["CREDENTIAL_FIELDS", "desired_dependencies"]


def desired_dependencies(
    config: Config, resolve: SecretResolver | None = None
) -> dict[str, DesiredDependency]:
    """The file's dependencies as planner inputs.

    Args:
        config: The configuration with the overlay merged.
        resolve: Resolves secret references; None leaves every credential out (enough
            to name live dependencies before a refresh).

    Raises:
        SecretError: A credential reference cannot be resolved, or its value breaks
            the gateway's rule (the message names the key, never the value).
    """
    return {
        name: DesiredDependency(
            engine=dep.type,
            display_name=dep.display_name,
            **(_credentials(name, dep, resolve) if resolve is not None else {}),
        )
        for name, dep in sorted(config.dependencies.items())
    }


def _credentials(
    name: str, dep: DependencySection, resolve: SecretResolver
) -> dict[str, LiteralValue]:
    out: dict[str, LiteralValue] = {}
    for field in CREDENTIAL_FIELDS:
        raw = getattr(dep, field)
        if raw is None:
            continue
        where = f"dependencies.{name}.{field}"
        if not isinstance(raw, SecretRef):
            if field == "password":
                register(raw)  # literal, but a credential: never shown either
            out[field] = LiteralValue.of(raw, sensitive=field == "password")
            continue
        try:
            value = resolve(raw)
        except SecretError as exc:
            raise SecretError(f"{where}: {exc.message}", hint=exc.hint) from exc
        register(value)
        check = dependency_password_problem if field == "password" else credential_problem
        problem = check(value)
        if problem is not None:
            raise SecretError(
                f"{where}: the value of {raw.secret} is unusable: {problem}",
                hint="The gateway refuses such a password; fix the value in its backend.",
            )
        out[field] = LiteralValue.of(value, sensitive=True)
    return out
