"""What a file's bytes say about it: an odiac plan document or a private key is never source.

Checked on the bytes actually archived and hashed (each file is read once), so a
renamed key or a plan saved under any name is left out all the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLAN = "plan"
PRIVATE_KEY = "private key"

# An odiac plan file, or the --json plan document: both open with these keys.
_PLAN_HEAD = re.compile(
    rb'\A\s*\{\s*"format_version"\s*:\s*(?:\d+|"[0-9.]+")\s*,\s*"(?:odiac_version|plan_format_version)"\s*:'
)
# A PEM private key block: PKCS#1/#8 (RSA, EC, DSA, ENCRYPTED), OpenSSH, PGP.
_PEM_KEY = re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_OVERLAP = 64  # longer than any marker: a block split across two chunks is still found


@dataclass(frozen=True)
class LeftOut:
    """A file the content check left out (``reason`` is :data:`PLAN` or :data:`PRIVATE_KEY`)."""

    arcname: str
    reason: str


class Sniffer:
    """Fed a file's chunks in order; :attr:`verdict` says why it is not source, if it isn't."""

    def __init__(self) -> None:
        self.verdict: str | None = None
        self._tail = b""
        self._first = True

    def feed(self, chunk: bytes) -> None:
        if self._first:
            self._first = False
            if _PLAN_HEAD.match(chunk[:4096]):
                self.verdict = PLAN
                return
        if self.verdict is None and (_has_key(chunk) or _has_key(self._tail + chunk[:_OVERLAP])):
            self.verdict = PRIVATE_KEY
        self._tail = chunk[-_OVERLAP:]


def _has_key(data: bytes) -> bool:
    # The plain substring search is several times faster than the regex on bulk data.
    return b"PRIVATE KEY" in data and _PEM_KEY.search(data) is not None


def sniff(data: bytes) -> str | None:
    """The verdict for a whole file's bytes."""
    sniffer = Sniffer()
    sniffer.feed(data)
    return sniffer.verdict


def sniff_file(path: str, chunk_size: int = 1 << 20) -> str | None:
    """The verdict for a file read in chunks (big files, before they are streamed)."""
    sniffer = Sniffer()
    with open(path, "rb") as handle:
        while (chunk := handle.read(chunk_size)) and sniffer.verdict is None:
            sniffer.feed(chunk)
    return sniffer.verdict


def sensitive_note(names: list[str], shown: int = 5) -> str | None:
    """The one warning line naming the files left out as sensitive (the first few)."""
    if not names:
        return None
    first = ", ".join(names[:shown])
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    noun = "file" if len(names) == 1 else "files"
    return (
        f"left out {len(names)} sensitive {noun}, never uploaded: {first}{more} "
        "(give the app such values as env secrets)"
    )
