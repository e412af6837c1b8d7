"""The source identity without an archive: what ``odiac plan`` needs.

Planning only has to know whether the source changed, so it hashes the files
(on worker threads, each file read once in chunks) and never writes a zip. The
digest equals the one :func:`~odiac.source.archive.build_archive` reports for
the same tree; apply builds the archive only when the plan uploads source.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from odiac.source.manifest import Manifest, ManifestEntry, hash_file
from odiac.source.walk import list_source

if TYPE_CHECKING:
    from collections.abc import Sequence

    from odiac.source.content import LeftOut


@dataclass(frozen=True)
class SourceScan:
    """The identity of a source folder and what its archive would hold."""

    digest: str
    file_count: int
    total_bytes: int
    warnings: tuple[str, ...]
    files: dict[str, str] = field(default_factory=dict)
    """Archive name -> content digest of every file (a saved plan names what changed)."""


def scan_source(
    root: str | os.PathLike[str],
    exclude: Sequence[str] = (),
    include: Sequence[str] = (),
    *,
    workers: int | None = None,
) -> SourceScan:
    """Compute the source identity of ``root`` without building the archive.

    Args:
        root: The source folder.
        exclude: ``[source].exclude`` globs.
        include: Globs that override default exclusions and ``.gitignore``.
        workers: Hashing threads (default: up to 8, one per core).

    Raises:
        SourceError: The tree is hostile or a file cannot be read.
    """
    listing = list_source(root, exclude, include)
    manifest = Manifest()
    threads = workers or min(8, os.cpu_count() or 1)
    # A bounded window of futures, consumed in listing order (the manifest order):
    # submitting every file at once would hold one future per file in memory.
    window: deque[Future[ManifestEntry | LeftOut]] = deque()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="odiac-scan") as pool:
        try:
            for item in listing.files:
                window.append(pool.submit(hash_file, item))
                if len(window) > 4 * threads:
                    manifest.add(window.popleft().result())
            while window:
                manifest.add(window.popleft().result())
        except BaseException:
            pool.shutdown(cancel_futures=True)  # don't hash the rest of a failed tree
            raise
    return SourceScan(
        digest=manifest.digest,
        file_count=manifest.file_count,
        total_bytes=manifest.total_bytes,
        warnings=(*listing.warnings, *manifest.warnings(listing.sensitive)),
        files=manifest.files,
    )
