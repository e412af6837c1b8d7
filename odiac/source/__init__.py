"""The source archive and the source identity.

from odiac.source import build_archive, scan_source

scan = scan_source("app", exclude=["*.log"])      # no archive written
print(scan.digest, scan.file_count, scan.total_bytes, scan.warnings)

with build_archive("app", exclude=["*.log"], expect_digest=scan.digest) as archive:
    upload(archive.path)          # archive.digest == scan.digest == "sha256:<hex>"

The digest is the sha256 of a canonical content manifest (odiac.source.manifest):
the same tree gives the same digest on every machine, whatever its zlib.
"""

from odiac.source.archive import FIXED_TIME, SourceArchive, build_archive
from odiac.source.manifest import ManifestEntry, manifest_digest
from odiac.source.rules import DEFAULT_EXCLUDED_DIRS, is_env_file, is_secret_file
from odiac.source.scan import SourceScan, scan_source
from odiac.source.walk import SourceFile, SourceListing, list_source

__all__ = [
    "DEFAULT_EXCLUDED_DIRS",
    "FIXED_TIME",
    "ManifestEntry",
    "SourceArchive",
    "SourceFile",
    "SourceListing",
    "SourceScan",
    "build_archive",
    "is_env_file",
    "is_secret_file",
    "list_source",
    "manifest_digest",
    "scan_source",
]
