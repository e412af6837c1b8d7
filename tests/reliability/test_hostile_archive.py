"""Hostile source trees never smuggle anything out of the folder into the archive.

Names that collide on a case-insensitive file system (case or Unicode
normalisation) raise :class:`SourceError` before any upload; a symlink out of the
tree (relative ``..`` or absolute target, file or folder) is left out and named;
any tree gives an archive whose entries are exactly its files, relative, without
``..``, and nothing from outside.
"""

from __future__ import annotations

import os
import tempfile
import textwrap
import unicodedata
import zipfile
from pathlib import Path

import pytest
from helpers.e2e import run_odiac
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odiac.config.diagnostics import Diagnostic
from odiac.config.loader import load_config
from odiac.errors import ConfigError, SourceError
from odiac.source import build_archive
from odiac.testing import EmulatorProcess

OUTSIDE_SECRET = "OUTSIDE-THE-TREE-7f3a"
# Letters whose case or Unicode normalisation collide: a/A, é (NFC) / e + U+0301 (NFD).
LETTERS = ["a", "A", "b", "B", "\u00e9", "e\u0301"]
LINKS = ["none", "none", "inside", "dangling", "out-relative", "out-absolute", "out-dir"]

names = st.lists(st.sampled_from(LETTERS), min_size=1, max_size=3).map("".join)
trees = st.lists(
    st.tuples(st.sampled_from(["", "d/", "D/"]), names), min_size=1, max_size=6, unique=True
)


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _collides(arcnames: list[str]) -> bool:
    seen: dict[str, str] = {}
    for arcname in arcnames:
        parts = arcname.split("/")
        for depth in range(1, len(parts) + 1):
            name = "/".join(parts[:depth])
            if seen.setdefault(_key(name), name) != name:
                return True
    return False


def _make_tree(base: Path, files: list[tuple[str, str]], link: str) -> Path:
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(OUTSIDE_SECRET)
    root = base / "app"
    root.mkdir()
    for folder, name in files:
        path = root / folder / f"{name}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"content of {folder}{name}\n")
    (root / "main.txt").write_text("main\n")
    target = {
        "inside": "main.txt",
        "dangling": "missing.txt",
        "out-relative": "../outside/secret.txt",
        "out-absolute": str(outside / "secret.txt"),
        "out-dir": "../outside",
    }.get(link)
    if target is not None:
        os.symlink(target, root / "zlink")
    return root


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(files=trees, link=st.sampled_from(LINKS))
def test_hostile_trees_are_refused_and_others_archived_faithfully(
    tmp_path: Path, files: list[tuple[str, str]], link: str
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as scratch:
        root = _make_tree(Path(scratch), files, link)
        written = sorted({f"{folder}{name}.txt" for folder, name in files} | {"main.txt"})
        if _collides(written):
            with pytest.raises(SourceError, match=r"^refusing to archive"):
                build_archive(root, dest_dir=scratch)
            return
        archive = build_archive(root, dest_dir=scratch)
        if link.startswith("out-"):
            assert "left out zlink: a link to a file outside the source folder" in (
                archive.warnings
            )
        with zipfile.ZipFile(archive.path) as opened:
            entries = opened.namelist()
            contents = b"".join(opened.read(n) for n in entries)
        expected = set(written) | ({"zlink"} if link == "inside" else set())
        assert {unicodedata.normalize("NFC", n) for n in entries} == {
            unicodedata.normalize("NFC", n) for n in expected
        }
        for entry in entries:
            assert not entry.startswith("/")
            assert ".." not in entry.split("/")
            assert "\\" not in entry
        assert OUTSIDE_SECRET.encode() not in contents


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("source.path", "../outside"),
        ("source.path", "/etc"),
        ("services.web.path", "../../x"),
        ("services.web.path", "/abs"),
        ("services.web.dockerfile", "../Dockerfile"),
    ],
)
def test_paths_leaving_the_project_are_refused_by_the_config(
    tmp_path: Path, key: str, value: str
) -> None:
    section, field = key.rsplit(".", 1)
    text = f'[project]\nname = "shop"\n[{section}]\n{field} = "{value}"\n'
    if section != "services.web":
        text += '[services.web]\ntype = "web"\n'
    path = tmp_path / "opendeploy.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    diagnostics = [d for d in caught.value.diagnostics if isinstance(d, Diagnostic)]
    assert any(".".join(d.key_path) == key for d in diagnostics), diagnostics


def test_apply_refuses_a_hostile_tree_before_any_upload(
    tmp_path: Path, emulator: EmulatorProcess, token: str
) -> None:
    """End to end: nothing is created or uploaded when the tree is refused."""
    root = _make_tree(tmp_path, [("", "app"), ("", "App")], "out-relative")
    (root / "opendeploy.toml").write_text(
        textwrap.dedent(
            """
            [project]
            name = "hostile"
            [services.web]
            type = "web"
            port = 8000
            """
        )
    )
    with emulator.control() as control:
        control.clear_requests()
        result = run_odiac(root, "apply", "--auto-approve", gateway=emulator.base_url, token=token)
        mutations = [r for r in control.requests() if r["method"] != "GET"]
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "collide on case-insensitive file systems" in result.stderr
    assert OUTSIDE_SECRET not in result.stdout + result.stderr
    assert token not in result.stdout + result.stderr
    assert mutations == []
