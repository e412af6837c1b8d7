"""Help texts with examples, and click's shell completion for bash, zsh and fish."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from helpers.e2e import OdiacExe

from odiac.cli import cli

DAY2 = ["status", "logs", "rollback", "cancel", "redeploy", "import"]


@pytest.mark.parametrize("name", DAY2)
def test_help_shows_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    examples = result.output.split("Example", 1)[1]
    assert f"odiac {name}" in examples
    # One example per line, not re-wrapped into a paragraph.
    lines = [line for line in examples.splitlines()[1:] if line.strip()]
    assert lines
    assert all(line.startswith("    odiac ") for line in lines)


@pytest.mark.parametrize("name", ["rollback", "cancel", "redeploy"])
def test_destructive_commands_offer_yes_and_json(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert "--yes" in result.output
    assert "--json" in result.output


Complete = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def complete(odiac_exe: OdiacExe) -> Complete:
    """Run bare ``odiac`` with shell-completion variables set, as a shell would."""

    def run(**env: str) -> subprocess.CompletedProcess[str]:
        return odiac_exe.run(None, extra_env=env, timeout=60)

    return run


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _odiac_completion odiac"),
        ("zsh", "#compdef odiac"),
        ("fish", "complete --no-files --command odiac"),
    ],
)
def test_completion_script_generation(shell: str, marker: str, complete: Complete) -> None:
    done = complete(_ODIAC_COMPLETE=f"{shell}_source")
    assert done.returncode == 0, done.stderr
    assert marker in done.stdout


def test_bash_completion_lists_day2_commands(complete: Complete) -> None:
    done = complete(_ODIAC_COMPLETE="bash_complete", COMP_WORDS="odiac re", COMP_CWORD="1")
    assert done.returncode == 0, done.stderr
    words = {line.split(",", 1)[1] for line in done.stdout.splitlines() if "," in line}
    assert words == {"redeploy"}
    done = complete(_ODIAC_COMPLETE="bash_complete", COMP_WORDS="odiac logs --f", COMP_CWORD="2")
    assert "plain,--follow" in done.stdout.splitlines()


def test_logs_completes_the_service_names_of_the_file(tmp_path, complete: Complete) -> None:
    (tmp_path / "opendeploy.toml").write_text(
        '[project]\nname = "shop"\n[services.web]\n[services.worker]\n[services.api]\n',
        encoding="utf-8",
    )
    done = complete(
        _ODIAC_COMPLETE="bash_complete", COMP_WORDS=f"odiac -C {tmp_path} logs w", COMP_CWORD="4"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["plain,web", "plain,worker"]


def test_emulator_serve_help_lists_no_configuration_options() -> None:
    result = CliRunner().invoke(cli, ["emulator", "serve", "--help"])
    assert result.exit_code == 0, result.output
    for flag in ("--env", "--config", "--gateway"):
        assert flag not in result.output
    plan = CliRunner().invoke(cli, ["plan", "--help"]).output
    assert all(flag in plan for flag in ("--env", "--config", "--gateway"))
