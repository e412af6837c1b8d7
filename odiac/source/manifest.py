"""The source identity: a digest of what the archive holds, not of how it is compressed.

Deflate output depends on the zlib build and its settings, so the sha256 of the
zip bytes can differ between a laptop and a CI runner for the same tree. The
identity is therefore the sha256 of a canonical *manifest* of the archived files,
one record per file in archive order (UTF-8 byte order of the path)::

    odiac-source-manifest/1\\n
    <path> NUL <file|exec> NUL <size> NUL <sha256 hex of the content> \\n

``path`` is the POSIX path relative to the source folder (UTF-8, never holds NUL),
``exec`` marks a file with any execute bit (archived as 0755), ``size`` is the
decimal byte count. The result is written ``sha256:<hex>``. Timestamps, owners,
compression and the order of the walk never enter it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from odiac.errors import SourceError

if TYPE_CHECKING:
    from odiac.source.walk import SourceFile

MANIFEST_HEADER = b"odiac-source-manifest/1\n"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ManifestEntry:
    """One archived file as the identity sees it."""

    arcname: str
    executable: bool
    size: int
    sha256: str

    def record(self) -> bytes:
        """The entry's canonical manifest line."""
        kind = "exec" if self.executable else "file"
        return f"{self.arcname}\0{kind}\0{self.size}\0{self.sha256}\n".encode()


class Manifest:
    """Accumulates entries in archive order and digests them incrementally."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256(MANIFEST_HEADER)
        self._last: bytes | None = None
        self.file_count = 0
        self.total_bytes = 0

    def add(self, entry: ManifestEntry) -> None:
        """Append ``entry``; entries must come sorted by UTF-8 path, each once."""
        key = entry.arcname.encode("utf-8")
        if self._last is not None and key <= self._last:
            raise ValueError(f"manifest entries out of order at {entry.arcname!r}")
        self._last = key
        self._hash.update(entry.record())
        self.file_count += 1
        self.total_bytes += entry.size

    @property
    def digest(self) -> str:
        """``sha256:<hex>`` of the manifest so far."""
        return "sha256:" + self._hash.hexdigest()


def manifest_digest(entries: list[ManifestEntry]) -> str:
    """The source identity of ``entries`` (sorted here, so any order is accepted)."""
    manifest = Manifest()
    for entry in sorted(entries, key=lambda e: e.arcname.encode("utf-8")):
        manifest.add(entry)
    return manifest.digest


def hash_file(item: SourceFile) -> ManifestEntry:
    """Read ``item`` once, in chunks, into its manifest entry.

    Raises:
        SourceError: The file cannot be read.
    """
    digest = hashlib.sha256()
    size = 0
    try:
        with open(item.path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise SourceError(f"cannot read {item.arcname}: {exc.strerror or exc}") from exc
    return ManifestEntry(item.arcname, item.executable, size, digest.hexdigest())
