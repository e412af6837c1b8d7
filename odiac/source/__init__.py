"""The source archive: a deterministic zip of the source folder and its sha256.

from odiac.source import build_archive

with build_archive("app", exclude=["*.log"]) as archive:
    upload(archive.path)          # archive.digest == "sha256:<hex>"
    print(archive.file_count, archive.total_bytes, archive.warnings)
"""

from odiac.source.archive import FIXED_TIME, SourceArchive, build_archive, scan_source
from odiac.source.rules import DEFAULT_EXCLUDED_DIRS, is_env_file, is_secret_file
from odiac.source.walk import SourceFile, SourceListing, list_source

__all__ = [
    "DEFAULT_EXCLUDED_DIRS",
    "FIXED_TIME",
    "SourceArchive",
    "SourceFile",
    "SourceListing",
    "build_archive",
    "is_env_file",
    "is_secret_file",
    "list_source",
    "scan_source",
]
