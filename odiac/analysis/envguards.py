"""Guards that make an env read optional or required, per language (analysis-rules 7.3, 7.4).

Grep-level like the reference scanner: a Ruby ``if ENV[...]`` block is a feature
path, so every read inside it is optional (analysis-rules 7.4 ``feature_optional``);
an Elixir ``System.get_env`` without a fallback gives ``nil``, which the app
copes with unless the value is handed straight to a function that crashes on it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from odiac.analysis.context import EnvRead

# `if ENV["A"]`, `x = if ENV.fetch("A", nil)`, `if Rails.env.production? && ENV["A"]`.
_RUBY_BLOCK_IF = re.compile(
    r"^(\s*)(?:[\w.:@\[\]\"']+\s*=\s*)?if\b(?=.*\bENV\s*(?:\[|\.fetch|\.key\?))"
)
# `config.x = ENV["B"] if ENV["A"]`: the statement before a modifier `if` on ENV.
_RUBY_MODIFIER_IF = re.compile(r"\S.*?\sif\s+[^\n]*\bENV\s*(?:\[|\.fetch|\.key\?)")
# `String.to_integer(System.get_env("X"))`: nil crashes the call at boot.
_ELIXIR_DEREF = re.compile(r"\b(?:String|Integer|Path|URI|Base|Jason)\.\w+!?\(\s*$|\|>\s*$")


def ruby_guarded_lines(text: str) -> set[int]:
    """1-based lines that run only when an ``if`` on an env read holds (its body, or the
    statement a modifier ``if`` guards)."""
    lines = text.splitlines()
    guarded: set[int] = set()
    for number, line in enumerate(lines, start=1):
        block = _RUBY_BLOCK_IF.match(line)
        if block and not line.rstrip().endswith("end"):
            indent = len(block[1])
            for inner in range(number, len(lines)):
                body = lines[inner]
                stripped = body.lstrip()
                if stripped and len(body) - len(stripped) <= indent:
                    break  # `end`/`else`/`elsif`, or the next statement: the block is over
                guarded.add(inner + 1)
        elif _RUBY_MODIFIER_IF.match(line) and not block:
            guarded.add(number)
    return guarded


def apply_ruby_guards(text: str, reads: list[EnvRead]) -> None:
    """Reads inside an env-guarded feature path are optional, unless a validator says otherwise."""
    guarded = ruby_guarded_lines(text)
    for read in reads:
        if read.evidence.line in guarded and read.required is not True and read.fallback is None:
            read.required = False


def elixir_dereferenced(text: str, start: int) -> bool:
    """Whether ``System.get_env`` at ``start`` feeds a call that fails on ``nil``."""
    line_start = text.rfind("\n", 0, start) + 1
    return bool(_ELIXIR_DEREF.search(text, line_start, start))
