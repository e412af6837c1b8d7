"""The deterministic source archive: same tree, same bytes, same sha256.

Entries are sorted, timestamps fixed at 1980-01-01 00:00, modes fixed at 0644
(0755 for executables), and nothing of the machine (owner, mtime, walk order)
enters the file. The zip is streamed to a temporary file in chunks, so memory
stays flat whatever the tree's size. Its sha256 is the source identity recorded
in every deployment. (Deflate output depends on the zlib build; two machines
with different zlib builds may produce different digests for the same tree.)
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from odiac.errors import SourceError
from odiac.source.walk import SourceFile, list_source
from odiac.source.zipwriter import ZipWriter, deflate

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import TracebackType

    from odiac.source.walk import SourceListing

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_SMALL = 4 << 20  # files up to this size are deflated whole on a worker thread
_WINDOW_BYTES = 32 << 20  # raw bytes read ahead of the writer, at most


@dataclass(frozen=True)
class SourceArchive:
    """A built archive on disk; delete it with :meth:`cleanup` or a ``with`` block."""

    path: Path
    digest: str
    file_count: int
    total_bytes: int
    archive_bytes: int
    warnings: tuple[str, ...]

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
) -> SourceArchive:
    """Zip ``root`` deterministically into a temporary ``.zip`` file.

    Args:
        root: The source folder (archive paths are relative to it).
        exclude: ``[source].exclude`` globs.
        include: Globs that override default exclusions and ``.gitignore``.
        dest_dir: Where to put the temporary file (default: the system temp dir).

    Raises:
        SourceError: The tree is hostile or a file cannot be read.
    """
    listing = list_source(root, exclude, include)
    fd, name = tempfile.mkstemp(prefix="odiac-source-", suffix=".zip", dir=dest_dir)
    path = Path(name)
    try:
        with os.fdopen(fd, "w+b") as handle:
            write_zip(listing, handle)
            handle.flush()
            size = handle.tell()
            handle.seek(0)
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return SourceArchive(
        path=path,
        digest=f"sha256:{digest}",
        file_count=len(listing.files),
        total_bytes=listing.total_bytes,
        archive_bytes=size,
        warnings=tuple(listing.warnings),
    )


def scan_source(
    root: str | os.PathLike[str], exclude: Sequence[str] = (), include: Sequence[str] = ()
) -> tuple[int, int, str]:
    """``(file_count, total_bytes, digest)`` of ``root``'s archive, without keeping it."""
    with build_archive(root, exclude, include) as archive:
        return archive.file_count, archive.total_bytes, archive.digest


def write_zip(listing: SourceListing, handle: IO[bytes], *, workers: int | None = None) -> None:
    """Write the archive of ``listing`` to a seekable binary file, in listing order.

    Small files are read and deflated on worker threads, a bounded window ahead of
    the writer (memory stays flat); big files are streamed in chunks.
    """
    writer = ZipWriter(handle)
    threads = workers or min(8, os.cpu_count() or 1)
    window: deque[tuple[SourceFile, Future[tuple[int, bytes, int]]]] = deque()
    in_flight = 0
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="odiac-zip") as pool:
        for item in listing.files:
            if item.size > _SMALL:
                while window:
                    in_flight -= _write_next(writer, window)
                _stream(writer, item)
                continue
            window.append((item, pool.submit(_read_deflate, item)))
            in_flight += item.size
            while window and (in_flight > _WINDOW_BYTES or len(window) > 4 * threads):
                in_flight -= _write_next(writer, window)
        while window:
            in_flight -= _write_next(writer, window)
    writer.close()


def _mode(item: SourceFile) -> int:
    return 0o100755 if item.executable else 0o100644


def _read_deflate(item: SourceFile) -> tuple[int, bytes, int]:
    try:
        with open(item.path, "rb") as src:
            data = src.read()
    except OSError as exc:
        raise SourceError(f"cannot read {item.arcname}: {exc.strerror or exc}") from exc
    crc, compressed = deflate(data)
    return crc, compressed, len(data)


def _write_next(
    writer: ZipWriter, window: deque[tuple[SourceFile, Future[tuple[int, bytes, int]]]]
) -> int:
    item, future = window.popleft()
    crc, compressed, size = future.result()
    writer.add(item.arcname, _mode(item), crc, compressed, size)
    return item.size


def _stream(writer: ZipWriter, item: SourceFile) -> None:
    try:
        with open(item.path, "rb") as src:
            writer.add_stream(item.arcname, _mode(item), src, item.size)
    except OSError as exc:
        raise SourceError(f"cannot read {item.arcname}: {exc.strerror or exc}") from exc
