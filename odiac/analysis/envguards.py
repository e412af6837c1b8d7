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


# `config.dsn = ENV["SENTRY_DSN"]` where `config` is the block parameter of a library's
# `Sentry.init do |config|`: a nil setting is the library's own unset default.
_RUBY_BLOCK_PARAM = re.compile(r"\bdo\s*\|\s*(\w+)\s*\|")
_RUBY_SETTING = re.compile(r"^\s*(\w+)\.[\w.]+\s*=\s*ENV\[\s*[\"']\w+[\"']\s*\]\s*(?:#.*)?$")
# `'key' => ENV['x'],` / `key: ENV['x'],`: one entry of a hash literal.
_RUBY_HASH_ENTRY = re.compile(
    r"^(\s*)(?:[\"']\w+[\"']\s*=>|\w+:)\s*ENV\[\s*[\"']\w+[\"']\s*\]\s*,?\s*(?:#.*)?$"
)
_RUBY_FALLBACK = re.compile(r"ENV\[[^\]]*\]\s*(?:\|\||\bor\b)|ENV\.fetch\([^,)]+,")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _hash_of(lines: list[str], at: int) -> list[str]:
    """The lines of the hash literal holding the entry on line index ``at``."""
    indent = _indent(lines[at])
    start = at
    while start > 0 and not (
        _indent(lines[start - 1]) < indent and lines[start - 1].rstrip().endswith("{")
    ):
        start -= 1
        if at - start > 200:
            return []
    if start == 0:
        return []
    opening = _indent(lines[start - 1])
    end = at
    while end < len(lines) and not (
        lines[end].lstrip().startswith("}") and _indent(lines[end]) <= opening
    ):
        end += 1
    return lines[start:end]


def ruby_nil_tolerant_lines(text: str) -> set[int]:
    """1-based lines whose ``ENV[...]`` nil is a valid value (analysis-rules 7.3: unsure is
    optional): a library setting assigned in its configure block, or an entry of a
    defaults hash whose other entries carry fallbacks (those without one may be nil)."""
    lines = text.splitlines()
    params = set(_RUBY_BLOCK_PARAM.findall(text))
    tolerant: set[int] = set()
    for number, line in enumerate(lines):
        setting = _RUBY_SETTING.match(line)
        library_setting = bool(setting and setting[1] in params)
        if library_setting or (
            _RUBY_HASH_ENTRY.match(line)
            and any(_RUBY_FALLBACK.search(other) for other in _hash_of(lines, number))
        ):
            tolerant.add(number + 1)
    return tolerant


def apply_ruby_guards(text: str, reads: list[EnvRead]) -> None:
    """Reads inside an env-guarded feature path are optional, unless a validator says otherwise."""
    guarded = ruby_guarded_lines(text) | ruby_nil_tolerant_lines(text)
    for read in reads:
        if read.evidence.line in guarded and read.required is not True and read.fallback is None:
            read.required = False


def elixir_dereferenced(text: str, start: int) -> bool:
    """Whether ``System.get_env`` at ``start`` feeds a call that fails on ``nil``."""
    line_start = text.rfind("\n", 0, start) + 1
    return bool(_ELIXIR_DEREF.search(text, line_start, start))


# Rails' own YAML files: their ERB values configure the framework (database, secrets).
_RAILS_YAML = frozenset({"database", "secrets", "storage", "cable", "credentials"})


def apply_gem_yaml(rel: str, text: str, reads: list[EnvRead]) -> None:
    """``key: <%= ENV['SCOUT_KEY'] %>`` in a gem's own YAML config (``config/scout_apm.yml``):
    ERB renders an unset name as an empty value and the gem stays unconfigured (off)."""
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if stem in _RAILS_YAML or "<%" not in text:
        return
    lines = text.splitlines()
    for read in reads:
        number = read.evidence.line or 0
        if 0 < number <= len(lines) and "<%" in lines[number - 1] and read.required is None:
            read.required = False


# `if [ -n "${BUCKET_MOUNT}" ]; then` / `if [ "$X" ]` / `if [ ! -z "$X" ]`: runs only when X is set.
_SHELL_IF_SET = re.compile(
    r"""^\s*(?:if|elif)\s+\[\[?\s*(?:-n\s+|!\s+-z\s+)?"?\$\{?[A-Za-z_]\w*\}?"?\s*\]\]?"""
)
# `[ "$X" = "postgres" ]`: the value is only compared, never used as such.
_SHELL_COMPARED = (
    r"""\[\[?\s*"?\$\{{?{name}\}}?"?\s*(?:==?|!=)\s*"""
    r"""|(?:==?|!=)\s*"?\$\{{?{name}\}}?"?\s*\]"""
)
_SHELL_IF = re.compile(r"^\s*if\b")
_SHELL_FI = re.compile(r"^\s*fi\b")


def apply_shell_guards(text: str, reads: list[EnvRead]) -> None:
    """Reads inside a start script's ``if [ -n "$X" ]`` block are a feature path: optional.

    So is a value only compared (``[ "$X" = "postgres" ]``): unset, the test is false.
    """
    lines = text.splitlines()
    guarded: set[int] = set()
    for number, line in enumerate(lines):
        if not _SHELL_IF_SET.match(line):
            continue
        depth = 0
        for inner in range(number, len(lines)):
            if _SHELL_IF.match(lines[inner]):
                depth += 1
            elif _SHELL_FI.match(lines[inner]):
                depth -= 1
                if depth == 0:
                    break
            guarded.add(inner + 1)
    for read in reads:
        if read.required is True or read.fallback is not None or not read.evidence.line:
            continue
        line = lines[read.evidence.line - 1] if read.evidence.line <= len(lines) else ""
        compared = re.search(_SHELL_COMPARED.format(name=re.escape(read.name)), line)
        if read.evidence.line in guarded or compared:
            read.required = False  # unset, the test is false and the branch is skipped
