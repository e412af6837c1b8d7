"""The deterministic source archive: same tree, same bytes, same identity.

Entries are sorted, timestamps fixed at 1980-01-01 00:00, modes fixed at 0644
(0755 for executables), and nothing of the machine (owner, mtime, walk order)
enters the file. The zip is streamed to a temporary file in chunks, so memory
stays flat whatever the tree's size. The source identity recorded in every
deployment is the digest of the content manifest (:mod:`odiac.source.manifest`),
computed in the same single pass that reads and compresses each file: it does
not depend on the zlib build, so every machine agrees on it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from odiac.errors import SourceError
from odiac.source.content import LeftOut, sniff, sniff_file
from odiac.source.manifest import Manifest, ManifestEntry
from odiac.source.walk import SourceFile, list_source
from odiac.source.zipwriter import LEVEL, ZipWriter, deflate

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import TracebackType

    from odiac.source.walk import SourceListing

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_SMALL = 4 << 20  # files up to this size are deflated whole on a worker thread
_WINDOW_BYTES = 32 << 20  # raw bytes read ahead of the writer, at most

_Packed = tuple[int, bytes, ManifestEntry]  # crc32, raw deflate, manifest entry


@dataclass(frozen=True)
class SourceArchive:
    """A built archive on disk; delete it with :meth:`cleanup` or a ``with`` block.

    ``digest`` is the source identity (the manifest digest), not the sha256 of the
    zip file; ``file_count`` and ``total_bytes`` count what was archived.
    """

    path: Path
    digest: str
    file_count: int
    total_bytes: int
    archive_bytes: int
    warnings: tuple[str, ...]
    files: dict[str, str] = field(default_factory=dict)

    def cleanup(self) -> None:
        """Remove the temporary archive file."""
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> SourceArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()


def build_archive(
    root: str | os.PathLike[str],
    exclude: Sequence[str] = (),
    include: Sequence[str] = (),
    *,
    dest_dir: str | os.PathLike[str] | None = None,
    compresslevel: int = LEVEL,
    expect_digest: str | None = None,
) -> SourceArchive:
    """Zip ``root`` deterministically into a temporary ``.zip`` file.

    Args:
        root: The source folder (archive paths are relative to it).
        exclude: ``[source].exclude`` globs.
        include: Globs that override default exclusions and ``.gitignore``.
        dest_dir: Where to put the temporary file (default: the system temp dir).
        compresslevel: zlib level (0-9); changes the bytes, never the digest.
        expect_digest: The identity a plan was made with; a different tree is
            refused, so the archive uploaded is the one planned.

    Raises:
        SourceError: The tree is hostile, a file cannot be read, or the tree no
            longer matches ``expect_digest``.
    """
    listing = list_source(root, exclude, include)
    fd, name = tempfile.mkstemp(prefix="odiac-source-", suffix=".zip", dir=dest_dir)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            manifest = write_zip(listing, handle, compresslevel=compresslevel)
            size = handle.tell()
        if expect_digest is not None and manifest.digest != expect_digest:
            raise SourceError(
                f"the source changed after it was planned (planned {expect_digest[:19]}, "
                f"now {manifest.digest[:19]})",
                hint="Run odiac plan again.",
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return SourceArchive(
        path=path,
        digest=manifest.digest,
        file_count=manifest.file_count,
        total_bytes=manifest.total_bytes,
        archive_bytes=size,
        warnings=(*listing.warnings, *manifest.warnings(listing.sensitive)),
        files=manifest.files,
    )


def write_zip(
    listing: SourceListing,
    handle: IO[bytes],
    *,
    workers: int | None = None,
    compresslevel: int = LEVEL,
) -> Manifest:
    """Write the archive of ``listing`` to a seekable binary file, in listing order.

    Small files are read, hashed and deflated on worker threads, a bounded window
    ahead of the writer (memory stays flat); big files are streamed in chunks and
    hashed on the way. Each file is read once.

    Returns:
        The manifest of exactly the bytes written (its ``digest`` is the identity).
    """
    writer = ZipWriter(handle, level=compresslevel)
    manifest = Manifest()
    threads = workers or min(8, os.cpu_count() or 1)
    window: deque[tuple[SourceFile, Future[_Packed | LeftOut]]] = deque()
    in_flight = 0
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="odiac-zip") as pool:
        for item in listing.files:
            if item.size > _SMALL:
                while window:
                    in_flight -= _write_next(writer, manifest, window)
                manifest.add(_stream(writer, item))
                continue
            window.append((item, pool.submit(_read_deflate, item, compresslevel)))
            in_flight += item.size
            while window and (in_flight > _WINDOW_BYTES or len(window) > 4 * threads):
                in_flight -= _write_next(writer, manifest, window)
        while window:
            in_flight -= _write_next(writer, manifest, window)
    writer.close()
    return manifest


def _mode(item: SourceFile) -> int:
    return 0o100755 if item.executable else 0o100644


def _read_deflate(item: SourceFile, level: int) -> _Packed | LeftOut:
    try:
        with open(item.path, "rb") as src:
            data = src.read()
    except OSError as exc:
        raise SourceError(f"cannot read {item.arcname}: {exc.strerror or exc}") from exc
    verdict = sniff(data)
    if verdict is not None:
        return LeftOut(item.arcname, verdict)
    crc, compressed = deflate(data, level)
    sha = hashlib.sha256(data).hexdigest()
    return crc, compressed, ManifestEntry(item.arcname, item.executable, len(data), sha)


def _write_next(
    writer: ZipWriter,
    manifest: Manifest,
    window: deque[tuple[SourceFile, Future[_Packed | LeftOut]]],
) -> int:
    item, future = window.popleft()
    packed = future.result()
    if isinstance(packed, LeftOut):
        manifest.add(packed)
        return item.size
    crc, compressed, entry = packed
    writer.add(item.arcname, _mode(item), crc, compressed, entry.size)
    manifest.add(entry)
    return item.size


def _stream(writer: ZipWriter, item: SourceFile) -> ManifestEntry | LeftOut:
    sha = hashlib.sha256()
    try:
        verdict = sniff_file(item.path)  # a big file is checked before a byte is written
        if verdict is not None:
            return LeftOut(item.arcname, verdict)
        with open(item.path, "rb") as src:
            writer.add_stream(item.arcname, _mode(item), src, item.size, on_chunk=sha.update)
    except OSError as exc:
        raise SourceError(f"cannot read {item.arcname}: {exc.strerror or exc}") from exc
    return ManifestEntry(item.arcname, item.executable, item.size, sha.hexdigest())
