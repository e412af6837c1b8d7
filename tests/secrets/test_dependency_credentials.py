"""Dependency credentials (contract §3.4.2) resolve like every other secret reference:
through the hook, once per run, registered for redaction, and never in a plan."""

from __future__ import annotations

import textwrap
import uuid
from pathlib import Path

import pytest

from odiac.config.loader import load_config
from odiac.desired import build_desired, secret_references
from odiac.errors import SecretError
from odiac.plan.inputs import DesiredState, LiveState
from odiac.plan.planfile import dumps
from odiac.plan.planner import make_plan
from odiac.plan.render_json import render_json
from odiac.plan.render_markdown import render_markdown
from odiac.plan.render_text import render_text
from odiac.plugin.manager import get_plugin_manager
from odiac.redact import redact

KEY = b"k" * 32


def _desired(root: Path, body: str) -> DesiredState:
    path = root / "opendeploy.toml"
    head = 'version = 1\n[project]\nname = "shop"\n[dependencies.db]\ntype = "postgres"\n'
    path.write_text(head + textwrap.dedent(body))
    loaded = load_config(path, "staging")
    return build_desired(
        loaded.config,
        config_path=loaded.path,
        config_digest=loaded.digest,
        environment="staging",
        source=None,
        live_dependencies={},
        plugins=get_plugin_manager(),
    )


@pytest.fixture
def canary() -> str:
    return f"CANARY-dep-{uuid.uuid4().hex[:12]}"


def test_referenced_password_is_resolved_sensitive_and_masked(
    project: Path, canary: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODIAC_TEST_DB_PW", canary)
    desired = _desired(
        project, 'password = { secret = "env:ODIAC_TEST_DB_PW" }\nusername = "shop_user"\n'
    )
    db = desired.dependencies["db"]
    assert db.password is not None
    assert db.password.value.get_secret_value() == canary
    assert db.password.sensitive
    assert db.username is not None
    assert (db.username.value.get_secret_value(), db.username.sensitive) == ("shop_user", False)
    assert db.database_name is None
    assert redact(f"pw={canary}") == "pw=[redacted]"
    assert canary not in desired.model_dump_json()
    assert canary not in repr(desired)


def test_literal_password_is_sensitive_and_masked_too(project: Path, canary: str) -> None:
    desired = _desired(project, f'password = "{canary}"\n')
    db = desired.dependencies["db"]
    assert db.password is not None
    assert db.password.sensitive
    assert canary not in redact(f"boot {canary}")


def test_referenced_username_and_database_name_are_sensitive(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODIAC_TEST_DB_USER", "CANARY-dep-user-1")
    monkeypatch.setenv("ODIAC_TEST_DB_NAME", "CANARY-dep-name-1")
    desired = _desired(
        project,
        'username = { secret = "env:ODIAC_TEST_DB_USER" }\n'
        'database_name = { secret = "env:ODIAC_TEST_DB_NAME" }\n',
    )
    db = desired.dependencies["db"]
    assert db.username is not None
    assert db.username.sensitive
    assert db.database_name is not None
    assert db.database_name.sensitive
    assert redact("CANARY-dep-user-1 CANARY-dep-name-1") == "[redacted] [redacted]"


def test_an_unresolvable_credential_names_its_key(project: Path) -> None:
    with pytest.raises(SecretError) as caught:
        _desired(project, 'password = { secret = "env:ODIAC_TEST_UNSET_PW" }\n')
    assert caught.value.message.startswith("dependencies.db.password: ")
    assert "ODIAC_TEST_UNSET_PW" in caught.value.message


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("CANARY1", "needs at least 8 characters"),
        ("CANARY-dep-has$dollar", "must not contain whitespace, quotes"),
        ("CANARY-dep has space", "must not contain whitespace, quotes"),
    ],
)
def test_a_resolved_password_the_gateway_would_refuse_fails_without_its_value(
    project: Path, monkeypatch: pytest.MonkeyPatch, value: str, problem: str
) -> None:
    """§3.4.2: the gateway answers 400; odiac says so at plan time, naming only the key."""
    monkeypatch.setenv("ODIAC_TEST_DB_PW", value)
    with pytest.raises(SecretError) as caught:
        _desired(project, 'password = { secret = "env:ODIAC_TEST_DB_PW" }\n')
    text = f"{caught.value.message} {caught.value.hint}"
    assert caught.value.message.startswith(
        "dependencies.db.password: the value of env:ODIAC_TEST_DB_PW is unusable: "
    )
    assert problem in text
    assert value not in text


def test_a_resolved_empty_username_fails(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODIAC_TEST_DB_USER", "")
    with pytest.raises(SecretError, match=r"dependencies\.db\.username: .* set but empty"):
        _desired(project, 'username = { secret = "env:ODIAC_TEST_DB_USER" }\n')


def test_plan_of_a_new_dependency_shows_credentials_but_no_secret(
    project: Path, canary: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODIAC_TEST_DB_PW", canary)
    desired = _desired(
        project, 'password = { secret = "env:ODIAC_TEST_DB_PW" }\nusername = "shop_user"\n'
    )
    plan = make_plan(desired, LiveState(), hmac_key=KEY)
    text = render_text(plan)
    assert "      password = (sensitive value)\n" in text
    assert '      username = "shop_user"\n' in text
    assert plan.value_digests["dependencies.db.password"].startswith("hmac-sha256:")
    assert plan.value_digests["dependencies.db.username"].startswith("hmac-sha256:")
    for output in (text, render_json(plan), render_markdown(plan), dumps(plan)):
        assert canary not in output


def test_secret_references_list_dependency_credentials(project: Path) -> None:
    path = project / "opendeploy.toml"
    path.write_text(
        'version = 1\n[project]\nname = "shop"\n'
        '[dependencies.db]\ntype = "postgres"\nusername = "literal_user"\n'
        'password = { secret = "env:DB_PW" }\ndatabase_name = { secret = "file:db-name" }\n'
        '[dependencies.cache]\ntype = "redis"\npassword = { secret = "cmd:pass show redis" }\n'
        '[services.web.env]\nA = { secret = "env:A" }\n'
    )
    refs = secret_references(load_config(path, "staging").config)
    assert [(r.where, r.ref.secret) for r in refs] == [
        ("dependencies.cache.password", "cmd:pass show redis"),
        ("dependencies.db.password", "env:DB_PW"),
        ("dependencies.db.database_name", "file:db-name"),
        ("services.web.env.A", "env:A"),
    ]
