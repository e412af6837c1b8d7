"""Dependency credentials in the plan (contract §3.4.2): set at creation, never updated.

A new dependency shows them (the password as ``(sensitive value)``); a live one whose
connection env differs gets a ``manual`` action; a saved plan is refused when one
changed since planning. No value ever reaches the plan, its renderings or its file.
"""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from odiac.plan.credentials import CHANGE_REASON
from odiac.plan.inputs import DesiredDependency, DesiredState, LiteralValue, LiveState
from odiac.plan.model import Manual, Plan
from odiac.plan.planfile import check_stale, dumps
from odiac.plan.planner import make_plan
from odiac.plan.render_json import plan_document, render_json
from odiac.plan.render_markdown import render_markdown
from odiac.plan.render_text import render_text
from plan import scenarios as sc

PASSWORD = "canary-dep-pw-7d1e0b"
OTHER_PASSWORD = "canary-dep-pw-rotated-51aa"


def _base() -> DesiredState:
    """The reference app without services: only the dependency is under test."""
    return sc.desired_state(services={})


def _with_db(desired: DesiredState, **credentials: LiteralValue) -> DesiredState:
    engine = credentials.pop("engine", None)
    dep = DesiredDependency(engine=engine or "postgres", **credentials)  # type: ignore[arg-type]
    return desired.model_copy(update={"dependencies": {"db": dep}})


def _creds(password: str = PASSWORD, username: str = "shop_user") -> dict[str, LiteralValue]:
    return {
        "username": LiteralValue.of(username),
        "password": LiteralValue.of(password, sensitive=True),
        "database_name": LiteralValue.of("shop"),
    }


def _live_db(live: LiveState, env: dict[str, str], engine: str = "postgres") -> LiveState:
    dep = live.dependencies["db"].model_copy(
        update={"engine": engine, "env_vars": {k: SecretStr(v) for k, v in env.items()}}
    )
    return live.model_copy(update={"dependencies": {"db": dep}})


def _outputs(plan: Plan) -> list[str]:
    return [render_text(plan), render_json(plan), render_markdown(plan), dumps(plan)]


def _matching_env(password: str = PASSWORD, username: str = "shop_user") -> dict[str, str]:
    url = f"postgresql://{username}:{password}@db.ns.svc.cluster.local:5432/shop"
    return {
        "DATABASE_URL": url,
        "POSTGRES_USER": username,
        "POSTGRES_PASSWORD": password,
        "POSTGRES_DB": "shop",
    }


def _manual(plan: Plan) -> list[Manual]:
    return [a for a in plan.actions if isinstance(a, Manual)]


def test_fresh_create_shows_credentials_with_the_password_hidden() -> None:
    desired = _with_db(_base(), **_creds())
    plan = make_plan(desired, LiveState(), hmac_key=sc.HMAC_KEY)
    create = plan.action("dependency.db")
    assert [c.path for c in create.changes] == ["database_name", "engine", "password", "username"]
    assert (
        "  + dependency db: postgres\n"
        '      database_name = "shop"\n'
        "      password      = (sensitive value)\n"
        '      username      = "shop_user"\n'
    ) in render_text(plan)
    password = next(c for c in create.changes if c.path == "password")
    assert password.after is None
    assert password.after_sensitive
    assert password.after_digest == plan.value_digests["dependencies.db.password"]
    for output in _outputs(plan):
        assert PASSWORD not in output


def test_fresh_create_without_credentials_renders_as_before() -> None:
    plan = make_plan(sc.desired_state(), LiveState(), hmac_key=sc.HMAC_KEY)
    assert "  + dependency db: postgres\n  + service web\n" in render_text(plan)
    assert not any(k.startswith("dependencies.") for k in plan.value_digests)


def test_json_marks_the_password_sensitive_with_its_digest() -> None:
    desired = _with_db(_base(), **_creds())
    plan = make_plan(desired, LiveState(), hmac_key=sc.HMAC_KEY)
    doc = plan_document(plan)
    change = next(r for r in doc["resource_changes"] if r["id"] == "dependency.db")["change"]
    assert change["after"]["username"] == "shop_user"
    assert change["after"]["password"] is None
    assert change["after_sensitive"] == {"password": True}
    assert change["digests"]["password"]["after"].startswith("hmac-sha256:")


def test_live_dependency_with_the_same_credentials_plans_nothing() -> None:
    desired = _with_db(_base(), **_creds())
    live = _live_db(sc.live_matching(_base()), _matching_env())
    assert make_plan(desired, live, hmac_key=sc.HMAC_KEY).actions == []


def test_a_changed_password_is_manual_and_never_shown() -> None:
    """The gateway cannot change an existing dependency's credentials: manual, not update."""
    desired = _with_db(_base(), **_creds(password=OTHER_PASSWORD))
    live = _live_db(sc.live_matching(_base()), _matching_env())
    plan = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    (manual,) = _manual(plan)
    assert [a.kind for a in plan.actions] == ["manual"]
    assert manual.id == "manual.dependency.db.credentials"
    assert manual.reason == CHANGE_REASON
    (change,) = manual.changes
    assert change.path == "password"
    assert (change.before, change.after) == (None, None)
    assert change.before_sensitive
    assert change.after_sensitive
    assert change.before_digest != change.after_digest
    text = render_text(plan)
    assert "  ! dependency db: the gateway cannot change the credentials" in text
    assert "      password: (sensitive value) -> (sensitive value changed)\n" in text
    for output in _outputs(plan):
        assert PASSWORD not in output
        assert OTHER_PASSWORD not in output


