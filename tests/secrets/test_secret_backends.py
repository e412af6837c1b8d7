"""Every built-in backend, resolved through the ``odiac_secret_backends`` hook."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from odiac.errors import PluginError, SecretError
from odiac.redact import redact

PY = sys.executable
Resolve = Callable[[str], str]


def _no_warnings(resolve: Resolve, reference: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return resolve(reference)


# ----------------------------------------------------------------------------- scheme


def test_unknown_scheme_lists_the_known_ones(resolve: Resolve) -> None:
    with pytest.raises(PluginError) as info:
        resolve("vault:shop/stripe")
    message = str(info.value)
    assert "'vault'" in message
    for scheme in ("cmd", "dotenv", "env", "file", "keyring"):
        assert scheme in message


def test_a_resolved_value_is_registered_for_redaction(
    resolve: Resolve, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODIAC_T_REG", "CANARY-registered-7d1")
    assert resolve("env:ODIAC_T_REG") == "CANARY-registered-7d1"
    assert redact("x CANARY-registered-7d1 y") == "x [redacted] y"


# ----------------------------------------------------------------------------- env


def test_env_reads_the_variable(resolve: Resolve, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODIAC_T_ENV", "value with spaces\n")
    assert resolve("env:ODIAC_T_ENV") == "value with spaces\n"


def test_env_missing_variable_names_the_reference(
    resolve: Resolve, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ODIAC_T_MISSING", raising=False)
    with pytest.raises(SecretError, match=r"env:ODIAC_T_MISSING: .*not set"):
        resolve("env:ODIAC_T_MISSING")


# ----------------------------------------------------------------------------- file


def test_file_strips_one_trailing_newline(resolve: Resolve, project: Path) -> None:
    secret = project.parent / "stripe_key"
    secret.write_text("sk_live_abc\n\n")
    secret.chmod(0o600)
    assert _no_warnings(resolve, f"file:{secret}") == "sk_live_abc\n"


def test_file_path_is_relative_to_the_config_folder(resolve: Resolve, project: Path) -> None:
    (project / "keys").mkdir()
    (project / "keys" / "api.key").write_text("k-123\r\n")
    (project / "keys" / "api.key").chmod(0o600)
    assert _no_warnings(resolve, "file:keys/api.key") == "k-123"


def test_file_looser_than_0600_is_warned_about(resolve: Resolve, project: Path) -> None:
    secret = project.parent / "open_key"
    secret.write_text("CANARY-mode-0644\n")
    secret.chmod(0o644)
    with pytest.warns(UserWarning, match=r"mode 0644, looser than 0600") as caught:
        assert resolve(f"file:{secret}") == "CANARY-mode-0644"
    assert all("CANARY" not in str(w.message) for w in caught)


def test_file_in_the_project_under_an_uploadable_name_is_warned_about(
    resolve: Resolve, project: Path
) -> None:
    (project / "stripe.txt").write_text("v")
    (project / "stripe.txt").chmod(0o600)
    with pytest.warns(UserWarning, match=r"may be uploaded with the source"):
        resolve("file:stripe.txt")


def test_file_missing(resolve: Resolve) -> None:
    with pytest.raises(SecretError, match=r"file:nope/key: no such file"):
        resolve("file:nope/key")


def test_file_unreadable(resolve: Resolve, project: Path) -> None:
    # A file used as a folder cannot be read whoever runs the test (even root).
    (project / "plain").write_text("x")
    with pytest.raises(SecretError, match=r"file:plain/key: cannot read .*Not a directory"):
        resolve("file:plain/key")


def test_file_that_is_a_directory(resolve: Resolve, project: Path) -> None:
    with pytest.raises(SecretError, match=r"is a directory"):
        resolve(f"file:{project}")


# ----------------------------------------------------------------------------- dotenv


def test_dotenv_reads_a_key(resolve: Resolve, project: Path) -> None:
    (project / ".env.production").write_text(
        '# comment\nexport STRIPE_KEY="sk_\\"quoted\\"\\nline2"  # trailing\nOTHER=plain\n'
    )
    assert _no_warnings(resolve, "dotenv:.env.production#STRIPE_KEY") == 'sk_"quoted"\nline2'
    assert resolve("dotenv:.env.production#OTHER") == "plain"


def test_dotenv_missing_key_lists_key_names_not_values(resolve: Resolve, project: Path) -> None:
    (project / ".env").write_text("A=CANARY-dotenv-a\nB=CANARY-dotenv-b\n")
    with pytest.raises(SecretError) as info:
        resolve("dotenv:.env#C")
    message = str(info.value)
    assert "dotenv:.env#C" in message
    assert "has no key C (keys: A, B)" in message
    assert "CANARY" not in message


def test_dotenv_malformed_names_the_line_not_the_text(resolve: Resolve, project: Path) -> None:
    (project / ".env").write_text('A=1\nB="CANARY-unclosed\nC=3\n')
    with pytest.raises(SecretError) as info:
        resolve("dotenv:.env#A")
    assert "line 2" in str(info.value)
    assert "never closed" in str(info.value)
    assert "CANARY" not in str(info.value)


def test_dotenv_missing_file(resolve: Resolve) -> None:
    with pytest.raises(SecretError, match=r"dotenv:\.env\.prod#K: no such file"):
        resolve("dotenv:.env.prod#K")


def test_dotenv_reference_needs_a_key(resolve: Resolve) -> None:
    with pytest.raises(SecretError, match=r"expected dotenv:path/to/.env#KEY"):
        resolve("dotenv:.env")


def test_dotenv_under_an_uploadable_name_is_warned_about(resolve: Resolve, project: Path) -> None:
    (project / "prod.vars").write_text("K=v\n")
    with pytest.warns(UserWarning, match=r"prod\.vars is inside the project folder"):
        resolve("dotenv:prod.vars#K")


# ----------------------------------------------------------------------------- cmd


def test_cmd_output_less_one_newline_is_the_value(resolve: Resolve) -> None:
    code = "import sys; sys.stdout.write('pw with space\\n\\n')"
    assert resolve(f'cmd:{PY} -c "{code}"') == "pw with space\n"


def test_cmd_runs_without_a_shell(resolve: Resolve) -> None:
    # With a shell, $HOME would expand and ';' would start a second command.
    assert resolve("cmd:echo $HOME; true") == "$HOME; true"


def _script(project: Path, code: str) -> str:
    (project / "tool.py").write_text(code)
    return f"cmd:{PY} tool.py"


def test_cmd_non_zero_exit_names_the_reference_and_status(resolve: Resolve, project: Path) -> None:
    code = "import sys; print('CANARY-out'); sys.stderr.write('vault: locked\\n'); sys.exit(3)"
    reference = _script(project, code)
    with pytest.raises(SecretError) as info:
        resolve(reference)
    assert reference in str(info.value)
    message = str(info.value)
    assert "exited with status 3 (vault: locked)" in message
    assert "CANARY" not in message


def test_cmd_stderr_is_redacted_and_cut(
    resolve: Resolve, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODIAC_T_KNOWN", "CANARY-known-secret")
    resolve("env:ODIAC_T_KNOWN")  # registered now
    code = "import sys; sys.stderr.write('bad CANARY-known-secret ' + 'x' * 500 + '\\nCANARY-2nd'); sys.exit(1)"
    with pytest.raises(SecretError) as info:
        resolve(_script(project, code))
    message = str(info.value)
    assert "bad [redacted]" in message
    assert "CANARY" not in message
    assert len(message) < 400


def test_cmd_timeout(resolve: Resolve, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODIAC_SECRET_CMD_TIMEOUT", "0.5")
    with pytest.raises(SecretError, match=r"did not finish within 0.5 s") as info:
        resolve(f'cmd:{PY} -c "import time; time.sleep(30)"')
    assert info.value.hint is not None
    assert "ODIAC_SECRET_CMD_TIMEOUT" in info.value.hint


def test_cmd_not_found(resolve: Resolve) -> None:
    with pytest.raises(SecretError, match=r"command not found: odiac-no-such-tool"):
        resolve("cmd:odiac-no-such-tool show x")


def test_cmd_unbalanced_quotes(resolve: Resolve) -> None:
    with pytest.raises(SecretError, match=r"cannot split the command"):
        resolve("cmd:pass show 'shop")


# ----------------------------------------------------------------------------- keyring


def test_keyring_without_the_package_says_how_to_install(
    resolve: Resolve, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # makes `import keyring` fail
    with pytest.raises(SecretError) as info:
        resolve("keyring:shop/stripe")
    assert "keyring:shop/stripe: the keyring package is not installed" in str(info.value)
    assert info.value.hint is not None
    assert "pip install keyring" in info.value.hint


def test_keyring_reads_service_and_name(resolve: Resolve, monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    fake = types.ModuleType("keyring")
    store = {("shop/payments", "stripe"): "CANARY-keyring"}
    fake.get_password = lambda service, name: store.get((service, name))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    assert resolve("keyring:shop/payments/stripe") == "CANARY-keyring"
    with pytest.raises(SecretError, match=r"no keychain entry for service 'shop', name 'x'"):
        resolve("keyring:shop/x")


def test_keyring_reference_shape(resolve: Resolve) -> None:
    with pytest.raises(SecretError, match=r"expected keyring:service/name"):
        resolve("keyring:stripe")
