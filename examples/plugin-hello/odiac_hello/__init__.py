"""odiac-hello: a minimal third-party odiac plugin.

It contributes three records through odiac's collection hooks:

* an analyzer, ``gleam``, that recognises Gleam apps (``gleam.toml``) for
  ``odiac init`` (see :mod:`odiac_hello.gleam`);
* a secret backend for ``{ secret = "hello:NAME" }`` that resolves to
  ``"hello-NAME"`` (handy to try secret references without a real vault);
* a policy, ``hello-health-check``, that warns about every web service
  without a ``health_check_path``.

Install it next to odiac (``pip install -e examples/plugin-hello``) and
check ``odiac plugins``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac.errors import SecretError
from odiac.plugin import Analyzer, Policy, PolicyFinding, SecretBackend, hookimpl

from odiac_hello.gleam import detect_gleam

if TYPE_CHECKING:
    from collections.abc import Iterator

    from odiac.plugin import PolicySubject, SecretContext

__version__ = "0.1.0"

POLICY_NAME = "hello-health-check"


def resolve_hello(ref: str, ctx: SecretContext) -> str:
    """Resolve ``hello:NAME`` to ``"hello-NAME"``.

    Raises:
        SecretError: The reference has no name after the scheme.
    """
    if not ref:
        raise SecretError("secret reference hello: needs a name, e.g. hello:world")
    return f"hello-{ref}"


def check_health_paths(subject: PolicySubject) -> Iterator[PolicyFinding]:
    """Warn about web services that declare no ``health_check_path``.

    Without one the platform can only tell that the process started, not
    that it answers HTTP, so a broken deploy looks healthy.
    """
    for name, service in sorted(subject.config.services.items()):
        if service.type == "web" and not service.health_check_path:
            yield PolicyFinding(
                policy=POLICY_NAME,
                severity="warning",
                message=f"service {name} has no health_check_path; set one such as /healthz",
                key_path=("services", name, "health_check_path"),
            )


@hookimpl
def odiac_secret_backends() -> Iterator[SecretBackend]:
    """Provide the ``hello:`` secret scheme."""
    yield SecretBackend(
        scheme="hello",
        resolver=resolve_hello,
        description='Demo backend: hello:NAME resolves to "hello-NAME".',
    )


@hookimpl
def odiac_policies() -> Iterator[Policy]:
    """Provide the health-check policy."""
    yield Policy(
        name=POLICY_NAME,
        check=check_health_paths,
        description="Warns when a web service has no health_check_path.",
    )


@hookimpl
def odiac_analyzers() -> Iterator[Analyzer]:
    """Provide the Gleam analyzer; odiac's built-in ecosystems run between 5 and 110."""
    yield Analyzer(
        name="gleam",
        priority=60,
        detect=detect_gleam,
        description="Gleam apps (gleam.toml), Wisp",
    )
