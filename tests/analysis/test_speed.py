"""A 20,000-file repository is analysed without reading what the analysis does not need."""

from __future__ import annotations

import json
from pathlib import Path

from odiac.plugin.manager import PluginManager


def test_large_tree_reads_only_what_it_needs(tmp_path: Path, pm: PluginManager) -> None:
    """§1.1 / §1.2: never-descend directories are not walked; binary assets are not read."""
    root = tmp_path / "big"
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text(
        json.dumps({"scripts": {"start": "node src/index.js"}, "dependencies": {"express": "4"}})
    )
    (root / "src" / "index.js").write_text("app.listen(process.env.PORT || 3000)\n")
    for store in ("node_modules/pkg", ".git/objects", "dist"):
        folder = root / store
        folder.mkdir(parents=True)
        for i in range(5000):
            (folder / f"f{i}.js").write_text("process.env.NEVER_READ\n")
    assets = root / "public" / "img"
    assets.mkdir(parents=True)
    for i in range(5000):
        (assets / f"i{i}.png").write_bytes(b"\x89PNG")
    result = pm.analyze(root)
    assert result.services[0].port == 3000
    assert result.files_walked == 5002
    assert result.files_read <= 10
    assert "NEVER_READ" not in {v.name for v in result.services[0].runtime_vars}
