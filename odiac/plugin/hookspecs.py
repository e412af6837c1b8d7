"""The odiac hook specifications: the whole contract between odiac and plugins.

Every hook is a *collection hook*: it takes no arguments and returns (or
yields) typed records from :mod:`odiac.plugin.types`. odiac orders the
collected records by ``(priority, name)`` and rejects two records of the same
kind and name, naming both distributions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import Iterable

    from odiac.plugin.types import Analyzer, Policy, SecretBackend

PROJECT_NAME = "odiac"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def odiac_analyzers() -> Iterable[Analyzer]:  # type: ignore[empty-body]
    """Register framework analyzers.

    Called once per run, when ``odiac init`` (or a plan that needs a source
    analysis) first asks for analyzers.

    Returns:
        An iterable of :class:`~odiac.plugin.types.Analyzer` records.

    Example:
        .. code-block:: python

            from odiac.analysis import Rank
            from odiac.plugin import Analyzer, hookimpl


            def detect(ctx, service):
                if not ctx.index.exists(service.join("gleam.toml")):
                    return False
                manifest = service.join("gleam.toml")
                service.set("language", "gleam", rank=Rank.MANIFEST, file=manifest)
                return True


            @hookimpl
            def odiac_analyzers():
                yield Analyzer(name="gleam", priority=60, detect=detect)
    """


@hookspec
def odiac_secret_backends() -> Iterable[SecretBackend]:  # type: ignore[empty-body]
    """Register secret backends for ``{ secret = "<scheme>:<ref>" }`` values.

    Called once per run, the first time a secret reference must be resolved
    or the backends are listed.

    Returns:
        An iterable of :class:`~odiac.plugin.types.SecretBackend` records.

    Example:
        .. code-block:: python

            from pathlib import Path

            from odiac.errors import SecretError
            from odiac.plugin import SecretBackend, hookimpl


            def read_file(ref, ctx):
                path = ctx.workdir / ref
                if not path.is_file():
                    raise SecretError(f"secret reference file:{ref}: no such file")
                return path.read_text().strip()


            @hookimpl
            def odiac_secret_backends():
                yield SecretBackend(scheme="file", resolver=read_file)
    """


@hookspec
def odiac_policies() -> Iterable[Policy]:  # type: ignore[empty-body]
    """Register policies checked by ``odiac plan`` and ``odiac apply``.

    Called once per run, before the plan is shown. A finding with severity
    ``"error"`` makes plan and apply refuse; ``"warning"`` is displayed only.

    Returns:
        An iterable of :class:`~odiac.plugin.types.Policy` records.

    Example:
        .. code-block:: python

            from odiac.plugin import Policy, PolicyFinding, hookimpl


            def max_three_in_staging(subject):
                if subject.environment != "staging":
                    return
                for name, service in subject.config.services.items():
                    if (service.replicas or 1) > 3:
                        yield PolicyFinding(
                            policy="staging-replicas",
                            severity="error",
                            message=f"service {name} asks for more than 3 replicas in staging",
                            key_path=("services", name, "replicas"),
                        )


            @hookimpl
            def odiac_policies():
                yield Policy(name="staging-replicas", check=max_three_in_staging)
    """
