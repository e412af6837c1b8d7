"""A minimal, deterministic ZIP writer that accepts already-compressed entries.

The standard library's ``zipfile`` compresses inside ``write``; compressing small
files on worker threads first (zlib releases the GIL) and writing the results in
order keeps the archive byte-identical while using every core. Every entry is
deflated, dated 1980-01-01 00:00 and carries a Unix mode; ZIP64 records are
written only when a size, an offset or the entry count needs them.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_EOCD = struct.Struct("<IHHHHIIH")
_EOCD64 = struct.Struct("<IQHHIIQQQQ")
_LOCATOR = struct.Struct("<IIQI")
_U32 = 0xFFFFFFFF
_U16 = 0xFFFF
_DEFLATE = 8
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME = 0
_UTF8 = 0x0800
_MADE_BY_UNIX = 3 << 8
LEVEL = 6  # zlib's default, as `zip` uses
CHUNK = 1 << 20


def deflate(data: bytes, level: int = LEVEL) -> tuple[int, bytes]:
    """``(crc32, raw deflate)`` of ``data``."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


@dataclass(frozen=True)
class _Entry:
    name: bytes
    flags: int
    crc: int
    csize: int
    usize: int
    offset: int
    mode: int


class ZipWriter:
    """Writes entries in call order to a seekable binary file; :meth:`close` ends it."""

    def __init__(self, handle: IO[bytes], *, level: int = LEVEL) -> None:
        self._out = handle
        self._level = level
        self._entries: list[_Entry] = []

    def add(self, name: str, mode: int, crc: int, compressed: bytes, size: int) -> None:
        """Add an entry whose data is already deflated."""
        offset = self._out.tell()
        encoded, flags = _name(name)
        self._out.write(_local_header(encoded, flags, crc, len(compressed), size))
        self._out.write(compressed)
        self._entries.append(_Entry(encoded, flags, crc, len(compressed), size, offset, mode))

    def add_stream(
        self,
        name: str,
        mode: int,
        source: IO[bytes],
        size: int,
        on_chunk: Callable[[bytes], object] | None = None,
    ) -> None:
        """Add an entry by streaming ``source`` (``size`` bytes) through the compressor.

        ``on_chunk`` sees every raw chunk read, so a caller can hash the content in
        the same pass.
        """
        offset = self._out.tell()
        encoded, flags = _name(name)
        # Sizes are patched afterwards; ZIP64 is decided up front from the file size.
        big = size >= _U32 - (size >> 8) - 1024
        self._out.write(_local_header(encoded, flags, 0, 0, size, force_zip64=big))
        compressor = zlib.compressobj(self._level, zlib.DEFLATED, -15)
        crc, csize, usize = 0, 0, 0
        while chunk := source.read(CHUNK):
            if on_chunk is not None:
                on_chunk(chunk)
            crc = zlib.crc32(chunk, crc)
            usize += len(chunk)
            out = compressor.compress(chunk)
            csize += len(out)
            self._out.write(out)
        tail = compressor.flush()
        csize += len(tail)
        self._out.write(tail)
        if usize != size:
            raise OSError(f"{name} changed size while it was archived")
        end = self._out.tell()
        self._out.seek(offset)
        self._out.write(_local_header(encoded, flags, crc, csize, usize, force_zip64=big))
        self._out.seek(end)
        self._entries.append(_Entry(encoded, flags, crc, csize, usize, offset, mode))

    def close(self) -> None:
        """Write the central directory and the end records."""
        start = self._out.tell()
        for entry in self._entries:
            self._out.write(_central_header(entry))
        size = self._out.tell() - start
        count = len(self._entries)
        if count >= _U16 or start >= _U32 or size >= _U32:
            eocd64 = self._out.tell()
            self._out.write(_EOCD64.pack(0x06064B50, 44, 45, 45, 0, 0, count, count, size, start))
            self._out.write(_LOCATOR.pack(0x07064B50, 0, eocd64, 1))
            self._out.write(_EOCD.pack(0x06054B50, 0, 0, _U16, _U16, _U32, _U32, 0))
        else:
            self._out.write(_EOCD.pack(0x06054B50, 0, 0, count, count, size, start, 0))


def _name(name: str) -> tuple[bytes, int]:
    return name.encode("utf-8"), (0 if name.isascii() else _UTF8)


def _local_header(
    name: bytes, flags: int, crc: int, csize: int, usize: int, *, force_zip64: bool = False
) -> bytes:
    if force_zip64 or csize >= _U32 or usize >= _U32:
        extra = struct.pack("<HHQQ", 1, 16, usize, csize)
        head = _LOCAL.pack(
            0x04034B50,
            45,
            flags,
            _DEFLATE,
            _DOS_TIME,
            _DOS_DATE,
            crc,
            _U32,
            _U32,
            len(name),
            len(extra),
        )
        return head + name + extra
    head = _LOCAL.pack(
        0x04034B50, 20, flags, _DEFLATE, _DOS_TIME, _DOS_DATE, crc, csize, usize, len(name), 0
    )
    return head + name


def _central_header(entry: _Entry) -> bytes:
    fields: list[int] = []
    usize, csize, offset = entry.usize, entry.csize, entry.offset
    if usize >= _U32:
        fields.append(usize)
        usize = _U32
    if csize >= _U32:
        fields.append(csize)
        csize = _U32
    if offset >= _U32:
        fields.append(offset)
        offset = _U32
    extra = struct.pack(f"<HH{len(fields)}Q", 1, 8 * len(fields), *fields) if fields else b""
    version = 45 if fields else 20
    head = _CENTRAL.pack(
        0x02014B50,
        _MADE_BY_UNIX | version,
        version,
        entry.flags,
        _DEFLATE,
        _DOS_TIME,
        _DOS_DATE,
        entry.crc,
        csize,
        usize,
        len(entry.name),
        len(extra),
        0,
        0,
        0,
        entry.mode << 16,
        offset,
    )
    return head + entry.name + extra
