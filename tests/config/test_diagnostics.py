"""Diagnostics: every problem of a file in one run, each with line, column and key path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from odiac.config.diagnostics import Diagnostic, count_summary, format_key_path, sort_diagnostics
from odiac.config.loader import load_config
from odiac.errors import ConfigError

MANY_ERRORS = Path(__file__).parent / "fixtures" / "invalid" / "many_errors.toml"


def _diagnostics(environment: str) -> list[Diagnostic]:
    with pytest.raises(ConfigError) as caught:
        load_config(Path("opendeploy.toml"), environment)
    return caught.value.diagnostics  # type: ignore[return-value]


@pytest.fixture
def many_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(MANY_ERRORS, tmp_path / "opendeploy.toml")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "opendeploy.toml"


def test_multi_error_file_text_snapshot(many_errors: Path, snapshot) -> None:
    assert "\n".join(str(d) for d in _diagnostics("staging")) == snapshot


def test_every_problem_is_reported_whichever_environment_is_selected(many_errors: Path) -> None:
    assert _diagnostics("staging") == _diagnostics("production")


@pytest.mark.parametrize(
    ("line", "column", "path", "fragment"),
    [
        (5, 7, "gateway.url", "must not end with '/'"),
        (9, 1, "project.regon", 'unknown key "regon" (did you mean "region"?)'),
        (19, 7, "services.web.cpu", '"two" is not a Kubernetes CPU quantity'),
        (25, 15, "services.web.uses[1]", 'unknown dependency "cahce"'),
        (32, 1, 'services.web.env."BAD KEY"', "must not contain '=', whitespace or NUL"),
        (36, 11, "services.Worker", "not a valid service name"),
        (44, 2, "servics", '(did you mean "services"?)'),
        (48, 1, "environments.production.version", "cannot be set per environment"),
        (51, 12, "environments.production.services.web.replicas", "must be at least 0"),
        (52, 13, "environments.production.services.web.subdomain", "2 to 32 characters"),
    ],
)
def test_positions_of_selected_problems(
    many_errors: Path, line: int, column: int, path: str, fragment: str
) -> None:
    found = [d for d in _diagnostics("staging") if d.dotted_path == path]
    assert len(found) == 1, found
    assert (found[0].line, found[0].column) == (line, column)
    assert fragment in found[0].message


def test_sorted_in_file_order_with_one_warning(many_errors: Path) -> None:
    diagnostics = _diagnostics("staging")
    assert [(d.line, d.column) for d in diagnostics] == sorted(
        (d.line, d.column) for d in diagnostics
    )
    assert count_summary(diagnostics) == "26 errors, 1 warning"


def test_secret_literals_never_appear_in_diagnostics(many_errors: Path) -> None:
    """The literal DB_PASSWORD value and the mistyped PORT value are never echoed."""
    text = "\n".join(str(d) for d in _diagnostics("staging"))
    as_json = json.dumps([d.to_dict() for d in _diagnostics("staging")])
    for leaked in ("hunter2-in-git", "8080"):
        assert leaked not in text
        assert leaked not in as_json


def test_registered_secret_values_are_redacted_from_diagnostic_text() -> None:
    from odiac import redact

    redact.register("s3cr3t-value")
    diagnostic = Diagnostic("opendeploy.toml", 1, 2, ("a",), 'bad "s3cr3t-value"')
    assert "s3cr3t-value" not in str(diagnostic)
    assert "s3cr3t-value" not in json.dumps(diagnostic.to_dict())


def test_diagnostic_text_format() -> None:
    assert (
        str(Diagnostic("opendeploy.toml", 14, 7, ("services", "web", "cpu"), "bad"))
        == "opendeploy.toml:14:7 services.web.cpu: bad"
    )
    assert str(Diagnostic("x.toml", 0, 0, (), "file not found")) == "x.toml: file not found"
    warning = Diagnostic("x.toml", 3, 1, ("a",), "careful", "warning")
    assert str(warning) == "x.toml:3:1 a: warning: careful"


def test_key_path_formatting() -> None:
    assert format_key_path(("services", "web", "uses", 0)) == "services.web.uses[0]"
    assert format_key_path(("env", "a.b", 'q"x')) == 'env."a.b"."q\\"x"'


def test_sort_removes_duplicates() -> None:
    one = Diagnostic("f", 2, 1, ("a",), "m")
    assert sort_diagnostics([one, Diagnostic("f", 1, 1, ("b",), "m"), one])[1] == one
    assert len(sort_diagnostics([one, one])) == 1
