"""The built-in env: secret backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from odiac import redact
from odiac.errors import SecretError
from odiac.plugin import SecretContext
from odiac.plugin.manager import get_plugin_manager


def test_resolves_and_registers_value_for_redaction(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ODIAC_TEST_STRIPE", "sk_live_value_123")
    backend = get_plugin_manager().secret_backend("env")
    assert backend.resolve("env:ODIAC_TEST_STRIPE", SecretContext(tmp_path)) == "sk_live_value_123"
    assert backend.resolve("ODIAC_TEST_STRIPE", SecretContext(tmp_path)) == "sk_live_value_123"
    assert redact.redact("key=sk_live_value_123") == f"key={redact.MASK}"


def test_missing_variable_names_reference_never_a_value(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ODIAC_TEST_MISSING", raising=False)
    backend = get_plugin_manager().secret_backend("env")
    with pytest.raises(SecretError) as info:
        backend.resolve("env:ODIAC_TEST_MISSING", SecretContext(tmp_path))
    assert str(info.value) == (
        "secret reference env:ODIAC_TEST_MISSING: environment variable ODIAC_TEST_MISSING is not set"
    )


def test_empty_reference_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SecretError, match="no variable name"):
        get_plugin_manager().secret_backend("env").resolve("env:", SecretContext(tmp_path))
