"""Built-in policies (refusal checklist, hints) and a user policy through the hook."""

from __future__ import annotations

import json
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

from odiac.config.loader import load_config
from odiac.config.model import Config
from odiac.plugin import Policy, PolicyFinding, PolicySubject, hookimpl
from odiac.plugin.manager import PluginManager, get_plugin_manager


def _config(root: Path, services: str, extra: str = "") -> Config:
    path = root / "opendeploy.toml"
    path.write_text(textwrap.dedent(f'version = 1\n[project]\nname = "p"\n{extra}\n{services}'))
    return load_config(path).config


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _findings(root: Path, config: Config, env: str = "staging") -> list[PolicyFinding]:
    return get_plugin_manager().check_policies(
        PolicySubject(config=config, environment=env, root=root)
    )


def test_mining_source_makes_plan_refuse(tmp_path: Path) -> None:
    """§11 / contract §7.1 item 2: one-sentence reason naming the file."""
    _write(tmp_path, {"run.sh": "exec ./xmrig -o stratum+tcp://pool:3333"})
    config = _config(tmp_path, '[services.web]\nport = 8080\nstart_command = "sh run.sh"\n')
    errors = [f for f in _findings(tmp_path, config) if f.severity == "error"]
    assert len(errors) == 1
    assert errors[0].policy == "refusal-checklist"
    assert "run.sh" in errors[0].message
    assert "stratum" not in errors[0].message


def test_web_service_without_any_port_is_refused(tmp_path: Path) -> None:
    """§11: no HTTP port for a web service after analysis."""
    _write(
        tmp_path,
        {
            "package.json": json.dumps({"scripts": {"start": "node a.js"}}),
            "a.js": "module.exports = 1",
        },
    )
    config = _config(tmp_path, "[services.web]\n")
    messages = [f.message for f in _findings(tmp_path, config) if f.severity == "error"]
    assert messages == [
        "Refusing to deploy: web service web has no HTTP port (set port in opendeploy.toml)."
    ]


def test_worker_without_port_is_never_refused(tmp_path: Path) -> None:
    """§11: a worker without a port is never refused for that."""
    _write(tmp_path, {"requirements.txt": "celery\n", "Procfile": "worker: celery -A app worker\n"})
    config = _config(
        tmp_path, '[services.worker]\ntype = "worker"\nstart_command = "celery -A app worker"\n'
    )
    assert [f for f in _findings(tmp_path, config) if f.severity == "error"] == []


def test_hints_are_warnings(tmp_path: Path) -> None:
    """§7.4 / item 5: Django without migrations, DATABASE_URL without a dependency, late-bound URL unset."""
    _write(tmp_path, {
        "manage.py": "execute_from_command_line()\n", "requirements.txt": "django\ngunicorn\n",
        "web/settings.py": 'WSGI_APPLICATION = "web.wsgi.application"\nimport os\nos.environ["DATABASE_URL"]\nos.getenv("APP_URL")\n',
        "web/wsgi.py": "",
    })  # fmt: skip
    config = _config(
        tmp_path, '[services.web]\nport = 8000\nstart_command = "gunicorn web.wsgi:application"\n'
    )
    findings = _findings(tmp_path, config)
    assert {f.severity for f in findings} == {"warning"}
    text = " | ".join(f.message for f in findings)
    assert "no migration step" in text
    assert "reads DATABASE_URL but uses no dependency" in text
    assert "APP_URL" in text


def test_user_policy_replicas_in_staging(tmp_path: Path) -> None:
    """Users add policies through odiac_policies, e.g. replicas <= 3 in staging."""

    def staging_replicas(subject: PolicySubject) -> Iterator[PolicyFinding]:
        if subject.environment != "staging":
            return
        for name, svc in subject.config.services.items():
            if (svc.replicas or 1) > 3:
                yield PolicyFinding(
                    "staging-replicas",
                    "error",
                    f"{name}: at most 3 replicas in staging",
                    ("services", name, "replicas"),
                )

    module = types.SimpleNamespace()

    @hookimpl
    def odiac_policies() -> Iterator[Policy]:
        yield Policy(name="staging-replicas", check=staging_replicas)

    module.odiac_policies = odiac_policies
    pm = PluginManager()
    pm.register(module, name="acme-policies", distribution="acme")
    config = _config(tmp_path, "[services.web]\nport = 80\nreplicas = 5\n")
    staging = pm.check_policies(PolicySubject(config=config, environment="staging", root=tmp_path))
    assert [(f.policy, f.key_path) for f in staging] == [
        ("staging-replicas", ("services", "web", "replicas"))
    ]
    assert (
        pm.check_policies(PolicySubject(config=config, environment="production", root=tmp_path))
        == []
    )
