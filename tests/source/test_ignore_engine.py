"""Analysis and upload share one ``.gitignore`` engine, so ``odiac init`` analyses the
tree that is uploaded: nested negations, directory rules and deeper files agree."""

from __future__ import annotations

from pathlib import Path

from odiac.analysis.source_index import SourceIndex
from odiac.source import list_source

TREE = {
    ".gitignore": "*.log\nout/\n",
    "root.log": "x",
    "app.py": "x",
    "sub/.gitignore": "!keep.log\n",
    "sub/keep.log": "x",
    "sub/deeper/keep.log": "x",
    "sub/deeper/other.txt": "x",
    "other/keep.log": "x",
    "other/.gitignore": "!*.log\nsecret.txt\n",
    "other/secret.txt": "x",
    "third/a.log": "x",
}


def _tree(root: Path) -> Path:
    for rel, text in TREE.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_nested_negation_is_read_the_same_by_analysis_and_upload(tmp_path: Path) -> None:
    root = _tree(tmp_path / "app")
    uploaded = {f.arcname for f in list_source(root).files}
    index = SourceIndex(root)
    for rel in TREE:
        assert (rel not in uploaded) == index.is_ignored(rel), rel
    assert "sub/keep.log" in uploaded
    assert "sub/deeper/keep.log" in uploaded
    assert "root.log" not in uploaded
    assert "third/a.log" not in uploaded
    assert "other/keep.log" in uploaded
    assert "other/secret.txt" not in uploaded
    assert index.is_ignored("out/")


def test_a_private_key_split_across_read_chunks_is_still_found() -> None:
    from odiac.source.content import PRIVATE_KEY, Sniffer

    data = b"x" * 100 + b"-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n"
    for cut in range(95, 140):
        sniffer = Sniffer()
        sniffer.feed(data[:cut])
        sniffer.feed(data[cut:])
        assert sniffer.verdict == PRIVATE_KEY, cut
