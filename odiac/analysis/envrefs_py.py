"""Python specifics of ``required`` (analysis-rules 7.3, 7.4): reads that crash the import
when the variable is unset, and reads the app only makes once it knows the variable is set.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from odiac.analysis.context import EnvRead
from odiac.analysis.evidence import Evidence
from odiac.analysis.names import FEATURE_BRANCH_NOTE

if TYPE_CHECKING:
    from collections.abc import Iterable

    from odiac.analysis.source_index import SourceIndex

# `os.environ.get("X").split(" ")`, `int(os.getenv("X"))`: None has no such method and is no
# number, so an import-time read like these crashes when X is unset (startup_critical).
_DEREF = re.compile(r"\s*\)\s*(?:\.\s*[A-Za-z_]\w*\s*\(|\[)")
_NUMBER = re.compile(r"\b(?:int|float|Decimal|Path|json\.loads)\(\s*$")
_CLOSED = re.compile(r"\s*\)\s*\)")
# Settings Django refuses to start without (ImproperlyConfigured when empty).
_DJANGO_MANDATORY = re.compile(r"^SECRET_KEY\s*=\s*$")
_DJANGO_SETTINGS = re.compile(r"(?:^|/)settings/\w+\.py$")  # a split settings package
_FUNCTION = re.compile(r"(?:async\s+)?def\b|lambda\b")


def fails_unset(text: str, start: int, end: int, rel: str) -> bool:
    """A ``.get()``/``getenv()`` without fallback whose ``None`` breaks the app at import."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    crashes = bool(_DEREF.match(text, end)) or (
        bool(_NUMBER.search(before)) and bool(_CLOSED.match(text, end))
    )
    mandatory = bool(_DJANGO_MANDATORY.match(before)) and (
        "INSTALLED_APPS" in text or bool(_DJANGO_SETTINGS.search(rel))
    )
    return (crashes or mandatory) and _at_import(text, line_start)


# The value names the configuration to load: `app.config.from_object(os.getenv("X"))`,
# `import_module(settings)`. Unset, no configuration loads at all (startup_critical).
_LOADER = r"(?:\.from_object|\.from_envvar|\bimport_module|\bimport_string)\(\s*"
_LOADER_BEFORE = re.compile(_LOADER + r"$")
_ASSIGN = re.compile(r"^\s*(\w+)\s*=\s*$")


def selects_config(text: str, start: int, end: int) -> bool:
    """Whether a read without fallback (or its variable) is passed to a config loader."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if _LOADER_BEFORE.search(before):
        return True
    assigned = _ASSIGN.match(before)
    line_end = text.find("\n", end)
    rest = text[end : line_end if line_end >= 0 else len(text)]
    if not assigned or not re.fullmatch(r"\s*\)?\s*", rest):
        return False
    return bool(re.search(_LOADER + re.escape(assigned[1]) + r"\s*\)", text[end : end + 1500]))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _at_import(text: str, line_start: int) -> bool:
    """Whether the line runs when the module is imported: module level or a class body."""
    line_end = text.find("\n", line_start)
    indent = _indent(text[line_start : line_end if line_end >= 0 else len(text)])
    for line in reversed(text[:line_start].splitlines()):
        if not indent:
            return True
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        if _indent(line) < indent:
            if _FUNCTION.match(stripped):
                return False
            indent = _indent(line)
    return indent == 0


# `if "X" in os.environ:` / `if os.getenv("X"):` — the block below runs only when X is set.
_PRESENCE = re.compile(
    r"""["']\w+["']\s+in\s+(?:os\.)?environ\b"""
    r"""|(?<![\w.])(?:os\.)?(?:getenv|environ\.get)\(\s*["']\w+["']\s*\)"""
    r"""(?!\s*(?:[=!<>]=|[<>.\[]|in\b|not\b))"""  # a truth test, not `== "production"`
)
_HEADER = re.compile(r"(?:if|elif)\b")
_NEGATED = re.compile(r"\bnot\s+(?:in\b|\(?\s*(?:os\.|getenv|environ))")


def release_guarded(text: str, reads: list[EnvRead]) -> None:
    """Reads inside a block that runs only when some variable is set are optional: the
    variable itself, and whatever else that optional feature reads (``feature_optional``)."""
    lines = text.splitlines()
    blocks: list[tuple[int, int]] = []
    for number, line in enumerate(lines):
        if not _HEADER.match(line.lstrip(" \t")):
            continue
        last = number
        while last < min(number + 6, len(lines) - 1) and not lines[last].rstrip().endswith(":"):
            last += 1  # a condition over several lines
        header = " ".join(lines[number : last + 1])
        if _NEGATED.search(header):
            continue
        if not _PRESENCE.search(header):
            continue
        end = last + 1
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > _indent(line)):
            end += 1
        blocks.append((last + 2, end))  # 1-based lines of the body
    for read in reads:
        line_no = read.evidence.line or 0
        if any(lo <= line_no <= hi for lo, hi in blocks):
            read.required = False


# -- custom helpers wrapping os.getenv (analysis-rules 7.1: `envbool("NAME")`) ----------

