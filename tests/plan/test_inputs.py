"""The planner's input models: secrets stay out of repr/dumps, identity round-trips."""

from __future__ import annotations

import pytest

from odiac.plan.inputs import (
    DesiredService,
    FromDependency,
    LiteralValue,
    LiveDependency,
    LiveService,
    LiveState,
    format_deployment_description,
    is_sensitive_key,
    parse_deployment_description,
    secret_digest,
)

SRC = "sha256:" + "ab" * 32
CFG = "sha256:" + "cd" * 32
CANARY = "canary-7f3e9a1c-do-not-leak"


def test_description_round_trip() -> None:
    text = format_deployment_description(SRC, CFG)
    assert text == f"odiac source={SRC} config={CFG}"
    assert parse_deployment_description(text) == (SRC, CFG)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (None, None)),
        (None, (None, None)),
        ("deployed from the dashboard", (None, None)),
        (f"odiac source=- config={CFG}", (None, CFG)),
        (f"note: odiac source={SRC} config=-", (SRC, None)),
        ("odiac source=sha256:xyz config=-", (None, None)),
    ],
)
def test_description_parse_tolerates_foreign_text(
    text: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert parse_deployment_description(text) == expected


@pytest.mark.parametrize(
    ("key", "sensitive"),
    [
        ("DATABASE_URL", True),
        ("READ_DATABASE_URL", True),
        ("db_password", True),
        ("GITHUB_TOKEN", True),
        ("REDIS_URL", True),
        ("PORT", False),
        ("DATABASE_URL_POOL_SIZE", False),
    ],
)
def test_sensitive_key_rule_of_contract_9_5(key: str, sensitive: bool) -> None:
    assert is_sensitive_key(key) is sensitive


def test_secret_values_never_in_repr_or_dumps() -> None:
    desired = DesiredService(env={"API_KEY": LiteralValue.of(CANARY, sensitive=True)})
    live = LiveState(
        services={"web": LiveService(id="s1", type="web", env={"API_KEY": CANARY})},
        dependencies={"db": LiveDependency(id="d1", engine="postgres", env_vars={"X": CANARY})},
    )
    for text in (repr(desired), desired.model_dump_json(), repr(live), live.model_dump_json()):
        assert CANARY not in text
    assert desired.env["API_KEY"].value.get_secret_value() == CANARY  # type: ignore[union-attr]


def test_desired_value_union_parses_by_kind() -> None:
    svc = DesiredService.model_validate(
        {
            "env": {
                "DATABASE_URL": {
                    "kind": "from_dependency",
                    "dependency": "db",
                    "key": "DATABASE_URL",
                }
            }
        }
    )
    assert isinstance(svc.env["DATABASE_URL"], FromDependency)


def test_fingerprint_is_stable_and_sees_secret_changes() -> None:
    def state(secret: str) -> LiveState:
        return LiveState(services={"web": LiveService(id="s1", type="web", env={"K": secret})})

    assert state("one").fingerprint(b"k") == state("one").fingerprint(b"k")
    assert state("one").fingerprint(b"k") != state("two").fingerprint(b"k")
    assert state("one").fingerprint(b"k") != state("one").fingerprint(b"other")


def test_secret_digest_is_keyed() -> None:
    assert secret_digest("v", b"a") != secret_digest("v", b"b")
    assert secret_digest("v", b"a").startswith("hmac-sha256:")
