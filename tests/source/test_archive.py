"""The deterministic source archive (contract §7.1.4, analysis rules §10)."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest

from odiac.errors import SourceError
from odiac.source import build_archive, list_source, scan_source
from odiac.source.zipwriter import ZipWriter, deflate


def make_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def names(root: Path, **kwargs: object) -> list[str]:
    return [f.arcname for f in list_source(root, **kwargs).files]  # type: ignore[arg-type]


APP = {
    "app.py": "print('hi')\n",
    "requirements.txt": "flask\n",
    "static/logo.bin": bytes(range(256)) * 40,
    "src/pkg/__init__.py": "",
}


def test_same_tree_gives_same_bytes_and_digest(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "app", APP)
    with (
        build_archive(tree, dest_dir=tmp_path) as one,
        build_archive(tree, dest_dir=tmp_path) as two,
    ):
        assert one.digest == two.digest
        assert one.path.read_bytes() == two.path.read_bytes()
        assert one.digest == scan_source(tree).digest
        assert (one.file_count, one.total_bytes) == (4, sum(len(v) for v in APP.values()))


def test_mtimes_and_creation_order_do_not_matter(tmp_path: Path) -> None:
    first = make_tree(tmp_path / "a", APP)
    second = make_tree(tmp_path / "b", dict(reversed(list(APP.items()))))
    for path in second.rglob("*"):
        os.utime(path, (1_900_000_000, 1_900_000_000))
    assert scan_source(first).digest == scan_source(second).digest


def test_content_change_changes_the_digest(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "app", APP)
    before = scan_source(tree).digest
    (tree / "app.py").write_text("print('bye')\n")
    assert scan_source(tree).digest != before


def test_archive_is_a_valid_zip_with_fixed_times_and_modes(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "app", {**APP, "run.sh": "#!/bin/sh\n"})
    (tree / "run.sh").chmod(0o700)
    (tree / "app.py").chmod(0o600)
    with build_archive(tree, dest_dir=tmp_path) as archive, zipfile.ZipFile(archive.path) as zf:
        assert zf.testzip() is None
        infos = {i.filename: i for i in zf.infolist()}
        assert list(infos) == sorted(infos)
        assert {i.date_time for i in infos.values()} == {(1980, 1, 1, 0, 0, 0)}
        assert stat.S_IMODE(infos["run.sh"].external_attr >> 16) == 0o755
        assert stat.S_IMODE(infos["app.py"].external_attr >> 16) == 0o644
        assert zf.read("static/logo.bin") == APP["static/logo.bin"]
        assert archive.path.name.endswith(".zip")
    assert not archive.path.exists()  # the with-block removed the temporary file


def test_default_excludes_at_any_depth(tmp_path: Path) -> None:
    """Contract §7.1.4: .git (any depth), node_modules, dist, build, target, .venv, __pycache__, *.pyc."""
    tree = make_tree(
        tmp_path / "app",
        {
            "app.py": "",
            ".git/config": "",
            "web/.git/HEAD": "",
            "web/node_modules/x/index.js": "",
            "dist/out.js": "",
            "build/out.o": "",
            "target/app.jar": "",
            ".venv/bin/python": "",
            "pkg/__pycache__/m.cpython-311.pyc": "",
            "pkg/m.pyc": "",
            "pkg/m.py": "",
        },
    )
    assert names(tree) == ["app.py", "pkg/m.py"]


def test_opendeploy_dir_is_never_included(tmp_path: Path) -> None:
    tree = make_tree(
        tmp_path / "app",
        {"app.py": "", ".opendeploy/auth.json": "{}", "sub/.opendeploy/state.db": ""},
    )
    assert names(tree) == ["app.py"]
    assert names(tree, include=["**", ".opendeploy/", "*.json"]) == ["app.py"]


def test_gitignore_is_honoured_with_nesting_and_negation(tmp_path: Path) -> None:
    tree = make_tree(
        tmp_path / "app",
        {
            ".gitignore": "*.log\nsecret_dir/\n!keep.log\n",
            "a.log": "",
            "keep.log": "",
            "secret_dir/x.txt": "",
            "web/.gitignore": "local.txt\n!debug.log\n",
            "web/local.txt": "",
            "web/debug.log": "",
            "web/trace.log": "",
            "local.txt": "",
        },
    )
    assert names(tree) == [".gitignore", "keep.log", "local.txt", "web/.gitignore", "web/debug.log"]


def test_source_exclude_and_include_globs(tmp_path: Path) -> None:
    tree = make_tree(
        tmp_path / "app",
        {"app.py": "", "docs/a.md": "", "tmp/x": "", "build/keep.txt": "", "data.csv": ""},
    )
    assert names(tree, exclude=["docs/", "*.csv"], include=["build/"]) == [
        "app.py",
        "build/keep.txt",
        "tmp/x",
    ]


def test_env_files_are_excluded_with_a_warning(tmp_path: Path) -> None:
    tree = make_tree(
        tmp_path / "app",
        {
            "app.py": "",
            ".env": "API_KEY=canary-env-value",
            "config/.env.production": "X=1",
            ".env.example": "API_KEY=",
            "certs/server.pem": "",
            ".npmrc": "//registry.npmjs.org/:_authToken=abc\n",
        },
    )
    listing = list_source(tree)
    assert [f.arcname for f in listing.files] == [".env.example", "app.py"]
    assert sorted(listing.sensitive) == sorted(
        [".env", "config/.env.production", "certs/server.pem", ".npmrc"]
    )
    scan = scan_source(tree)
    (line,) = scan.warnings
    assert line.startswith("left out 4 sensitive files, never uploaded: ")
    for path in (".env", "config/.env.production", "certs/server.pem", ".npmrc"):
        assert path in line
    assert "canary-env-value" not in line


def test_credential_free_npmrc_is_kept(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "app", {".npmrc": "save-exact=true\n"})
    assert names(tree) == [".npmrc"]


def test_symlink_escaping_the_root_is_left_out_and_named(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("host secret")
    tree = make_tree(tmp_path / "app", {"app.py": ""})
    (tree / "link.txt").symlink_to(outside)
    with build_archive(tree, dest_dir=tmp_path) as archive:
        with zipfile.ZipFile(archive.path) as zf:
            assert zf.namelist() == ["app.py"]
        assert "left out link.txt: a link to a file outside the source folder" in archive.warnings


def test_symlinked_directory_escaping_the_root_is_left_out(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "app", {"app.py": ""})
    (tree / "etc").symlink_to("/etc")
    listing = list_source(tree)
    assert [f.arcname for f in listing.files] == ["app.py"]
    assert any(w.startswith("left out etc:") for w in listing.warnings)


def test_symlink_inside_the_root_is_archived_as_its_target(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "app", {"real.txt": "content"})
    (tree / "alias.txt").symlink_to("real.txt")
    (tree / "dangling.txt").symlink_to("missing.txt")
    (tree / "dir-link").symlink_to(".")
    listing = list_source(tree)
    assert [f.arcname for f in listing.files] == ["alias.txt", "real.txt"]
    assert any("dangling.txt" in w for w in listing.warnings)
    assert any("dir-link" in w for w in listing.warnings)


def test_case_collision_is_refused(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "app", {"README.md": "a", "readme.md": "b"})
    with pytest.raises(SourceError, match="case-insensitive"):
        list_source(tree)


def test_case_collision_of_directories_is_refused(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "app", {"Lib/a.py": "", "lib/b.py": ""})
    with pytest.raises(SourceError, match="'Lib' and 'lib'"):
        list_source(tree)


def test_missing_root_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        list_source(tmp_path / "nope")


def test_non_utf8_name_is_refused(tmp_path: Path) -> None:
    tree = tmp_path / "app"
    tree.mkdir()
    (
        Path(os.fsencode(tree).decode("utf-8", "surrogateescape")) / os.fsdecode(b"bad-\xff.txt")
    ).touch()
    with pytest.raises(SourceError, match="UTF-8"):
        list_source(tree)


def test_unicode_names_round_trip(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "app", {"données/café.txt": "x"})
    with build_archive(tree, dest_dir=tmp_path) as archive, zipfile.ZipFile(archive.path) as zf:
        assert zf.namelist() == ["données/café.txt"]
        assert zf.read("données/café.txt") == b"x"


def test_big_files_are_streamed_and_small_files_threaded_identically(tmp_path: Path) -> None:
    big = os.urandom(5 << 20)
    tree = make_tree(tmp_path / "app", {"a.txt": "a" * 1000, "big.bin": big, "z.txt": "z"})
    with build_archive(tree, dest_dir=tmp_path) as archive, zipfile.ZipFile(archive.path) as zf:
        assert zf.read("big.bin") == big
        assert zf.testzip() is None


def test_zip64_end_records_for_many_entries() -> None:
    buffer = io.BytesIO()
    writer = ZipWriter(buffer)
    crc, data = deflate(b"x")
    for index in range(70_000):
        writer.add(f"f{index:05d}", 0o100644, crc, data, 1)
    writer.close()
    with zipfile.ZipFile(buffer) as zf:
        assert len(zf.infolist()) == 70_000
        assert zf.read("f69999") == b"x"


def test_empty_tree_gives_an_empty_valid_zip(tmp_path: Path) -> None:
    tree = tmp_path / "app"
    tree.mkdir()
    with build_archive(tree, dest_dir=tmp_path) as archive:
        assert archive.file_count == 0
        assert archive.path.read_bytes()[:4] == b"PK\x05\x06"  # contract §3.7.1 empty-archive magic


def test_git_ignored_env_is_excluded_quietly_and_include_cannot_force_it(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "app", {".gitignore": ".env\n", ".env": "K=v", "app.py": ""})
    listing = list_source(tree)
    assert [f.arcname for f in listing.files] == [".gitignore", "app.py"]
    assert listing.warnings == []
    forced = list_source(tree, include=[".env"])
    assert [f.arcname for f in forced.files] == [".gitignore", "app.py"]
    assert forced.warnings == []
    assert forced.sensitive == [".env"]
