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
from odiac.source.content import PRIVATE_KEY, LeftOut, Sniffer, sensitive_note

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

    def fingerprint(self) -> str:
        """What a saved plan keeps per file to name what changed: the content digest."""
        return ("x:" if self.executable else "") + self.sha256

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
        self.files: dict[str, str] = {}
        self.left_out: list[LeftOut] = []

    def add(self, entry: ManifestEntry | LeftOut) -> None:
        """Append ``entry``; entries must come sorted by UTF-8 path, each once.

        A file the content check left out is recorded apart and never digested.
        """
        if isinstance(entry, LeftOut):
            self.left_out.append(entry)
            return
        key = entry.arcname.encode("utf-8")
        if self._last is not None and key <= self._last:
            raise ValueError(f"manifest entries out of order at {entry.arcname!r}")
        self._last = key
        self._hash.update(entry.record())
        self.file_count += 1
        self.total_bytes += entry.size
        self.files[entry.arcname] = entry.fingerprint()

    def warnings(self, sensitive: list[str]) -> list[str]:
        """The sensitive-files line: ``sensitive`` from the walk plus private keys found."""
        keys = [e.arcname for e in self.left_out if e.reason == PRIVATE_KEY]
        note = sensitive_note([*sensitive, *(f"{k} (a private key)" for k in keys)])
        return [note] if note else []

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


def hash_file(item: SourceFile) -> ManifestEntry | LeftOut:
    """Read ``item`` once, in chunks, into its manifest entry (or why it is not source).

    Raises:
        SourceError: The file cannot be read.
    """
    digest = hashlib.sha256()
    sniffer = Sniffer()
    size = 0
    try:
        with open(item.path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                sniffer.feed(chunk)
                if sniffer.verdict is not None:
                    return LeftOut(item.arcname, sniffer.verdict)
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise SourceError(f"cannot read {item.arcname}: {exc.strerror or exc}") from exc
    return ManifestEntry(item.arcname, item.executable, size, digest.hexdigest())
