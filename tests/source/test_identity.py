"""The source identity: a digest of the content manifest, the same on every machine."""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from odiac.errors import SourceError
from odiac.source import ManifestEntry, build_archive, manifest_digest, scan_source, zipwriter
from odiac.source.manifest import Manifest, hash_file
from odiac.source.walk import SourceFile

BIG = 5 << 20  # above the 4 MiB threshold: streamed, not deflated whole


def make_tree(root: Path, files: dict[str, bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


def app_files() -> dict[str, bytes]:
    text = b"deploy service plan apply source archive\n" * 200
    return {
        "app.py": b"print('hi')\n",
        "requirements.txt": b"flask\n",
        "static/big.bin": hashlib.sha256(b"seed").digest() * (BIG // 32) + text,
        "src/pkg/__init__.py": b"",
        "src/pkg/data.txt": text,
        "run.sh": b"#!/bin/sh\nexec gunicorn app:app\n",
    }


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = make_tree(tmp_path / "app", app_files())
    (root / "run.sh").chmod(0o755)
    return root


def independent_digest(archive: Path) -> str:
    """The documented definition, computed from the zip's own entries."""
    lines = [b"odiac-source-manifest/1\n"]
    with zipfile.ZipFile(archive) as zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename.encode()):
            data = zf.read(info)
            kind = b"exec" if (info.external_attr >> 16) & 0o111 else b"file"
            sha = hashlib.sha256(data).hexdigest().encode()
            lines.append(b"\0".join((info.filename.encode(), kind, b"%d" % len(data), sha)) + b"\n")
    return "sha256:" + hashlib.sha256(b"".join(lines)).hexdigest()


def test_digest_is_the_documented_manifest_of_what_the_zip_holds(
    tree: Path, tmp_path: Path
) -> None:
    with build_archive(tree, dest_dir=tmp_path) as archive:
        assert archive.digest == independent_digest(archive.path)
        zip_sha = "sha256:" + hashlib.sha256(archive.path.read_bytes()).hexdigest()
        assert archive.digest != zip_sha
        assert archive.digest.startswith("sha256:")
        assert len(archive.digest) == len("sha256:") + 64


def test_compression_level_changes_the_bytes_not_the_digest(tree: Path, tmp_path: Path) -> None:
    with (
        build_archive(tree, dest_dir=tmp_path, compresslevel=1) as fast,
        build_archive(tree, dest_dir=tmp_path, compresslevel=9) as small,
    ):
        assert fast.path.read_bytes() != small.path.read_bytes()
        assert fast.archive_bytes > small.archive_bytes
        assert fast.digest == small.digest == scan_source(tree).digest


def test_another_zlib_build_gives_the_same_digest(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zlib that deflates differently (here: other memLevel and strategy) agrees."""
    with build_archive(tree, dest_dir=tmp_path) as reference:
        reference_bytes = reference.path.read_bytes()
        reference_digest = reference.digest
    real = zlib.compressobj

    def other_zlib(level: int, method: int, wbits: int, *_: Any) -> Any:
        return real(level, method, wbits, 1, zlib.Z_FILTERED)

    monkeypatch.setattr(zipwriter.zlib, "compressobj", other_zlib)
    with build_archive(tree, dest_dir=tmp_path) as other, zipfile.ZipFile(other.path) as zf:
        assert zf.testzip() is None
        assert other.path.read_bytes() != reference_bytes
        assert other.digest == reference_digest


def test_scan_equals_build_and_writes_no_archive(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    scan = scan_source(tree, workers=3)
    assert list(scratch.iterdir()) == []
    with build_archive(tree, dest_dir=tmp_path) as archive:
        assert (scan.digest, scan.file_count, scan.total_bytes) == (
            archive.digest,
            archive.file_count,
            archive.total_bytes,
        )
        assert scan.warnings == archive.warnings
    assert scan.file_count == len(app_files())
    assert scan.total_bytes == sum(len(v) for v in app_files().values())


def test_mtime_only_change_keeps_the_digest(tree: Path, tmp_path: Path) -> None:
    with build_archive(tree, dest_dir=tmp_path) as before:
        digest = before.digest
    for path in tree.rglob("*"):
        os.utime(path, (1_900_000_000, 1_900_000_000))
    with build_archive(tree, dest_dir=tmp_path) as after:
        assert after.digest == digest
    assert scan_source(tree).digest == digest


def _edit_content(root: Path) -> None:
    (root / "src/pkg/data.txt").write_bytes(b"changed\n")


def _edit_big_file(root: Path) -> None:
    data = bytearray((root / "static/big.bin").read_bytes())
    data[BIG // 2] ^= 1  # same size, one bit flipped inside the streamed file
    (root / "static/big.bin").write_bytes(bytes(data))


def _rename(root: Path) -> None:
    (root / "app.py").rename(root / "main.py")


def _chmod_exec(root: Path) -> None:
    (root / "app.py").chmod(0o755)


def _chmod_back(root: Path) -> None:
    (root / "run.sh").chmod(0o644)


def _swap_contents(root: Path) -> None:
    a, b = root / "app.py", root / "requirements.txt"
    first, second = a.read_bytes(), b.read_bytes()
    a.write_bytes(second)
    b.write_bytes(first)


def _add_empty(root: Path) -> None:
    (root / "src/pkg/empty.py").write_bytes(b"")


def _move_to_folder(root: Path) -> None:
    (root / "lib").mkdir()
    (root / "app.py").rename(root / "lib/app.py")


@pytest.mark.parametrize(
    "edit",
    [
        _edit_content,
        _edit_big_file,
        _rename,
        _chmod_exec,
        _chmod_back,
        _swap_contents,
        _add_empty,
        _move_to_folder,
    ],
)
def test_every_content_change_changes_the_digest(tree: Path, tmp_path: Path, edit: Any) -> None:
    before = scan_source(tree).digest
    edit(tree)
    after = scan_source(tree).digest
    assert after != before
    with build_archive(tree, dest_dir=tmp_path) as archive:
        assert archive.digest == after


def test_mode_bits_other_than_execute_do_not_matter(tree: Path) -> None:
    before = scan_source(tree).digest
    (tree / "app.py").chmod(0o600)
    (tree / "run.sh").chmod(0o700)
    assert scan_source(tree).digest == before


def test_expect_digest_refuses_a_tree_that_changed_since_the_plan(
    tree: Path, tmp_path: Path
) -> None:
    planned = scan_source(tree).digest
    with build_archive(tree, dest_dir=tmp_path, expect_digest=planned) as archive:
        assert archive.digest == planned
    _edit_content(tree)
    with pytest.raises(SourceError, match="changed after it was planned") as caught:
        build_archive(tree, dest_dir=tmp_path, expect_digest=planned)
    assert caught.value.hint == "Run odiac plan again."
    assert list(tmp_path.glob("odiac-source-*")) == []


def test_empty_tree_has_the_digest_of_the_bare_header(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    expected = "sha256:" + hashlib.sha256(b"odiac-source-manifest/1\n").hexdigest()
    assert scan_source(root).digest == expected
    with build_archive(root, dest_dir=tmp_path) as archive:
        assert archive.digest == expected


def test_manifest_is_order_independent_but_the_builder_enforces_order() -> None:
    a = ManifestEntry("a.txt", False, 1, "0" * 64)
    b = ManifestEntry("b.txt", True, 2, "1" * 64)
    assert manifest_digest([b, a]) == manifest_digest([a, b])
    manifest = Manifest()
    manifest.add(b)
    with pytest.raises(ValueError, match="out of order"):
        manifest.add(a)


def test_a_file_gone_between_listing_and_hashing_is_a_source_error(tmp_path: Path) -> None:
    gone = SourceFile("app.py", str(tmp_path / "app.py"), 3, False)
    with pytest.raises(SourceError, match=r"cannot read app\.py"):
        hash_file(gone)
