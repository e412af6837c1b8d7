"""A small, strict parser for ``.env`` files.

Supported, as in the common dotenv dialect: ``KEY=value`` lines, an optional
``export`` prefix, blank lines and ``#`` comments (a ``#`` after whitespace ends
an unquoted value), single-quoted values (literal; ``\\'`` and ``\\\\`` escape),
double-quoted values with the escapes ``\\n \\r \\t \\" \\\\ \\$`` (others are
kept as written), and quoted values spanning several lines. ``${VAR}`` is not
expanded. A later duplicate key wins.

Errors name the line only: the offending text may be a secret.
"""

from __future__ import annotations

import re

_KEY_RE = re.compile(r"[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*")
_DOUBLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$"}
_SINGLE_ESCAPES = {"'": "'", "\\": "\\"}


class DotenvSyntaxError(ValueError):
    """The file is not valid dotenv; ``line`` is 1-based. Never carries file text."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


def parse_dotenv(text: str) -> dict[str, str]:
    """Parse dotenv ``text`` into a mapping of keys to values.

    Raises:
        DotenvSyntaxError: A line is neither blank, a comment nor ``KEY=value``,
            or a quoted value is never closed.
    """
    parser = _Parser(text.replace("\r\n", "\n"))
    return parser.parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1

    def parse(self) -> dict[str, str]:
        values: dict[str, str] = {}
        while self.pos < len(self.text):
            end = self._line_end()
            stripped = self.text[self.pos : end].strip()
            if not stripped or stripped.startswith("#"):
                self._next_line(end)
                continue
            match = _KEY_RE.match(self.text, self.pos, end)
            if match is None:
                raise DotenvSyntaxError(self.line, "expected KEY=value")
            self._advance_to(match.end())
            values[match.group(1)] = self._value()
        return values

    def _next_line(self, end: int) -> None:
        """Move past the line break at ``end`` (the end of the current line)."""
        self._advance_to(min(end + 1, len(self.text)))

    def _line_end(self) -> int:
        end = self.text.find("\n", self.pos)
        return len(self.text) if end < 0 else end

    def _advance_to(self, pos: int) -> None:
        """Move to ``pos``, counting the lines passed."""
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos

    def _value(self) -> str:
        quote = self.text[self.pos : self.pos + 1]
        if quote in ('"', "'"):
            return self._quoted(quote)
        end = self._line_end()
        raw = self.text[self.pos : end]
        comment = re.search(r"[ \t]#", raw)
        if comment is not None:
            raw = raw[: comment.start()]
        self._next_line(end)
        return raw.rstrip(" \t")

    def _quoted(self, quote: str) -> str:
        start_line = self.line
        escapes = _DOUBLE_ESCAPES if quote == '"' else _SINGLE_ESCAPES
        out: list[str] = []
        i = self.pos + 1
        text = self.text
        while i < len(text):
            char = text[i]
            if char == "\\" and i + 1 < len(text) and text[i + 1] in escapes:
                out.append(escapes[text[i + 1]])
                i += 2
                continue
            if char == quote:
                self._advance_to(i + 1)
                self._rest_of_line()
                return "".join(out)
            out.append(char)
            i += 1
        raise DotenvSyntaxError(start_line, f"the {quote} quoted value is never closed")

    def _rest_of_line(self) -> None:
        """After a closing quote only whitespace and a comment may follow."""
        end = self._line_end()
        rest = self.text[self.pos : end].strip(" \t")
        if rest and not rest.startswith("#"):
            raise DotenvSyntaxError(self.line, "unexpected text after the closing quote")
        self._next_line(end)
