"""Commented-out code is not evidence: comments blanked before pattern matching.

Comments are replaced by spaces (newlines kept), so offsets and line numbers
of everything else stay those of the file. Strings are matched first so that a
``#`` or ``//`` inside a string (``"http://db"``) is never taken for a comment.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from odiac.analysis.source_index import SourceIndex

_STR = r""""(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'"""
_C_STYLE = re.compile(rf"{_STR}|`(?:\\.|[^`\\])*`|//[^\n]*|/\*[\s\S]*?\*/")
_HASH = re.compile(rf'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|{_STR}|#[^\n]*')
_PHP = re.compile(rf"{_STR}|//[^\n]*|/\*[\s\S]*?\*/|#(?!\[)[^\n]*")
_SHELL = re.compile(rf"{_STR}|(?:(?<=\s)|^)#[^\n]*", re.M)
_ERB_YAML = re.compile(r"^\s*#[^\n]*", re.M)

C_STYLE_EXT = frozenset(
    {".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".svelte", ".astro",
     ".go", ".rs", ".java", ".kt", ".kts", ".cs", ".fs", ".prisma", ".scala", ".swift", ".dart"}
)  # fmt: skip
HASH_EXT = frozenset({".py", ".rb", ".ex", ".exs", ".toml", ".properties"})


def _blank(match: re.Match[str]) -> str:
    text = match[0]
    if text[0] in "\"'`":
        return text
    return re.sub(r"[^\n]", " ", text)


def strip_comments(rel: str, text: str) -> str:
    """``text`` with the comments of its language blanked (unknown languages unchanged)."""
    name = os.path.basename(rel)
    ext = os.path.splitext(name)[1].lower()
    if ext in C_STYLE_EXT:
        regex = _C_STYLE
    elif ext in HASH_EXT or name in {"Gemfile", "Rakefile", "Procfile"}:
        regex = _HASH
    elif ext == ".php":
        regex = _PHP
    elif ext in {".sh", ".bash"} or name in {"Dockerfile", "entrypoint.sh"}:
        regex = _SHELL
    elif ext in {".yml", ".yaml"}:
        regex = _ERB_YAML
    else:
        return text
    if ext in {".vue", ".svelte", ".astro"} and "<!--" in text:
        text = re.sub(r"<!--[\s\S]*?-->", lambda m: re.sub(r"[^\n]", " ", m[0]), text)
    return regex.sub(_blank, text)


_CACHE: WeakKeyDictionary[SourceIndex, dict[str, str]] = WeakKeyDictionary()


def code_of(index: SourceIndex, rel: str) -> str:
    """The text of ``rel`` with comments blanked ("" when unreadable); cached per index."""
    cache = _CACHE.setdefault(index, {})
    if rel not in cache:
        cache[rel] = strip_comments(rel, index.read(rel) or "")
    return cache[rel]