def test_a_changed_literal_username_shows_both_sides() -> None:
    desired = _with_db(_base(), **_creds(username="new_user"))
    live = _live_db(sc.live_matching(_base()), _matching_env())
    (manual,) = _manual(make_plan(desired, live, hmac_key=sc.HMAC_KEY))
    (change,) = manual.changes
    assert (change.path, change.before, change.after) == ("username", "shop_user", "new_user")
    assert change.impact == "manual"


def test_a_referenced_username_is_hidden_on_both_sides() -> None:
    creds = _creds()
    creds["username"] = LiteralValue.of("vault_user", sensitive=True)
    desired = _with_db(_base(), **creds)
    live = _live_db(sc.live_matching(_base()), _matching_env())
    plan = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    (change,) = _manual(plan)[0].changes
    assert (change.path, change.before, change.after) == ("username", None, None)
    for output in _outputs(plan):
        assert "vault_user" not in output
        assert '"shop_user"' not in output


@pytest.mark.parametrize(
    ("engine", "env"),
    [
        ("mysql", {"MYSQL_USER": "u", "MYSQL_PASSWORD": PASSWORD, "MYSQL_DATABASE": "d"}),
        ("mongodb", {"MONGO_USER": "u", "MONGO_PASSWORD": PASSWORD, "MONGO_DATABASE": "d"}),
        (
            "clickhouse",
            {"CLICKHOUSE_USER": "u", "CLICKHOUSE_PASSWORD": PASSWORD, "CLICKHOUSE_DB": "d"},
        ),
    ],
)
def test_each_engine_compares_its_own_connection_keys(engine: str, env: dict[str, str]) -> None:
    creds = _creds(username="u")
    creds["database_name"] = LiteralValue.of("d")
    desired = _with_db(_base(), engine=engine, **creds)  # type: ignore[arg-type]
    live = _live_db(sc.live_matching(_base()), env, engine=engine)
    same = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    assert _manual(same) == []
    rotated = {k: (OTHER_PASSWORD if v == PASSWORD else v) for k, v in env.items()}
    live = _live_db(live, rotated, engine=engine)
    (manual,) = _manual(make_plan(desired, live, hmac_key=sc.HMAC_KEY))
    assert [c.path for c in manual.changes] == ["password"]


def test_redis_compares_only_its_password() -> None:
    creds = _creds()
    desired = _with_db(_base(), engine="redis", **creds)  # type: ignore[arg-type]
    env = {"REDIS_URL": "redis://:x@h:6379/0", "REDIS_PASSWORD": PASSWORD}
    live = _live_db(sc.live_matching(_base()), env, engine="redis")
    assert _manual(make_plan(desired, live, hmac_key=sc.HMAC_KEY)) == []


def test_a_live_dependency_without_connection_env_is_not_compared() -> None:
    desired = _with_db(_base(), **_creds())
    live = _live_db(sc.live_matching(_base()), {})
    assert _manual(make_plan(desired, live, hmac_key=sc.HMAC_KEY)) == []


def test_an_engine_change_is_the_only_manual_item() -> None:
    desired = _with_db(_base(), **_creds(password=OTHER_PASSWORD))
    live = _live_db(sc.live_matching(_base()), _matching_env(), engine="mysql")
    assert [a.id for a in _manual(make_plan(desired, live, hmac_key=sc.HMAC_KEY))] == [
        "manual.dependency.db.engine"
    ]


def test_a_rotated_password_makes_a_saved_plan_stale() -> None:
    desired = _with_db(_base(), **_creds())
    plan = make_plan(desired, LiveState(), hmac_key=sc.HMAC_KEY)
    assert check_stale(plan, desired, LiveState(), sc.HMAC_KEY) == []
    rotated = _with_db(_base(), **_creds(password=OTHER_PASSWORD))
    reasons = check_stale(plan, rotated, LiveState(), sc.HMAC_KEY)
    assert reasons == ["the value of dependencies.db.password changed (secret rotated?)"]


def test_a_credential_added_after_planning_makes_the_plan_stale() -> None:
    plan = make_plan(sc.desired_state(), LiveState(), hmac_key=sc.HMAC_KEY)
    desired = _with_db(_base(), **_creds())
    reasons = check_stale(plan, desired, LiveState(), sc.HMAC_KEY)
    assert "dependencies.db.password was added" in reasons


def test_credential_digests_are_keyed() -> None:
    desired = _with_db(_base(), **_creds())
    one = make_plan(desired, LiveState(), hmac_key=sc.HMAC_KEY)
    two = make_plan(desired, LiveState(), hmac_key=b"another-plan-key-000000000000000")
    key = "dependencies.db.password"
    assert one.value_digests[key] != two.value_digests[key]
