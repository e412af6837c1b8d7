"""Source enumeration (analysis-rules §1.1, §1.2) and the lazy file index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from odiac.analysis.source_index import MAX_READ_BYTES, SourceIndex


def _touch(root: Path, rel: str, text: str = "x") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_never_descended_directories_are_not_listed(tmp_path: Path) -> None:
    """§1.2: dependency stores, caches and build output are skipped; build/ is not."""
    for rel in (
        "node_modules/x/package.json", ".git/config", "dist/app.js", "__pycache__/a.pyc",
        ".venv/lib/site.py", ".next/server.js", ".idea/workspace.xml", "build/gen.py", "src/app.py",
        "vendor/autoload.php", ".github/workflows/ci.yml",
    ):  # fmt: skip
        _touch(tmp_path, rel)
    index = SourceIndex(tmp_path)
    assert index.files == [".github/workflows/ci.yml", "build/gen.py", "src/app.py"]


def test_env_is_skipped_only_when_it_is_a_virtualenv(tmp_path: Path) -> None:
    """§1.2: `env` is a dependency store only when it holds pyvenv.cfg."""
    _touch(tmp_path, "env/pyvenv.cfg")
    _touch(tmp_path, "env/lib/x.py")
    _touch(tmp_path, "other/env/settings.py")
    assert SourceIndex(tmp_path).files == ["other/env/settings.py"]


def test_out_and_build_are_skipped_when_git_ignored(tmp_path: Path) -> None:
    """§1.2: `out` (and `build`) only when listed in .gitignore."""
    _touch(tmp_path, ".gitignore", "out/\nbuild\n")
    _touch(tmp_path, "out/index.html")
    _touch(tmp_path, "build/x.js")
    _touch(tmp_path, "src/out.py")
    assert SourceIndex(tmp_path).files == [".gitignore", "src/out.py"]


def test_large_files_are_listed_but_never_read(tmp_path: Path) -> None:
    """§1.1: files above 1 MiB are present, unread."""
    _touch(tmp_path, "big.json", "a" * (MAX_READ_BYTES + 1))
    index = SourceIndex(tmp_path)
    assert index.exists("big.json")
    assert "big.json" in index.unread
    assert index.read("big.json") is None
    assert index.reads == 0


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this platform")
def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    """§1.1: symlinks are not followed."""
    outside = tmp_path / "outside"
    _touch(outside, "secret.txt")
    root = tmp_path / "repo"
    _touch(root, "app.py")
    (root / "link").symlink_to(outside, target_is_directory=True)
    (root / "file-link").symlink_to(outside / "secret.txt")
    assert SourceIndex(root).files == ["app.py"]


def test_readme_is_read_to_200_lines(tmp_path: Path) -> None:
    """§1.1: README* only the first 200 lines."""
    _touch(tmp_path, "README.md", "\n".join(f"line {i}" for i in range(500)))
    assert len(SourceIndex(tmp_path).lines("README.md")) == 200


def test_reads_are_lazy_and_cached(tmp_path: Path) -> None:
    _touch(tmp_path, "a.txt", "hello")
    index = SourceIndex(tmp_path)
    assert index.reads == 0
    assert index.read("a.txt") == "hello"
    assert index.read("a.txt") == "hello"
    assert index.reads == 1


def test_depth_and_listing(tmp_path: Path) -> None:
    """§1.1: depth counts the directories between the root and the file."""
    _touch(tmp_path, "apps/web/package.json")
    index = SourceIndex(tmp_path)
    assert index.depth("apps/web/package.json") == 2
    assert index.subdirs("") == ["apps"]
    assert index.listdir("apps/web") == ["package.json"]
    assert index.glob("apps/web", "package.*") == ["apps/web/package.json"]


def test_nested_gitignore_applies_below_its_folder(tmp_path: Path) -> None:
    _touch(tmp_path, "web/.gitignore", ".env\n")
    _touch(tmp_path, "web/.env")
    _touch(tmp_path, ".env")
    index = SourceIndex(tmp_path)
    assert index.is_ignored("web/.env")
    assert not index.is_ignored(".env")
