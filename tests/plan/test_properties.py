"""Property tests: a live state that matches the file plans nothing, however it is spelled."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from odiac.plan.inputs import LiteralValue
from odiac.plan.planner import make_plan
from plan import scenarios as sc

env_keys = st.from_regex(r"[A-Z][A-Z0-9_]{0,11}", fullmatch=True)
env_values = st.text(max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    millicores=st.integers(min_value=1, max_value=64).map(lambda n: n * 125),
    mebibytes=st.integers(min_value=1, max_value=16 * 1024),
    replicas=st.integers(min_value=1, max_value=5),
    env=st.dictionaries(env_keys, env_values, max_size=6),
)
def test_matching_live_state_plans_nothing_whatever_the_spelling(
    millicores: int, mebibytes: int, replicas: int, env: dict[str, str]
) -> None:
    """Desired ``"<m>m"``/``"<n>Mi"`` against live ``"<m/1000>"``/``"<n*1024>Ki"``."""
    values = {k: LiteralValue.of(v, sensitive=k.endswith("TOKEN")) for k, v in env.items()}
    desired = sc.with_service(
        sc.desired_state(),
        "web",
        cpu_limit=f"{millicores}m",
        memory_limit=f"{mebibytes}Mi",
        replicas=replicas,
        env={**sc.desired_state().services["web"].env, **values},
    )
    cpu_live = str(millicores // 1000) if millicores % 1000 == 0 else f"{millicores / 1000:g}"
    live = sc.live_service(
        sc.live_matching(desired), "web", cpu_limit=cpu_live, memory_limit=f"{mebibytes * 1024}Ki"
    )
    plan = make_plan(desired, live, hmac_key=sc.HMAC_KEY)
    assert plan.actions == []


@settings(max_examples=40, deadline=None)
@given(
    before=st.dictionaries(env_keys, env_values, max_size=5),
    after=st.dictionaries(env_keys, env_values, max_size=5),
)
def test_env_plan_lists_exactly_the_changed_keys(
    before: dict[str, str], after: dict[str, str]
) -> None:
    base = sc.desired_state()
    fixed = dict(base.services["web"].env)
    desired = sc.with_service(
        base,
        "web",
        env={**fixed, **{k: LiteralValue.of(v) for k, v in after.items() if k not in fixed}},
    )
    old = sc.with_service(
        base,
        "web",
        env={**fixed, **{k: LiteralValue.of(v) for k, v in before.items() if k not in fixed}},
    )
    plan = make_plan(desired, sc.live_matching(old), hmac_key=sc.HMAC_KEY)
    changed = {
        k for k in set(before) | set(after) if k not in fixed and before.get(k) != after.get(k)
    }
    paths = {c.path for a in plan.actions if a.kind == "set_env" for c in a.changes}
    assert paths == {f"env.{k}" for k in changed}
    assert any(a.kind == "deploy" for a in plan.actions) == bool(changed)
