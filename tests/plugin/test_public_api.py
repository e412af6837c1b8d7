"""The plugin-facing API other areas and third parties depend on."""

from __future__ import annotations

import inspect

import odiac.plugin
from odiac.plugin.manager import PluginManager, get_plugin_manager
from odiac.plugin.types import SecretContext


def test_package_exports() -> None:
    assert sorted(odiac.plugin.__all__) == [
        "Analyzer", "Policy", "PolicyFinding", "PolicySubject", "SecretBackend", "SecretContext", "hookimpl",
    ]  # fmt: skip


def test_manager_methods() -> None:
    for name in (
        "analyzers",
        "secret_backends",
        "policies",
        "secret_backend",
        "analyze",
        "check_policies",
        "listing",
        "register",
    ):
        assert callable(getattr(PluginManager, name)), name
    assert list(inspect.signature(PluginManager.secret_backend).parameters) == ["self", "scheme"]
    assert list(inspect.signature(PluginManager.analyze).parameters) == ["self", "root"]
    assert list(inspect.signature(PluginManager.check_policies).parameters) == ["self", "subject"]
    assert get_plugin_manager() is get_plugin_manager(), "cached"


def test_record_fields() -> None:
    assert list(inspect.signature(SecretContext).parameters) == ["workdir", "environment"]
    assert list(inspect.signature(odiac.plugin.PolicyFinding).parameters) == [
        "policy",
        "severity",
        "message",
        "key_path",
    ]
    assert list(inspect.signature(odiac.plugin.PolicySubject).parameters) == [
        "config",
        "environment",
        "root",
        "analysis",
    ]
