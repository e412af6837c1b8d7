"""JavaScript/TypeScript reads the app cannot start without (analysis-rules 7.3), grep-level.

``invariant(process.env.X, "…")`` (tiny-invariant), ``assert(process.env.X)`` and
``if (X === undefined || …) throw`` after ``const X = Deno.env.get("X")`` all stop
the app when the name is unset: the name is required whatever a template says.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from odiac.analysis.context import EnvRead
from odiac.analysis.evidence import Evidence

if TYPE_CHECKING:
    from odiac.analysis.source_index import SourceIndex

_ASSERT_CALL = r"(?<![\w.$])(?:invariant|assert(?:\.ok|\.strict)?)\(\s*"
_ASSERT_BEFORE = re.compile(_ASSERT_CALL + r"$")
_ARG_END = re.compile(r"\s*!?\s*[,)]")
_IF = re.compile(r"\bif\s*\(")
_THROW_AFTER = re.compile(r"\s*\{?\s*(?:throw\b|process\.exit\(|Deno\.exit\()")
_ASSIGNED = re.compile(r"(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*[\w|\[\] ]+)?=\s*$")
_UNSET = r"""\s*(?:===?\s*(?:undefined|null|""|''|``)|==\s*null)"""


@functools.lru_cache(maxsize=16)
def _throwing_conditions(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of ``if (…)`` conditions whose body starts with ``throw``/``exit``;
    only conditions where any one missing value suffices (no ``&&``)."""
    spans: list[tuple[int, int]] = []
    for match in _IF.finditer(text):
        depth, pos = 1, match.end()
        while pos < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[pos], 0)
            pos += 1
        if depth or "&&" in text[match.end() : pos - 1]:
            continue
        if _THROW_AFTER.match(text, pos):
            spans.append((match.end(), pos - 1))
    return tuple(spans)


def _tests_unset(cond: str, subject: str) -> bool:
    """Whether ``cond`` holds when ``subject`` (a variable or an env read) is unset."""
    s = re.escape(subject)
    tail = r"(?![\w$.\[(])"
    return bool(
        re.search(rf"!\s*{s}{tail}(?!\s*[=!]==?)", cond)
        or re.search(rf"(?<![\w$.]){s}{tail}{_UNSET}", cond)
        or re.search(rf"""typeof\s+{s}{tail}\s*===?\s*["']undefined["']""", cond)
    )


def js_fails_without(text: str, start: int, end: int) -> bool:
    """Whether the read at ``text[start:end]`` stops the app when the name is unset."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if _ASSERT_BEFORE.search(before) and _ARG_END.match(text, end):
        return True
    read = text[start:end]
    for c_start, c_end in _throwing_conditions(text):
        if c_start <= start and end <= c_end and _tests_unset(text[c_start:c_end], read):
            return True
    assigned = _ASSIGNED.search(before)
    if not assigned:
        return False
    line_end = text.find("\n", end)
    if not re.match(r"\s*!?\s*;?\s*$", text[end : line_end if line_end >= 0 else len(text)]):
        return False  # `const x = process.env.X ?? …` or part of a larger expression
    var = assigned[1]
    if re.search(_ASSERT_CALL + re.escape(var) + r"\s*!?\s*[,)]", text[end:]):
        return True
    return any(
        c_start > end and _tests_unset(text[c_start:c_end], var)
        for c_start, c_end in _throwing_conditions(text)
    )


_JSON_SCHEMA_LIB = re.compile(r"""["'](?:@fastify/env|env-schema)["']""")
_REQUIRED_LIST = re.compile(r"\brequired\s*:\s*\[([^\]]*)\]")
_PROPERTIES = re.compile(r"\bproperties\s*:\s*\{")
_PROPERTY = re.compile(r"""(?:^|[{,\s])["']?([A-Z_][A-Z0-9_]*)["']?\s*:\s*\{""")
_DEFAULT = re.compile(r"""\bdefault\s*:\s*("[^"\n]*"|'[^'\n]*'|-?\d+(?:\.\d+)?|true|false)""")
_SETTING_TYPE = re.compile(r"""\btype\s*:\s*["'](?:number|integer|boolean)["']""")


def _block(text: str, open_brace: int) -> int:
    """The offset just past the ``}`` closing the ``{`` at ``open_brace``."""
    depth, pos = 0, open_brace
    while pos < len(text):
        depth += {"{": 1, "}": -1}.get(text[pos], 0)
        pos += 1
        if depth == 0:
            break
    return pos


def json_schema_keys(text: str, rel: str, index: SourceIndex) -> list[EnvRead]:
    """Keys of the JSON schema ``@fastify/env``/``env-schema`` validate the environment with.

    A name listed in ``required`` without a ``default`` stops the app when unset; a
    property with a ``default`` (or left out of ``required``) is optional.
    """
    if not _JSON_SCHEMA_LIB.search(text):
        return []
    required = {
        n for m in _REQUIRED_LIST.finditer(text) for n in re.findall(r"""["'](\w+)["']""", m[1])
    }
    reads: list[EnvRead] = []
    for props in _PROPERTIES.finditer(text):
        end = _block(text, props.end() - 1) - 1
        pos = props.end()
        while (key := _PROPERTY.search(text, pos, end)) is not None:
            body_end = _block(text, key.end() - 1)
            body = text[key.end() : body_end]
            default = _DEFAULT.search(body)
            reads.append(
                EnvRead(
                    name=key[1],
                    source="code",
                    evidence=Evidence(
                        file=rel, line=index.line_of(rel, key.start(1)), note="env schema key"
                    ),
                    fallback=default[1] if default else None,
                    required=key[1] in required and default is None,
                    config=bool(_SETTING_TYPE.search(body)),
                )
            )
            pos = body_end
    return reads


_DOTENV_SAFE = re.compile(r"""(?:require\(\s*|from\s+|import\s+)["']dotenv-safe(?:/config)?["']""")
_EXAMPLE_OPTION = re.compile(r"""\bexample\s*:[^,}\n]*?["'`]([^"'`]*?)["'`]\s*\)?\s*[,}\n]""")


def dotenv_safe_template(text: str) -> str | None:
    """The template file name ``dotenv-safe`` checks the environment against, when the code
    loads it: it stops the app at start when any key of that file is unset or empty."""
    if not _DOTENV_SAFE.search(text):
        return None
    option = _EXAMPLE_OPTION.search(text)
    name = option[1].rsplit("/", 1)[-1] if option else ""
    return name if name.startswith(".env") else ".env.example"
