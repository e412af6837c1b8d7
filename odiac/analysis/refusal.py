"""The refusal checklist's source scan (analysis-rules 11, gateway-api 7.1 item 2).

Mining strings are matched on token boundaries so that a word merely
containing ``t-rex`` (a game asset name) is reported for review, not refused.
The reason names the matched file, never its content.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from odiac.analysis.evidence import Refusal

if TYPE_CHECKING:
    from odiac.analysis.source_index import SourceIndex

_TOKENS = ("xmrig", "ethminer", "cgminer", "t-rex", "gminer", "lolminer")
_BOUNDARY = r"(?<![A-Za-z0-9_\-]){}(?![A-Za-z0-9_\-])"
MINER_RE = re.compile(
    "|".join([_BOUNDARY.format(re.escape(t)) for t in _TOKENS] + [r"stratum\+(?:tcp|ssl|tls)://"]),
    re.IGNORECASE,
)
NEAR_MISS_RE = re.compile("|".join(re.escape(t) for t in _TOKENS), re.IGNORECASE)
WALLET_RE = re.compile(r"\b(WALLET_ADDRESS|MINING_WALLET|WALLET|POOL_URL)\b")

_TEXT_EXT = frozenset(
    {
        ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".py", ".go", ".rs", ".rb", ".php", ".ex",
        ".exs", ".java", ".kt", ".cs", ".sh", ".bash", ".ps1", ".json", ".toml", ".yml", ".yaml",
        ".cfg", ".ini", ".txt", ".conf", ".env", ".xml", ".gradle", ".kts", ".mod",
    }
)  # fmt: skip
_LOCKFILES = frozenset(
    {"package-lock.json", "pnpm-lock.yaml", "yarn.lock", "poetry.lock", "uv.lock", "Cargo.lock",
     "composer.lock", "Gemfile.lock", "go.sum", "mix.lock", "bun.lock", "Pipfile.lock", "pdm.lock"}
)  # fmt: skip


@dataclass
class MiningScan:
    """Result of the scan: matched files, near misses, wallet-shaped names."""

    matches: list[str] = field(default_factory=list)
    near_misses: list[str] = field(default_factory=list)
    wallet_names: list[str] = field(default_factory=list)

    def refusal(self) -> Refusal | None:
        """The analysis-rules 11 refusal object, when mining evidence was found."""
        if not self.matches:
            return None
        first = self.matches[0]
        return Refusal(
            reason=f"Refusing to deploy: crypto-mining software is referenced in {first}.",
            evidence=tuple(dict.fromkeys(self.matches + self.wallet_names)),
        )


def _scannable(rel: str) -> bool:
    name = os.path.basename(rel)
    if name in _LOCKFILES:
        return False
    ext = os.path.splitext(name)[1].lower()
    return (
        ext in _TEXT_EXT
        or name.startswith(("Dockerfile", "Procfile", ".env"))
        or (name.endswith(".Dockerfile") or ext == "")
    )


def scan_for_mining(index: SourceIndex) -> MiningScan:
    """Scan file names and the text of source, scripts, descriptors and manifests."""
    scan = MiningScan()
    for rel in index.files:
        name = os.path.basename(rel)
        if MINER_RE.search(name):
            scan.matches.append(rel)
            continue
        if not _scannable(rel):
            if NEAR_MISS_RE.search(name):
                scan.near_misses.append(rel)
            continue
        text = index.read(rel, cache=False)
        if not text:
            continue
        if MINER_RE.search(text):
            scan.matches.append(rel)
        elif NEAR_MISS_RE.search(text) or NEAR_MISS_RE.search(name):
            scan.near_misses.append(rel)
        if WALLET_RE.search(text):
            scan.wallet_names.append(rel)
    if not scan.matches:
        scan.wallet_names.clear()
    return scan
