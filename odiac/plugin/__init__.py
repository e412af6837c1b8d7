"""odiac plugins: analyzers, secret backends and policies.

Quick start for plugin authors
------------------------------

1. Write a module that implements one or more hooks of
   :mod:`odiac.plugin.hookspecs`, each returning typed records::

       # my_odiac_vault/plugin.py
       from odiac.errors import SecretError
       from odiac.plugin import SecretBackend, hookimpl


       def _resolve(ref, ctx):
           value = my_vault_client().read(ref)
           if value is None:
               raise SecretError(f"secret reference vault:{ref}: not found")
           return value


       @hookimpl
       def odiac_secret_backends():
           yield SecretBackend(scheme="vault", resolver=_resolve)

2. Declare it in your distribution's ``pyproject.toml``::

       [project.entry-points.odiac]
       vault = "my_odiac_vault.plugin"

3. ``pip install`` it next to odiac and check ``odiac plugins``.

Rules odiac enforces:

* Records are ordered by ``(priority, name)``; registration order never matters.
* Two records of one kind with the same name stop the run, naming both
  distributions; so does a plugin that fails to import.
* ``ODIAC_DISABLE_PLUGINS=vault,other`` blocks plugins by entry-point or
  distribution name.
* Secret values must never appear in exceptions; backends raise
  :class:`odiac.errors.SecretError` naming the reference only.

Analyzers receive an :class:`odiac.analysis.AnalysisContext` (file index,
evidence ledger, review items) and an :class:`odiac.analysis.ServiceDraft` to
fill with ranked facts; :mod:`odiac.analysis` is their whole toolkit, and
:mod:`odiac.plugin.testing` runs them on small trees through this plugin
manager (``examples/plugin-hello`` has a complete analyzer with its tests).
"""

from __future__ import annotations

from odiac.plugin.hookspecs import hookimpl
from odiac.plugin.types import (
    Analyzer,
    Policy,
    PolicyFinding,
    PolicySubject,
    SecretBackend,
    SecretContext,
)

__all__ = [
    "Analyzer",
    "Policy",
    "PolicyFinding",
    "PolicySubject",
    "SecretBackend",
    "SecretContext",
    "hookimpl",
]
