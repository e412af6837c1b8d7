"""Property: no archive of nested folders, links and files reaches outside its root.

Hypothesis builds archives from entries whose names and link targets mix plain
names, ``..``, absolute paths, the path of a canary folder beside the root, and
links through earlier links (chains). Whatever the archive and whether or not it
is accepted, extraction and the build inspection that reads the result never
create, modify or read anything outside the root.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odiac.emulator import buildcheck
from odiac.emulator.archive import ArchiveError, Limits, extract

CANARY = "CANARY-must-stay-unread"
LIMITS = Limits(max_bytes=1_000_000, max_ratio=200.0, max_entries=200)
_SEGMENTS = ["a", "b", "up", "esc", "..", ".", "OPENDEPLOY_EMULATOR_FAIL_BUILD"]
_ROOT_DEPTH_MAX = 12  # enough `..` to climb from the root to `/`


def _target(canary: Path) -> st.SearchStrategy[str]:
    relative = st.lists(st.sampled_from(["..", "a", "b", "up", "esc", "."]), max_size=6).map(
        "/".join
    )
    climbs = st.integers(1, _ROOT_DEPTH_MAX + 2).map(lambda n: "/".join([".."] * n))
    to_canary = climbs.map(lambda up: f"{up}{canary}")
    absolute = st.sampled_from([str(canary), f"{canary}/secret.txt", "/", "/tmp"])
    chained = st.sampled_from(
        ["up/esc", "up/esc/secret.txt", "a/up", "OPENDEPLOY_EMULATOR_FAIL_BUILD"]
    )
    return relative | climbs | to_canary | absolute | chained


def _entries(canary: Path) -> st.SearchStrategy[list[tuple[str, str, str]]]:
    names = st.lists(st.sampled_from(_SEGMENTS), min_size=1, max_size=5).map("/".join)
    entry = st.one_of(
        st.tuples(st.just("dir"), names, st.just("")),
        st.tuples(st.just("file"), names, st.sampled_from(["x", "hello", ""])),
        st.tuples(st.just("link"), names, _target(canary)),
    )
    return st.lists(entry.map(lambda e: [e]) | _chain(canary), max_size=8).map(
        lambda groups: [e for group in groups for e in group]
    )


def _chain(canary: Path) -> st.SearchStrategy[list[tuple[str, str, str]]]:
    """``p/up`` -> the root, ``p/up/esc`` -> the canary through it, then entries under it.

    Each link passes a textual check on its own (``p`` is deeper than the root is
    below ``/``); only what the first link is on disk makes the second one escape.
    """

    def build(depth: int, tail: str, kind: str) -> list[tuple[str, str, str]]:
        prefix = "/".join(f"d{i}" for i in range(depth))
        escape = "/".join([".."] * (depth + 1)) + str(canary)
        entries = [
            ("link", f"{prefix}/up", "/".join([".."] * depth)),
            ("link", f"{prefix}/up/esc", escape),
        ]
        if kind == "link":
            return [*entries, ("link", "OPENDEPLOY_EMULATOR_FAIL_BUILD", f"{prefix}/up/esc/{tail}")]
        return [*entries, (kind, f"{prefix}/up/esc/{tail}", "planted")]

    return st.builds(
        build,
        st.integers(_ROOT_DEPTH_MAX - 4, _ROOT_DEPTH_MAX),
        st.sampled_from(["secret.txt", "new.txt", "OPENDEPLOY_EMULATOR_FAIL_BUILD"]),
        st.sampled_from(["file", "dir", "link"]),
    )


def _zip(entries: list[tuple[str, str, str]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for kind, name, payload in entries:
            if kind == "dir":
                zf.writestr(name.rstrip("/") + "/", b"")
            elif kind == "file":
                zf.writestr(name, payload)
            else:
                info = zipfile.ZipInfo(name)
                info.create_system = 3
                info.external_attr = (0o120777 << 16) & 0xFFFF0000
                zf.writestr(info, payload)
    return buf.getvalue()


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            st_ = path.lstat()
            data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
            out[str(path.relative_to(folder))] = (data, st_.st_mtime_ns)
    return out


# The canary lives at a fixed place for the whole run so that targets can name it.
_BASE = Path(tempfile.mkdtemp(prefix="odiac-archive-property-"))
_CANARY_DIR = _BASE / "canary"
atexit.register(shutil.rmtree, _BASE, True)


@pytest.mark.filterwarnings("ignore:Duplicate name")
@settings(max_examples=100, deadline=None)
@given(entries=_entries(_CANARY_DIR), sub=st.sampled_from(["", "a", "up", "up/esc", "a/b"]))
def test_extraction_never_leaves_its_root(entries: list[tuple[str, str, str]], sub: str) -> None:
    work = Path(tempfile.mkdtemp(dir=_BASE))
    try:
        _CANARY_DIR.mkdir(exist_ok=True)
        (_CANARY_DIR / "secret.txt").write_text(CANARY)
        (_CANARY_DIR / "OPENDEPLOY_EMULATOR_FAIL_BUILD").write_text(CANARY)
        before = _snapshot(_BASE / "canary")
        siblings = sorted(p.name for p in _BASE.iterdir())
        archive = work / "upload.zip"
        archive.write_bytes(_zip(entries))
        target = work / "root" / "a" / "b" / "src"
        target.parent.mkdir(parents=True)
        with contextlib.suppress(ArchiveError):
            extract(archive, target, LIMITS)
        assert _snapshot(_CANARY_DIR) == before
        assert sorted(p.name for p in _BASE.iterdir()) == siblings
        assert sorted(p.name for p in work.iterdir()) == ["root", "upload.zip"]
        if target.exists():
            facts = buildcheck.inspect(target, {"source_path": sub})
            assert CANARY not in str(facts)
        links = [p for p in work.rglob("*") if p.is_symlink()]
        assert links == []
    finally:
        shutil.rmtree(work, ignore_errors=True)
