"""The typed plugin manager: ordering, clashes, failures, disabling."""

from __future__ import annotations

import textwrap
import types
from pathlib import Path

import pytest

from odiac.errors import PluginError
from odiac.plugin import Analyzer, Policy, PolicyFinding, hookimpl
from odiac.plugin.manager import PluginManager, clear_cache, get_plugin_manager


def _analyzer_plugin(*names_and_priorities: tuple[str, int]) -> object:
    module = types.SimpleNamespace()

    @hookimpl
    def odiac_analyzers():  # type: ignore[no-untyped-def]
        for name, priority in names_and_priorities:
            yield Analyzer(name=name, priority=priority)

    module.odiac_analyzers = odiac_analyzers
    return module


def test_order_is_priority_then_name_never_registration_order() -> None:
    orders = []
    for plugins in (("a", "b"), ("b", "a")):
        pm = PluginManager()
        for plugin in plugins:
            if plugin == "a":
                pm.register(
                    _analyzer_plugin(("zeta", 10), ("alpha", 50)), name="a", distribution="dist-a"
                )
            else:
                pm.register(
                    _analyzer_plugin(("beta", 10), ("gamma", 5)), name="b", distribution="dist-b"
                )
        orders.append([a.name for a in pm.analyzers()])
    assert orders[0] == orders[1] == ["gamma", "beta", "zeta", "alpha"]


def test_record_name_clash_names_both_distributions() -> None:
    pm = PluginManager()
    pm.register(_analyzer_plugin(("node", 10)), name="one", distribution="odiac-one")
    pm.register(_analyzer_plugin(("node", 20)), name="two", distribution="acme-two")
    with pytest.raises(PluginError) as info:
        pm.analyzers()
    assert "odiac-one" in str(info.value)
    assert "acme-two" in str(info.value)


def test_plugin_name_clash_names_both_distributions() -> None:
    pm = PluginManager()
    pm.register(_analyzer_plugin(("x", 1)), name="same", distribution="first-dist")
    with pytest.raises(PluginError, match=r"first-dist.*second-dist"):
        pm.register(_analyzer_plugin(("y", 1)), name="same", distribution="second-dist")


def test_wrong_record_type_is_rejected() -> None:
    module = types.SimpleNamespace()

    @hookimpl
    def odiac_analyzers():  # type: ignore[no-untyped-def]
        return ["not an analyzer"]

    module.odiac_analyzers = odiac_analyzers
    pm = PluginManager()
    pm.register(module, name="bad", distribution="bad-dist")
    with pytest.raises(PluginError, match="expected Analyzer"):
        pm.analyzers()


def test_disabled_plugin_is_blocked_by_register() -> None:
    pm = PluginManager(disabled=["blocked"])
    pm.register(_analyzer_plugin(("x", 1)), name="blocked", distribution="d")
    assert pm.analyzers() == []
    assert pm.is_blocked("blocked")


def test_odiac_disable_plugins_blocks_builtin_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_plugin_manager().secret_backend("env").scheme == "env"
    monkeypatch.setenv("ODIAC_DISABLE_PLUGINS", "secrets-env, other")
    pm = get_plugin_manager()
    assert "secrets-env" not in pm.plugin_names()
    with pytest.raises(PluginError, match="known schemes"):
        pm.secret_backend("env")


def test_unknown_scheme_lists_known_schemes() -> None:
    with pytest.raises(PluginError, match=r"'vault'.*known schemes: .*env"):
        get_plugin_manager().secret_backend("vault")


def test_plugin_that_fails_to_import_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "broken_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[odiac]\nbroken = broken_odiac_mod\n")
    (tmp_path / "broken_odiac_mod.py").write_text("raise RuntimeError('boom at import')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    clear_cache()
    try:
        with pytest.raises(PluginError) as info:
            PluginManager().load_entry_points()
        message = str(info.value)
        assert "'broken'" in message
        assert "broken-plugin" in message
        assert "boom at import" in message
        # Disabling it by name lets the run continue.
        pm = PluginManager(disabled=["broken"])
        pm.load_entry_points()
        assert "broken" not in pm.plugin_names()
    finally:
        clear_cache()


def test_policies_findings_errors_first_and_crash_is_plugin_error(tmp_path: Path) -> None:
    module = types.SimpleNamespace()

    def warn(subject):  # type: ignore[no-untyped-def]
        yield PolicyFinding(policy="a-warn", severity="warning", message="w")

    def err(subject):  # type: ignore[no-untyped-def]
        yield PolicyFinding(policy="z-err", severity="error", message="e")

    def crash(subject):  # type: ignore[no-untyped-def]
        raise ValueError("kaput")

    @hookimpl
    def odiac_policies():  # type: ignore[no-untyped-def]
        yield Policy(name="a-warn", check=warn)
        yield Policy(name="z-err", check=err)

    module.odiac_policies = odiac_policies
    pm = PluginManager()
    pm.register(module, name="p", distribution="d")
    findings = pm.check_policies(subject=None)  # type: ignore[arg-type]
    assert [f.severity for f in findings] == ["error", "warning"]

    crashing = types.SimpleNamespace()

    @hookimpl
    def crashing_policies():  # type: ignore[no-untyped-def]
        yield Policy(name="crash", check=crash)

    crashing.odiac_policies = crashing_policies
    pm2 = PluginManager()
    pm2.register(crashing, name="c", distribution="d")
    with pytest.raises(PluginError, match=r"policy 'crash' failed: ValueError: kaput"):
        pm2.check_policies(subject=None)  # type: ignore[arg-type]


def test_example_from_docs_registers(tmp_path: Path) -> None:
    source = textwrap.dedent(
        """
        from odiac.plugin import Analyzer, hookimpl

        @hookimpl
        def odiac_analyzers():
            yield Analyzer(name="docs-example", priority=1)
        """
    )
    module = types.ModuleType("docs_example")
    exec(source, module.__dict__)
    pm = PluginManager()
    pm.register(module, name="docs-example", distribution="docs")
    assert [a.name for a in pm.analyzers()] == ["docs-example"]
