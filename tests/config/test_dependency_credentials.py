"""Dependency credentials (contract §3.4.2): literal or secret reference, checked offline."""

from __future__ import annotations

import tomllib

import pytest

from config.test_schema import _errors
from odiac.config.model import SecretRef, allowed_keys
from odiac.config.schema import build_schema

HEAD = '[project]\nname = "shop"\n[dependencies.db]\ntype = "postgres"\n'
FORBIDDEN = [" ", "\t", "'", '"', "`", "$", "\\", ";", "|", "&", "(", ")", "!", "{", "}"]
FORBIDDEN += ["<", ">", "#", "~"]


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


def test_literal_and_referenced_credentials_load(load) -> None:
    loaded = load(
        HEAD + 'username = "shop"\ndatabase_name = { secret = "env:DB_NAME" }\n'
        'password = { secret = "env:DB_PASSWORD" }\n'
    )
    db = loaded.config.dependencies["db"]
    assert db.username == "shop"
    assert db.database_name == SecretRef(secret="env:DB_NAME")
    assert db.password == SecretRef(secret="env:DB_PASSWORD")
    assert loaded.warnings == ()


def test_credentials_default_to_none(load) -> None:
    db = load(HEAD).config.dependencies["db"]
    assert (db.username, db.password, db.database_name) == (None, None, None)


def test_short_literal_password_is_refused_without_quoting_it(problems) -> None:
    assert problems(HEAD + 'password = "Sh0rt-1"\n') == [
        "opendeploy.toml:5:12 dependencies.db.password:"
        " a dependency password needs at least 8 characters"
    ]


@pytest.mark.parametrize("char", FORBIDDEN, ids=repr)
def test_password_with_a_forbidden_character_is_refused(problems, char: str) -> None:
    password = f"Abcd1234{char}xyz"
    (text,) = problems(HEAD + f"password = {_toml_string(password)}\n")
    assert "dependencies.db.password: a dependency password must not contain" in text
    assert password not in text


def test_password_of_allowed_characters_passes_with_a_warning(load) -> None:
    loaded = load(HEAD + 'password = "Abc-123_x.y@z%^*+=,:/?"\n')
    assert [str(w) for w in loaded.warnings] == [
        "opendeploy.toml:5:12 dependencies.db.password: warning: a dependency password"
        " written literally is committed in plain text; use a secret reference such as"
        ' { secret = "env:DB_PASSWORD" }'
    ]


def test_literal_password_warning_names_an_env_variable_for_a_hyphenated_name(load) -> None:
    text = '[project]\nname = "shop"\n[dependencies.main-db]\ntype = "mysql"\n'
    loaded = load(text + 'password = "Abcd1234efgh"\n')
    assert 'secret = "env:MAIN_DB_PASSWORD"' in str(loaded.warnings[0])


@pytest.mark.parametrize("key", ["username", "database_name"])
def test_empty_username_or_database_name_is_refused(problems, key: str) -> None:
    assert problems(HEAD + f'{key} = ""\n') == [
        f"opendeploy.toml:5:{len(key) + 4} dependencies.db.{key}: must not be empty"
        " (leave the key out for the gateway default)"
    ]


@pytest.mark.parametrize("key", ["username", "database_name"])
def test_redis_takes_only_a_password(load, key: str) -> None:
    text = '[project]\nname = "shop"\n[dependencies.cache]\ntype = "redis"\n'
    loaded = load(text + f'{key} = "app"\npassword = {{ secret = "env:REDIS_PW" }}\n')
    assert [str(w) for w in loaded.warnings] == [
        f'opendeploy.toml:5:1 dependencies.cache.{key}: warning: "{key}" has no effect on a'
        " redis dependency: it takes only a password"
    ]


def test_overlay_may_set_a_credential_per_environment(load) -> None:
    text = HEAD + '[environments.production.dependencies.db]\nusername = "prod_user"\n'
    assert load(text, "production").config.dependencies["db"].username == "prod_user"
    assert load(text, "staging").config.dependencies["db"].username is None


def test_misspelt_credential_key_suggests_the_right_one(problems) -> None:
    (text,) = problems(HEAD + 'pasword = "Abcd1234efgh"\n')
    assert 'unknown key "pasword" (did you mean "password"?)' in text
    assert "Abcd1234efgh" not in text


def test_credential_secret_reference_table_knows_its_keys() -> None:
    assert allowed_keys(("dependencies", "db", "password")) == ["secret"]
    assert allowed_keys(("dependencies", "db", "username")) == ["secret"]


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ('"Abcd1234efgh"', True),
        ('{ secret = "env:DB_PASSWORD" }', True),
        ('"short"', False),
        ('"Abcd 1234efgh"', False),
        ('"Abcd$1234efgh"', False),
    ],
)
def test_schema_checks_the_password_like_the_loader(value: str, valid: bool) -> None:
    schema = build_schema()
    data = tomllib.loads(HEAD + f"password = {value}\n")
    errors = _errors(schema, data, schema)
    assert (errors == []) is valid, errors
