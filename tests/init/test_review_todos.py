"""Review items live in the file as ``# TODO(odiac):`` comments at their keys.

``odiac init`` (a real subprocess) writes each doubt above the key it concerns
and lists them in its summary with file:line; ``odiac validate`` warns on stderr,
exits 0 while they remain (1 with --strict), and is quiet once they are gone.
"""

from __future__ import annotations

from pathlib import Path

from tests.init.test_init_fits_account import odiac


def ambiguous_port_app(root: Path) -> Path:
    """Two exposed ports and no other evidence: init cannot pick one."""
    root.mkdir(parents=True)
    (root / "package.json").write_text('{"name": "amb", "scripts": {"start": "node index.js"}}')
    (root / "index.js").write_text("console.log('hi')\n")
    (root / "Dockerfile").write_text("FROM node:20\nEXPOSE 7000 7001\nCMD node index.js\n")
    return root


def todo_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if "# TODO(odiac):" in line]


def test_an_uncertain_port_is_a_todo_at_the_port_key(tmp_path: Path) -> None:
    app = ambiguous_port_app(tmp_path / "amb")
    done = odiac("init", ".", cwd=app)
    assert done.returncode == 0, done.stderr
    lines = (app / "opendeploy.toml").read_text().splitlines()
    at = next(n for n, line in enumerate(lines) if "several candidate HTTP ports" in line)
    assert lines[at].startswith("# TODO(odiac):")
    assert lines[at + 1].startswith("# port = "), "the TODO sits at the key it concerns"
    assert f"opendeploy.toml:{at + 1}: several candidate HTTP ports" in done.stdout


def test_summary_lists_every_todo_with_its_line(tmp_path: Path) -> None:
    app = ambiguous_port_app(tmp_path / "amb")
    done = odiac("init", ".", cwd=app)
    lines = todo_lines((app / "opendeploy.toml").read_text())
    assert lines
    assert f"{len(lines)} item(s) to review" in done.stdout
    for number in lines:
        assert f"opendeploy.toml:{number}: " in done.stdout


def test_validate_warns_on_stderr_with_file_and_line_and_exits_zero(tmp_path: Path) -> None:
    app = ambiguous_port_app(tmp_path / "amb")
    odiac("init", ".", cwd=app)
    checked = odiac("validate", cwd=app)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = (app / "opendeploy.toml").read_text()
    for number in todo_lines(text):
        assert f"opendeploy.toml:{number}:1: warning: TODO(odiac):" in checked.stderr
    assert "TODO(odiac)" not in checked.stdout
    assert odiac("validate", "--strict", cwd=app).returncode == 1


def test_validate_is_quiet_once_the_todos_are_settled(tmp_path: Path) -> None:
    app = ambiguous_port_app(tmp_path / "amb")
    odiac("init", ".", cwd=app)
    path = app / "opendeploy.toml"
    kept = [line for line in path.read_text().splitlines() if "TODO(odiac)" not in line]
    path.write_text("\n".join(kept).replace("# port = <", "port = 7000 # <") + "\n")
    checked = odiac("validate", "--strict", cwd=app)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "TODO" not in checked.stderr


def test_a_parked_service_s_doubts_do_not_count_until_it_is_uncommented(
    tmp_path: Path,
) -> None:
    """Anonymous init comments out extra services; only the note about them is a TODO."""
    ambiguous_port_app(tmp_path / "multi" / "api")
    (tmp_path / "multi" / "docker-compose.yml").write_text(
        "services:\n  api:\n    build: ./api\n    ports: ['7000:7000']\n"
        "  jobs:\n    build: ./api\n    command: node index.js\n"
    )
    done = odiac("init", ".", cwd=tmp_path / "multi")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "multi" / "opendeploy.toml").read_text()
    parked = text[text.index("# [services.") :]
    assert parked.count("# TODO(odiac):") == 0
    assert "one service per project" in text