_DEF = re.compile(
    r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\((?:[ \t]*#[^\n]*)?\s*(?:self,\s*)?(\w+)",
    re.M,
)
_COVERED = frozenset({"getenv", "get", "env", "config"})  # read by the patterns already
_LITERAL = r"""(?P<fb>"[^"\n]*"|'[^'\n]*'|-?\d+(?:\.\d+)?|True|False|None|[A-Za-z_][\w.]*)"""


def _body(text: str, start: int, indent: int) -> str:
    """The text of a function from its ``def`` to the next line at its indentation or less."""
    pos = text.find("\n", start)
    while 0 <= pos < len(text) - 1:
        nxt = text.find("\n", pos + 1)
        line = text[pos + 1 : nxt if nxt >= 0 else len(text)]
        stripped = line.lstrip(" \t")
        if stripped and not stripped.startswith((")", "#")) and _indent(line) <= indent:
            return text[start:pos]
        pos = nxt
    return text[start:]


def helper_names(texts: Iterable[str]) -> set[str]:
    """Functions that read the variable named by their first parameter, directly
    (``os.getenv(key)``) or through another such function."""
    defs: list[tuple[str, str, str]] = []
    for text in texts:
        if "def " in text:
            defs += [(m[2], m[3], _body(text, m.end(), len(m[1]))) for m in _DEF.finditer(text)]
    helpers: set[str] = set()
    changed = True
    while changed:
        changed = False
        callees = "|".join(re.escape(h) for h in sorted(helpers)) or r"(?!)"
        for name, param, body in defs:
            p = re.escape(param)
            if name in helpers or name in _COVERED:
                continue
            if (
                "environ" not in body
                and "getenv" not in body
                and not any(h in body for h in helpers)
            ):
                continue
            if re.search(
                rf"(?:getenv|environ\.get)\(\s*{p}\b|environ\[\s*{p}\s*\]"
                rf"|(?<![\w.])(?:{callees})\(\s*(?:\w+\s*=\s*)?{p}\b",
                body,
            ):
                helpers.add(name)
                changed = True
    return helpers


def helper_reads(text: str, rel: str, index: SourceIndex, helpers: set[str]) -> list[EnvRead]:
    """``get_env("NAME", default)`` calls of the project's own helpers."""
    names = "|".join(re.escape(h) for h in sorted(helpers))
    call = re.compile(
        rf"(?<![\w.])(?:\w+\.)?(?P<helper>{names})\(\s*(?:\w+\s*=\s*)?[\"'](?P<name>[A-Z_][A-Z0-9_]*)[\"']"
        rf"\s*(?:,\s*(?:default\s*=\s*)?{_LITERAL})?"
    )
    reads: list[EnvRead] = []
    for match in call.finditer(text):
        fb = match["fb"]
        reads.append(
            EnvRead(
                name=match["name"],
                source="code",
                evidence=Evidence(
                    file=rel,
                    line=index.line_of(rel, match.start()),
                    note=f"read through {match['helper']}()",
                ),
                fallback=None if fb in (None, "None") else fb,
                required=None if fb not in (None, "None") else False,  # unsure: optional
            )
        )
    return reads


# -- branches on a setting that selects a strategy (analysis-rules 7.4 feature_optional) ---

_BRANCH = re.compile(
    r"^(?:if|elif)\s+\(?\s*([A-Za-z_]\w*)\s*(?:==|\bis\b)\s*"
    r"""(?:["']([^"'\n]*)["']|((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*))\s*\)?\s*:"""
)
# A branch on the deployment environment or debug mode is the production path, not a feature.
_ENVIRONMENT_SETTING = re.compile(
    r"(?:^|_)(?:ENV|ENVIRONMENT|STAGE|MODE|DEBUG|PRODUCTION|DEPLOYMENT|TIER)$", re.I
)
_ENVIRONMENT_VALUE = re.compile(r"^(?:prod|production|staging|stage|live|release|main)$", re.I)
_DEFAULT = re.compile(
    r"""\bdefault\s*=\s*["']([^"'\n]*)["']"""
    r"""|(?:getenv|environ\.get|config|env)\(\s*["']\w+["']\s*,\s*["']([^"'\n]*)["']"""
)


def _setting_default(text: str, setting: str) -> str | None:
    """The env default of a module-level ``SETTING = …env("X", default="local")…``."""
    assigned = re.search(rf"^{re.escape(setting)}\s*(?::[^=\n]*)?=([^\n]*)", text, re.M)
    if not assigned:
        return None
    default = _DEFAULT.search(assigned[1])
    return None if default is None else (default[1] if default[1] is not None else default[2])


def strategy_guarded(text: str, reads: list[EnvRead]) -> None:
    """Reads inside ``if FILE_STORAGE == Storage.S3:`` are optional when ``FILE_STORAGE`` is
    a setting of this module read from the environment with another default (``local``):
    the branch is a strategy the deployment may select, not the default path. A branch on
    the deployment environment (``if ENV == "production"``, ``if not DEBUG``) is not one."""
    lines = text.splitlines()
    blocks: list[tuple[int, int]] = []
    for number, line in enumerate(lines):
        branch = _BRANCH.match(line)
        if not branch or _ENVIRONMENT_SETTING.search(branch[1]):
            continue
        value = branch[2] if branch[2] is not None else branch[3].rsplit(".", 1)[-1]
        default = _setting_default(text, branch[1])
        if default is None or _ENVIRONMENT_VALUE.match(value):
            continue
        if value.lower() == default.lower():
            continue  # the default path: what it reads is needed
        end = number + 1
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > 0):
            end += 1
        blocks.append((number + 2, end))
    for read in reads:
        line_no = read.evidence.line or 0
        if (
            read.fallback is None
            and read.required is not True
            and any(lo <= line_no <= hi for lo, hi in blocks)
        ):
            read.required = False
            read.evidence = read.evidence.model_copy(update={"note": FEATURE_BRANCH_NOTE})
