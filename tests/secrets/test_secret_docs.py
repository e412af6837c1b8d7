"""docs/secrets.md stays true: every built-in scheme is documented, the example plugin runs."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import httpx
import pytest

from odiac.errors import SecretError
from odiac.plugin import SecretContext
from odiac.plugin.manager import PluginManager, get_plugin_manager

DOC = Path(__file__).resolve().parents[2] / "docs" / "secrets.md"


def _code_after(marker: str) -> str:
    text = DOC.read_text()
    start = text.index(marker)
    match = re.compile(r"```python\n(.*?)```", re.S).search(text, start)
    assert match is not None
    return match.group(1)


def test_every_built_in_scheme_is_documented() -> None:
    text = DOC.read_text()
    schemes = [b.scheme for b in get_plugin_manager().secret_backends()]
    assert schemes
    for scheme in schemes:
        assert f"| `{scheme}` |" in text, scheme
        assert f"### `{scheme}:`" in text, scheme


@pytest.fixture
def vault_plugin(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("odiac_vault")
    exec(compile(_code_after("`odiac_vault.py`:"), "odiac_vault.py", "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, "odiac_vault", module)
    monkeypatch.setenv("VAULT_ADDR", "https://vault.example.test")
    monkeypatch.setenv("VAULT_TOKEN", "t0ken-for-tests")
    return module


def test_the_documented_plugin_resolves_through_the_manager(
    vault_plugin: types.ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[str] = []

    def fake_get(url: str, **kwargs: object) -> httpx.Response:
        seen.append(url)
        return httpx.Response(200, json={"data": {"data": {"stripe": "sk_test_123"}}})

    monkeypatch.setattr(httpx, "get", fake_get)
    pm = PluginManager()
    pm.register(vault_plugin, name="vault", distribution="odiac-vault")
    backend = pm.secret_backend("vault")
    assert backend.resolve("secret/shop#stripe", SecretContext(tmp_path)) == "sk_test_123"
    assert seen == ["https://vault.example.test/v1/secret/data/shop"]
    with pytest.raises(SecretError, match=r"vault:secret/shop#nope: no field 'nope'"):
        backend.resolve("secret/shop#nope", SecretContext(tmp_path))


def test_the_documented_plugin_test_file_passes(
    vault_plugin: types.ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    namespace: dict[str, object] = {}
    code = _code_after("`tests/test_vault.py`")
    exec(compile(code, "test_vault.py", "exec"), namespace)
    for name in ("test_reads_a_field", "test_missing_field_names_the_reference"):
        with monkeypatch.context() as patch:
            namespace[name](patch, tmp_path)  # type: ignore[operator]
