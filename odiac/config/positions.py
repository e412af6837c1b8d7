"""Where each key of a TOML document is: a small position index.

:mod:`tomllib` parses fast but forgets positions, so after it has accepted a
document this scanner walks the same text once more and records, for every key
path, the offset of the key and of its value. It relies on the document being
valid TOML (the parser has said so) and therefore stays small: it only needs to
find where strings, arrays and inline tables end.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from odiac.config.diagnostics import KeyPath

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class PositionIndex:
    """Key and value positions (1-based line, column) of one TOML document."""

    def __init__(self, text: str) -> None:
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self._keys: dict[KeyPath, int] = {}
        self._values: dict[KeyPath, int] = {}
        self._explicit: set[KeyPath] = set()
        _Scanner(text, self).run()

    def key(self, path: KeyPath) -> tuple[int, int] | None:
        """Position of the key itself (the table header segment for tables)."""
        offset = self._keys.get(path)
        return None if offset is None else self._position(offset)

    def value(self, path: KeyPath) -> tuple[int, int] | None:
        """Position of the value (the key's position for tables and array elements' start)."""
        offset = self._values.get(path, self._keys.get(path))
        return None if offset is None else self._position(offset)

    def nearest(self, path: KeyPath, *, at_key: bool = False) -> tuple[int, int]:
        """Position of ``path`` or, when it is absent, of its closest present ancestor.

        Args:
            path: The key path to find.
            at_key: Prefer the key's position over its value's (unknown-key errors).
        """
        found = self.key(path) if at_key else self.value(path)
        if found is not None:
            return found
        for end in range(len(path) - 1, 0, -1):
            # An absent key is reported where its table is declared.
            ancestor = self.key(path[:end])
            if ancestor is not None:
                return ancestor
        return (1, 1)

    def __contains__(self, path: KeyPath) -> bool:
        return path in self._keys or path in self._values

    def _record_key(self, path: KeyPath, offset: int, *, explicit: bool = False) -> None:
        # A table header wins over a key path implied earlier by a sub-table.
        if explicit and path not in self._explicit:
            self._explicit.add(path)
            self._keys[path] = offset
        else:
            self._keys.setdefault(path, offset)

    def _record_value(self, path: KeyPath, offset: int) -> None:
        self._values.setdefault(path, offset)

    def _position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


class _Scanner:
    """Single pass over valid TOML text, feeding a :class:`PositionIndex`."""

    def __init__(self, text: str, index: PositionIndex) -> None:
        self.s = text
        self.i = 0
        self.index = index
        self.array_tables: dict[KeyPath, int] = {}

    def run(self) -> None:
        table: KeyPath = ()
        while True:
            self._skip(newlines=True)
            if self.i >= len(self.s):
                return
            if self.s[self.i] == "[":
                table = self._header()
            else:
                self._keyval(table)

    def _skip(self, *, newlines: bool) -> None:
        s, n = self.s, len(self.s)
        while self.i < n:
            ch = s[self.i]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self.i += 1
            elif ch == "#":
                end = s.find("\n", self.i)
                self.i = n if end < 0 else end
            else:
                return

    def _header(self) -> KeyPath:
        is_array = self.s.startswith("[[", self.i)
        self.i += 2 if is_array else 1
        parts = self._key()
        self._skip(newlines=False)
        self.i += 2 if is_array else 1
        path: KeyPath = ()
        for number, (name, offset) in enumerate(parts):
            path = (*path, name)
            last = number == len(parts) - 1
            self.index._record_key(path, offset, explicit=last)
            if last and is_array:
                count = self.array_tables.get(path, 0)
                self.array_tables[path] = count + 1
                path = (*path, count)
                self.index._record_key(path, offset, explicit=True)
            elif path in self.array_tables:
                # [a.b] after [[a]] belongs to the latest element of a.
                path = (*path, self.array_tables[path] - 1)
        return path

    def _keyval(self, table: KeyPath) -> None:
        path = table
        for name, offset in self._key():
            path = (*path, name)
            self.index._record_key(path, offset)
        self._skip(newlines=False)
        self.i += 1  # "="
        self._skip(newlines=False)
        self._value(path)

    def _key(self) -> list[tuple[str, int]]:
        parts: list[tuple[str, int]] = []
        while True:
            self._skip(newlines=False)
            start = self.i
            ch = self.s[self.i]
            if ch == '"':
                name = _unescape(self.s[start + 1 : self._end_basic(start) - 1])
            elif ch == "'":
                self.i = self.s.index("'", start + 1) + 1
                name = self.s[start + 1 : self.i - 1]
            else:
                while self.i < len(self.s) and self.s[self.i] in _BARE:
                    self.i += 1
                name = self.s[start : self.i]
            parts.append((name, start))
            self._skip(newlines=False)
            if self.i < len(self.s) and self.s[self.i] == ".":
                self.i += 1
                continue
            return parts

    def _value(self, path: KeyPath) -> None:
        s = self.s
        self.index._record_value(path, self.i)
        if s.startswith('"""', self.i):
            self.i = self._end_multiline('"""')
        elif s.startswith("'''", self.i):
            self.i = self._end_multiline("'''")
        elif s[self.i] == '"':
            self._end_basic(self.i)
        elif s[self.i] == "'":
            self.i = s.index("'", self.i + 1) + 1
        elif s[self.i] == "[":
            self._array(path)
        elif s[self.i] == "{":
            self._inline_table(path)
        else:
            while self.i < len(s) and s[self.i] not in ",]}\r\n#":
                self.i += 1

    def _array(self, path: KeyPath) -> None:
        self.i += 1
        number = 0
        while True:
            self._skip(newlines=True)
            if self.s[self.i] == "]":
                self.i += 1
                return
            self._value((*path, number))
            number += 1
            self._skip(newlines=True)
            if self.s[self.i] == ",":
                self.i += 1

    def _inline_table(self, path: KeyPath) -> None:
        self.i += 1
        while True:
            self._skip(newlines=True)
            if self.s[self.i] == "}":
                self.i += 1
                return
            self._keyval(path)
            self._skip(newlines=True)
            if self.s[self.i] == ",":
                self.i += 1

    def _end_basic(self, start: int) -> int:
        """Move past the basic string opening at ``start``; return the new offset."""
        j = start + 1
        while self.s[j] != '"':
            j += 2 if self.s[j] == "\\" else 1
        self.i = j + 1
        return self.i

    def _end_multiline(self, delimiter: str) -> int:
        j = self.i + 3
        while True:
            if delimiter == '"""' and self.s[j] == "\\":
                j += 2
                continue
            if self.s.startswith(delimiter, j):
                # Up to two quotes right before the closing delimiter belong to the content.
                extra = 0
                while extra < 2 and self.s.startswith(delimiter[0], j + 3 + extra):
                    extra += 1
                return j + 3 + extra
            j += 1


def _unescape(raw: str) -> str:
    out: list[str] = []
    j = 0
    while j < len(raw):
        ch = raw[j]
        if ch != "\\":
            out.append(ch)
            j += 1
            continue
        code = raw[j + 1]
        if code in ("u", "U"):
            width = 4 if code == "u" else 8
            out.append(chr(int(raw[j + 2 : j + 2 + width], 16)))
            j += 2 + width
        else:
            out.append(_ESCAPES.get(code, code))
            j += 2
    return "".join(out)
