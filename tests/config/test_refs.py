"""Reference variables: checked offline with file:line, key path and did-you-mean."""

from __future__ import annotations

import tomllib

import pytest

from odiac.config.model import EnvRef
from odiac.config.schema import build_schema
from tests.config.test_schema import _errors

HEAD = """[project]
name = "shop"

[dependencies.mongodb]
type = "mongodb"

[services.api]
port = 8000
subdomain = "shop-api"

[services.worker]
type = "worker"
"""


def test_dependency_and_service_references_load(load) -> None:
    config = load(
        HEAD
        + "[services.front]\nport = 3000\n[services.front.env]\n"
        + 'MONGODB_URL = { ref = "mongodb.MONGODB_URI" }\n'
        + 'API_URL = { ref = "services.api.url" }\n'
        + 'API_HOST = { ref = "services.worker.host" }\n'
    )
    env = config.config.services["front"].env
    assert isinstance(env["MONGODB_URL"], EnvRef)
    target = env["MONGODB_URL"].target
    assert (target.kind, target.name, target.key) == ("dependency", "mongodb", "MONGODB_URI")
    assert env["API_URL"].target.kind == "service"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "mongo.MONGODB_URI",
            'unknown dependency "mongo" (did you mean "mongodb"?); declared dependencies:'
            ' "mongodb"',
        ),
        (
            "mongodb.MONGO_URI",
            'dependency "mongodb" has no variable "MONGO_URI" (did you mean "MONGODB_URI"?)',
        ),
        ("services.apo.url", 'unknown service "apo" (did you mean "api"?)'),
        ("services.api.hots", 'names "url" or "host", not "hots" (did you mean "host"?)'),
        ("services.worker.url", 'service "worker" is a worker and has no public URL'),
        ("services.front.host", "a service cannot refer to itself"),
        ("nodots", '"nodots" is not a reference'),
    ],
)
def test_bad_references_are_errors_at_their_line(problems, value: str, message: str) -> None:
    text = (
        HEAD + f'[services.front]\nport = 3000\n[services.front.env]\nX = {{ ref = "{value}" }}\n'
    )
    (found,) = problems(text)
    assert found.startswith("opendeploy.toml:16:")
    assert " services.front.env.X" in found
    assert message in found


def test_a_url_reference_needs_a_fixed_subdomain(problems) -> None:
    text = HEAD.replace('subdomain = "shop-api"\n', "") + (
        '[services.front.env]\nAPI = { ref = "services.api.url" }\n'
    )
    (found,) = problems(text)
    assert "set services.api.subdomain" in found


def test_schema_accepts_references_and_rejects_malformed_ones() -> None:
    schema = build_schema()
    good = tomllib.loads(HEAD + '[services.api.env]\nA = { ref = "mongodb.MONGODB_URI" }\n')
    assert _errors(schema, good, schema) == []
    bad = tomllib.loads(HEAD + '[services.api.env]\nA = { ref = "no dots here" }\n')
    assert ".services.api.env.A: oneOf" in _errors(schema, bad, schema)


def test_unitless_memory_is_an_error_with_a_suggestion(problems) -> None:
    (found,) = problems('[project]\nname = "shop"\n[services.web]\nmemory = "512"\n')
    assert found.startswith("opendeploy.toml:4:10 services.web.memory:")
    assert 'write "512Mi"' in found
