"""One run resolves each reference once, and backend warnings reach the plan."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from odiac.config.loader import load_config
from odiac.desired import RunSecrets, build_desired, secret_references
from odiac.errors import PluginError, SecretError
from odiac.plan.inputs import LiveState
from odiac.plan.planner import make_plan
from odiac.plugin import SecretBackend, SecretContext, hookimpl
from odiac.plugin.manager import PluginManager, get_plugin_manager

KEY = b"k" * 32


def _config(root: Path, body: str) -> Path:
    path = root / "opendeploy.toml"
    path.write_text(
        textwrap.dedent('version = 1\n[project]\nname = "shop"\n') + textwrap.dedent(body)
    )
    return path


def _desired(path: Path, plugins: PluginManager | None = None):  # type: ignore[no-untyped-def]
    loaded = load_config(path, "staging")
    return build_desired(
        loaded.config,
        config_path=loaded.path,
        config_digest=loaded.digest,
        environment="staging",
        source=None,
        live_dependencies={},
        plugins=plugins or get_plugin_manager(),
    )


def test_a_cmd_reference_used_twice_runs_once(tmp_path: Path) -> None:
    (tmp_path / "tool.py").write_text(
        "import pathlib\n"
        "p = pathlib.Path('runs.log'); p.write_text(p.read_text() + 'x' if p.exists() else 'x')\n"
        "print('CANARY-cmd-once')\n"
    )
    ref = f'{{ secret = "cmd:{sys.executable} tool.py" }}'
    path = _config(
        tmp_path,
        f"""
        [services.web]
        env = {{ API_SECRET = {ref} }}
        build_env = {{ API_SECRET = {ref} }}
        [services.worker]
        type = "worker"
        env = {{ API_SECRET = {ref} }}
        """,
    )
    desired = _desired(path)
    assert (tmp_path / "runs.log").read_text() == "x"
    for svc in desired.services.values():
        assert svc.env["API_SECRET"].value.get_secret_value() == "CANARY-cmd-once"  # type: ignore[union-attr]


def test_a_failure_is_cached_and_names_the_key_path(tmp_path: Path) -> None:
    calls: list[str] = []

    def broken(ref: str, ctx: SecretContext) -> str:
        calls.append(ref)
        raise SecretError(f"secret reference flaky:{ref}: vault sealed")

    plugins = PluginManager()
    plugins.register(_Plugin(SecretBackend("flaky", broken)), name="t", distribution="t")
    secrets = RunSecrets(plugins, SecretContext(tmp_path))
    from odiac.config.model import SecretRef

    ref = SecretRef(secret="flaky:db")
    for _ in range(2):
        with pytest.raises(SecretError, match="vault sealed"):
            secrets.resolve(ref)
    assert calls == ["db"]
    path = _config(tmp_path, '[services.web.env]\nA_SECRET = { secret = "flaky:db" }\n')
    with pytest.raises(SecretError, match=r"services\.web\.env\.A_SECRET: .*vault sealed"):
        _desired(path, plugins)


def test_unknown_scheme_names_the_key_and_the_known_schemes(tmp_path: Path) -> None:
    path = _config(tmp_path, '[services.web.env]\nK = { secret = "vault:kv/k" }\n')
    with pytest.raises(SecretError) as info:
        _desired(path)
    assert "services.web.env.K: secret reference vault:kv/k" in str(info.value)
    assert "known schemes: cmd, dotenv, env, file, keyring" in str(info.value)


def test_a_crashing_backend_shows_the_type_not_the_message(tmp_path: Path) -> None:
    def crash(ref: str, ctx: SecretContext) -> str:
        raise RuntimeError("CANARY-crash-value")

    plugins = PluginManager()
    plugins.register(_Plugin(SecretBackend("boom", crash)), name="t", distribution="t")
    from odiac.config.model import SecretRef

    with pytest.raises(PluginError) as info:
        RunSecrets(plugins, SecretContext(tmp_path)).resolve(SecretRef(secret="boom:x"))
    assert "boom: backend crashed (RuntimeError)" in str(info.value)
    assert "CANARY" not in str(info.value)


def test_backend_warnings_become_plan_warnings_without_the_value(tmp_path: Path) -> None:
    key = tmp_path.parent / f"{tmp_path.name}-key"
    key.write_text("CANARY-warned-file\n")
    key.chmod(0o644)
    path = _config(tmp_path, f'[services.web.env]\nAPI_KEY = {{ secret = "file:{key}" }}\n')
    desired = _desired(path)
    plan = make_plan(desired, LiveState(), hmac_key=KEY)
    assert any("mode 0644, looser than 0600" in w for w in plan.warnings)
    assert "CANARY" not in plan.model_dump_json()


def test_secret_references_lists_every_place(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        """
        [source]
        git = "https://git.example.test/shop.git"
        token = { secret = "env:GIT_TOKEN" }
        [services.web.env]
        PLAIN = "x"
        A = { secret = "env:A" }
        [services.web.build_env]
        B = { secret = "file:b" }
        """,
    )
    refs = secret_references(load_config(path, "staging").config)
    assert [(r.where, r.ref.secret) for r in refs] == [
        ("source.token", "env:GIT_TOKEN"),
        ("services.web.env.A", "env:A"),
        ("services.web.build_env.B", "file:b"),
    ]


class _Plugin:
    """A plugin object contributing one backend (the hook is looked up by name)."""

    def __init__(self, backend: SecretBackend) -> None:
        self._backend = backend

    @hookimpl
    def odiac_secret_backends(self) -> list[SecretBackend]:
        return [self._backend]


def test_live_dependency_credentials_are_masked_but_not_ports(tmp_path: Path) -> None:
    from pydantic import SecretStr

    from odiac.plan.inputs import LiveDependency
    from odiac.redact import redact

    path = _config(
        tmp_path, '[dependencies.db]\ntype = "postgres"\n[services.web]\nuses = ["db"]\n'
    )
    loaded = load_config(path, "staging")
    env = {
        "POSTGRES_PASSWORD": "CANARY-dep-pw-1",
        "DATABASE_URL": "postgresql://app:CANARY-dep-pw-1@db.svc:5432/app",
        "POSTGRES_PORT": "5432",
    }
    live = {
        "db": LiveDependency(
            id="d1", engine="postgres", env_vars={k: SecretStr(v) for k, v in env.items()}
        )
    }
    build_desired(
        loaded.config,
        config_path=loaded.path,
        config_digest=loaded.digest,
        environment="staging",
        source=None,
        live_dependencies=live,
        plugins=get_plugin_manager(),
    )
    line = f"boot {env['DATABASE_URL']} pw={env['POSTGRES_PASSWORD']} port 5432"
    assert redact(line) == "boot [redacted] pw=[redacted] port 5432"


def test_literal_sensitive_values_are_masked(tmp_path: Path) -> None:
    from odiac.redact import redact

    path = _config(
        tmp_path, '[services.web.env]\nDB_PASSWORD = "CANARY-literal-9"\nLOG_LEVEL = "verbose"\n'
    )
    _desired(path)
    assert redact("pw CANARY-literal-9 level verbose") == "pw [redacted] level verbose"
