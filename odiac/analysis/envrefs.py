"""Env names read by code (analysis-rules 7.1 item 2, analysis-rules 8), grep-level, no AST.

Only source files of the service are read: never tests, fixtures, docs or
examples, and never lockfiles or real ``.env`` files.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from odiac.analysis.comments import code_of
from odiac.analysis.context import EnvRead
from odiac.analysis.envguards import (
    apply_gem_yaml,
    apply_ruby_guards,
    apply_shell_guards,
    elixir_dereferenced,
)
from odiac.analysis.envhelpers import helper_reads
from odiac.analysis.envrefs_js import js_fails_without, json_schema_keys
from odiac.analysis.envrefs_py import (
    fails_unset,
    release_guarded,
    selects_config,
    strategy_guarded,
)
from odiac.analysis.evidence import Evidence
from odiac.analysis.source_index import SourceIndex, norm_dir

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

SKIP_DIRS = frozenset(
    {
        "test", "tests", "e2e", "cypress", "playwright", "fixtures", "docs", "doc", "examples",
        "example", "samples", "benchmarks", "bench", "__tests__", "spec", "mocks", "__mocks__",
    }
)  # fmt: skip
_TEST_FILE = re.compile(
    r"(\.test\.|\.spec\.|_test\.go$|^test_.*\.py$|_test\.py$|^conftest\.py$|_spec\.rb$)"
)

JS_EXT = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".svelte", ".astro")
PUBLIC_PREFIXES = (
    "NEXT_PUBLIC_",
    "VITE_",
    "REACT_APP_",
    "PUBLIC_",
    "EXPO_PUBLIC_",
    "GATSBY_",
    "VUE_APP_",
)
BUILD_CONFIG = re.compile(r"^(next|vite|astro|nuxt|svelte)\.config\.[cm]?[jt]s$")

_Q = r"""["'`]"""
_FB = r"""(?P<fb>"[^"\n]*"|'[^'\n]*'|`[^`\n]*`|-?\d+(?:\.\d+)?|true|false|[A-Za-z_][\w.]*)"""


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    fallback_after: re.Pattern[str] | None = None  # searched right after the match
    required: bool | None = None
    build_time: bool = False
    text_fallback: bool = False  # the fallback group is bare text, not a code literal
    switch: bool = False  # an existence check: the name switches a feature on


def _p(
    rx: str,
    after: str | None = None,
    *,
    required: bool | None = None,
    build_time: bool = False,
    text_fallback: bool = False,
    switch: bool = False,
) -> _Pattern:
    regex = re.compile(rx)
    return _Pattern(
        regex, re.compile(after) if after else None, required, build_time, text_fallback, switch
    )


_JS_AFTER = rf"\s*(?:\|\||\?\?)\s*(?:Number\(|parseInt\()?\s*{_FB}"
JS = [
    _p(r"process\.env\.(?P<name>[A-Za-z_]\w*)", _JS_AFTER),
    _p(rf"process\.env\[\s*{_Q}(?P<name>\w+){_Q}\s*\]", _JS_AFTER),
    # Vite/Astro built-ins (`import.meta.env.MODE`) are set by the bundler, never by the user.
    _p(
        r"import\.meta\.env\.(?!(?:BASE_URL|MODE|DEV|PROD|SSR|SITE|ASSETS_PREFIX)\b)(?P<name>[A-Za-z_]\w*)",
        _JS_AFTER,
    ),
    _p(r"Bun\.env\.(?P<name>[A-Za-z_]\w*)", _JS_AFTER),
    _p(rf"Deno\.env\.get\(\s*{_Q}(?P<name>\w+){_Q}\s*\)", _JS_AFTER),
    _p(rf"Deno\.env\.has\(\s*{_Q}(?P<name>\w+){_Q}\s*\)", required=False, switch=True),
    _p(rf"{_Q}(?P<name>[A-Z_][A-Z0-9_]*){_Q}\s+in\s+process\.env\b", required=False, switch=True),
    _p(
        rf"(?:Object\.hasOwn\(\s*process\.env\s*,|process\.env\.hasOwnProperty\()\s*{_Q}(?P<name>\w+){_Q}",
        required=False,
        switch=True,
    ),
    _p(rf"configService\.get(?:<[^>]*>)?\(\s*{_Q}(?P<name>[A-Z_][A-Z0-9_]*){_Q}\s*(?:,\s*{_FB})?"),
]
SWITCH_NOTE = "existence check (feature switch)"
_JS_FALLBACK = re.compile(_JS_AFTER)
_JS_DESTRUCTURE = re.compile(r"(?:const|let|var)\s*\{([^}]*)\}\s*=\s*process\.env")

PY = [
    _p(
        rf"(?<![\w.])(?:os\.)?(?:getenv|environ\.get)\(\s*[\"'](?P<name>\w+)[\"']\s*"
        rf"(?:,\s*(?:default\s*=\s*)?(?:int\(|str\()?\s*{_FB})?",
        rf"\s*\)\s*or\s+{_FB}",
        required=False,  # .get()/getenv() give None when unset: the app copes with absence
    ),
    _p(r"(?<![\w.])(?:os\.)?environ\[\s*[\"'](?P<name>\w+)[\"']\s*\]"),
    _p(
        r"\benv(?:\.(?:bool|int|str|list|float|json|dict|path|db|db_url|url|cache|cache_url))?"
        rf"\(\s*[\"'](?P<name>[A-Z_][A-Z0-9_]*)[\"']\s*(?:,\s*(?:default\s*=\s*)?{_FB})?"
    ),
    _p(rf"\bconfig\(\s*[\"'](?P<name>[A-Z_][A-Z0-9_]*)[\"']\s*(?:,\s*default\s*=\s*{_FB})?"),
]
GO = [
    _p(r'os\.Getenv\(\s*"(?P<name>\w+)"\s*\)'),
    _p(r'os\.LookupEnv\(\s*"(?P<name>\w+)"\s*\)', required=False),
    _p(r'`[^`]*\benv:"(?P<name>[A-Z_][A-Z0-9_]*)[^"]*"', required=False),
]
RUST = [
    _p(
        r'env::var(?:_os)?\(\s*"(?P<name>\w+)"\s*\)',
        rf"(?:\s*\.(?:ok\(\)|map\([^()]*\)|and_then\([^()]*\)))*"
        rf"\s*\.(?:unwrap_or(?:_else)?\(\s*(?:\|[^|]*\|\s*)?{_FB}|(?P<fb2>unwrap_or_default|ok\(\)(?=\s*[;,)?])))",
    ),
    _p(r'\b(?:option_)?env!\(\s*"(?P<name>\w+)"', build_time=True),
]
RUBY = [
    _p(r"ENV\[\s*[\"'](?P<name>\w+)[\"']\s*\]", rf"\s*(?:\|\||or)\s*{_FB}"),
    _p(rf"ENV\.fetch\(\s*[\"'](?P<name>\w+)[\"']\s*(?:,|\)\s*\{{)\s*{_FB}"),
    _p(r"ENV\.fetch\(\s*[\"'](?P<name>\w+)[\"']\s*\)(?!\s*\{)"),
    _p(r"ENV\.(?:key|has_key|include)\?\(\s*[\"'](?P<name>\w+)[\"']", required=False),
]
# Laravel's env('X') is env('X', null): a null default, the plumbing of optional services.
_LARAVEL_ENV = _p(
    rf"\benv\(\s*[\"'](?P<name>[A-Z_][A-Z0-9_]*)[\"']\s*(?:,\s*{_FB})?", required=False
)
PHP = [
    _p(r"getenv\(\s*[\"'](?P<name>\w+)[\"']\s*\)"),
    _p(r"\$_ENV\[\s*[\"'](?P<name>[A-Z_][A-Z0-9_]*)[\"']\s*\]"),
    # $_SERVER also carries the CGI request; those names are not configuration.
    _p(
        r"\$_SERVER\[\s*[\"'](?!(?:REQUEST_|HTTP_|SERVER_|SCRIPT_|REMOTE_|QUERY_STRING|DOCUMENT_ROOT"
        r"|PHP_SELF|PHP_AUTH_|CONTENT_|PATH_INFO|HTTPS|ORIG_PATH|GATEWAY_INTERFACE|argv|argc))"
        r"(?P<name>[A-Z_][A-Z0-9_]*)[\"']\s*\]"
    ),
    _LARAVEL_ENV,
    # Symfony's %env(X)% throws when X is unset, unless a `default:` processor supplies one.
    _p(r"%env\((?!default:)(?:[\w.]+:)*(?P<name>[A-Z_][A-Z0-9_]*)\)%"),
    _p(r"%env\(default:[\w.]*:(?:[\w.]+:)*(?P<name>[A-Z_][A-Z0-9_]*)\)%", required=False),
]
ELIXIR = [
    # nil when unset, like Python's .get(): optional unless a fallback raises or a call needs it
    _p(
        rf'System\.get_env\(\s*"(?P<name>\w+)"\s*(?:,\s*{_FB})?',
        rf"\s*\)\s*\|\|\s*{_FB}",
        required=False,
    ),
    _p(r'System\.fetch_env!\(\s*"(?P<name>\w+)"\s*\)', required=True),
]
JVM = [_p(r'System\.getenv\(\s*"(?P<name>\w+)"\s*\)')]
JVM_CONFIG = [_p(r"\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?::(?P<fb>[^}]*))?\}", text_fallback=True)]
DOTNET = [_p(r'Environment\.GetEnvironmentVariable\(\s*"(?P<name>\w+)"\s*\)')]
SHELL = [
    _p(r"\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?::?[-=](?P<fb>[^}]*))?\}", text_fallback=True),
    _p(r"\$(?P<name>[A-Z_][A-Z0-9_]*)\b"),
]
YAML_ERB = [
    _p(r"ENV\[\s*[\"'](?P<name>\w+)[\"']\s*\]"),
    _p(r"ENV\.fetch\(\s*[\"'](?P<name>\w+)[\"']"),
]
PRISMA = [_p(r'env\(\s*"(?P<name>\w+)"\s*\)')]

SHELL_FILES = frozenset({"entrypoint.sh", "docker-entrypoint.sh", "start.sh"})
# An Elixir release's start scripts (`mix phx.gen.release`: rel/overlays/bin/server).
_RELEASE_OVERLAY = re.compile(r"(?:^|/)rel/overlays/bin/[\w-]+$")


def patterns_for(rel: str) -> list[_Pattern]:
    """The reference patterns that apply to the file at ``rel``."""
    name = os.path.basename(rel)
    ext = os.path.splitext(name)[1]
    if ext in JS_EXT:
        return JS
    table: dict[str, list[_Pattern]] = {
        ".py": PY, ".go": GO, ".rs": RUST, ".rb": RUBY, ".php": PHP, ".ex": ELIXIR,
        ".exs": ELIXIR, ".java": JVM, ".kt": JVM, ".cs": DOTNET, ".fs": DOTNET,
        ".prisma": PRISMA,
    }  # fmt: skip
    if ext in table:
        return table[ext]
    if name in SHELL_FILES or _RELEASE_OVERLAY.search(rel):
        return SHELL
    if re.match(r"^application.*\.(properties|ya?ml)$", name):
        return JVM_CONFIG
    if ext in {".yml", ".yaml"}:
        return YAML_ERB + PHP[3:]
    return []


def scannable(index: SourceIndex, root: str, exclude: Iterable[str] = ()) -> Iterator[str]:
    """Source files of a service that may be scanned for env names."""
    excluded = tuple(norm_dir(e) + "/" for e in exclude if norm_dir(e))
    base = norm_dir(root)
    for rel in index.under(base):
        if excluded and rel.startswith(excluded):
            continue
        inner = rel[len(base) + 1 :] if base else rel
        parts = inner.split("/")
        if any(p in SKIP_DIRS for p in parts[:-1]) or _TEST_FILE.search(parts[-1]):
            continue
        if patterns_for(rel):
            yield rel


def scan_file(index: SourceIndex, rel: str) -> list[EnvRead]:
    """Every env read in one file."""
    text = code_of(index, rel)
    if not text.strip():
        return []
    name = os.path.basename(rel)
    build_config = bool(BUILD_CONFIG.match(name))
    found: list[EnvRead] = []
    for pattern in patterns_for(rel):
        for match in pattern.regex.finditer(text):
            fb = match.groupdict().get("fb")
            if fb is None and pattern.fallback_after is not None:
                after = pattern.fallback_after.match(text, match.end())
                fb = (after["fb"] or after.groupdict().get("fb2")) if after else None
            line = index.line_of(rel, match.start())
            raises = fb is not None and fb.strip() in {"raise", "throw"}
            if raises:
                fb = None  # `System.get_env("X") || raise "…"`: no fallback at all
            read = _read(match["name"], rel, line, fb, pattern, build_config)
            if raises:
                read.required = True
            compared = bool(_COMPARED.match(text, match.end()))
            if raises:
                pass
            elif fb is None and (
                _fails_without(text, match.start(), match.end())
                or (rel.endswith(JS_EXT) and js_fails_without(text, match.start(), match.end()))
            ):
                read.required = True  # `if (!x) throw …`: the app refuses to start without it
            elif fb is None and (
                compared
                or _guarded(text, match.start(), match.end())
                or _checked_later(text, match.start(), match.end())
            ):
                read.required = (
                    False  # analysis-rules 7.4 feature_optional: read only inside a guard
                )
            if (
                fb is None
                and rel.endswith((".ex", ".exs"))
                and elixir_dereferenced(text, match.start())
            ):
                read.required = True
            line_start = text.rfind("\n", 0, match.start()) + 1
            read.config = (
                compared
                or bool(_TYPED.search(match[0]))
                or bool(_CONVERTED.search(text, line_start, match.start()))
            )
            if fb is None and pattern is _LARAVEL_ENV:
                read.fallback = "null"
            if (
                (fb is None or fb.strip() == "None")
                and pattern is PY[0]
                and (
                    fails_unset(text, match.start(), match.end(), rel)
                    or selects_config(text, match.start(), match.end())
                )
            ):
                read.required = True
            found.append(read)
    if rel.endswith(JS_EXT):
        for match in _JS_CONST_READ.finditer(text):
            const = re.search(rf"""(?:const|let|var)\s+{match[1]}\s*=\s*["'`](\w+)["'`]""", text)
            if const:  # `Deno.env.get(KEY)` with `const KEY = "NAME"` in the same file
                line = index.line_of(rel, match.start())
                after = _JS_FALLBACK.match(text, match.end())
                read = _read(
                    const[1], rel, line, after["fb"] if after else None, JS[0], build_config
                )
                if after is None and js_fails_without(text, match.start(), match.end()):
                    read.required = True
                elif after is None and (
                    _guarded(text, match.start(), match.end())
                    or _checked_later(text, match.start(), match.end())
                ):
                    read.required = False
                found.append(read)
    if rel.endswith(".go"):
        for match in _GO_ASSIGN.finditer(text):
            if re.search(rf'if\s+{match[1]}\s*==\s*""', text[match.end() : match.end() + 300]):
                for read in found:
                    if read.name == match[2] and read.evidence.line == index.line_of(
                        rel, match.start(2)
                    ):
                        read.required = False
    if rel.endswith(".rb"):
        apply_ruby_guards(text, found)
    if rel.endswith((".yml", ".yaml")):
        apply_gem_yaml(rel, text, found)
    if patterns_for(rel) is SHELL:
        apply_shell_guards(text, found)
    if rel.endswith(".py") and " in " in text:
        release_guarded(text, found)
    if rel.endswith(".py"):
        strategy_guarded(text, found)
    if rel.endswith(".py") and "BaseSettings" in text:
        found.extend(_pydantic_settings(text, rel, index))
    if rel.endswith(JS_EXT) and _SCHEMA_FILE.search(text) and _ENV_SOURCE.search(text):
        found.extend(_schema_keys(text, rel, index))
        found.extend(_production_schema_keys(text, rel, index))
    if rel.endswith(JS_EXT):
        found.extend(helper_reads(text, rel, index))
        found.extend(json_schema_keys(text, rel, index))
    if rel.endswith(JS_EXT):
        for match in _JS_DESTRUCTURE.finditer(text):
            line = index.line_of(rel, match.start())
            for part in match[1].split(","):
                key, _, default = part.partition("=")
                key = key.split(":")[0].strip()
                if key:
                    fb = default.strip() or None
                    found.append(_read(key, rel, line, fb, JS[0], build_config))
    return found


_SCHEMA_KEY = re.compile(
    r"^\s*[\"']?([A-Z_][A-Z0-9_]*)[\"']?\s*:\s*(z\.|Joi\.|joi\.|str\(|url\(|num\(|bool\(|port\(|email\(|host\(|json\()"
    r"(.*(?:\n[ \t]+\..*)*)",
    re.M,
)
_SCHEMA_FILE = re.compile(r"createEnv\(|cleanEnv\(|Joi\.object\(|joi\.object\(|z\.object\(")
_ENV_SOURCE = re.compile(
    r"process\.env|import\.meta\.env|validationSchema|runtimeEnv|Bun\.env|createEnv\(|cleanEnv\("
)
_SCHEMA_OPTIONAL = re.compile(
    r"\.optional\(|\.default\(|default\s*:|devDefault\s*:|\.nullish\(|\.nullable\(|\.catch\(|\.allow\(\s*['\"]{2}"
)
_SCHEMA_CONFIG = re.compile(
    r"^(Joi\.(number|boolean|bool)|joi\.(number|boolean)|z\.(number|boolean|enum|coerce\.(number|boolean))|num\(|bool\(|port\(|host\()"
)


def _schema_keys(text: str, rel: str, index: SourceIndex) -> list[EnvRead]:
    """Keys of env schemas (analysis-rules 7.1, analysis-rules 7.3): ``@t3-oss/env-*`` ``createEnv``, envalid
    ``cleanEnv``, and Joi/zod objects validating the environment.

    Joi keys are optional unless ``.required()``; zod and envalid keys are required
    unless optional or defaulted.
    """
    reads: list[EnvRead] = []
    for match in _SCHEMA_KEY.finditer(text):
        rest = match[3]
        if match[2].lower() == "joi.":
            optional = ".required()" not in rest or bool(_SCHEMA_OPTIONAL.search(rest))
        else:
            optional = bool(_SCHEMA_OPTIONAL.search(rest))
        default = re.search(r"""\.default\(\s*(["'][^"'\n]*["']|-?\d+|true|false)\s*\)""", rest)
        reads.append(
            EnvRead(
                name=match[1],
                source="code",
                evidence=Evidence(
                    file=rel, line=index.line_of(rel, match.start(1)), note="env schema key"
                ),
                fallback=default[1] if default else None,
                required=not optional,
                build_time=match[1].startswith(PUBLIC_PREFIXES),
                config=bool(_SCHEMA_CONFIG.match(match[2] + rest.lstrip())),
            )
        )
    return reads


_SCHEMA_BY_ENV = re.compile(
    r"^\s*[\"']?([A-Z_][A-Z0-9_]*)[\"']?\s*:\s*process\.env\.NODE_ENV\s*(===?|!==?)\s*[\"'](\w+)[\"']"
    r"\s*\?\s*((?:z\.|Joi\.|joi\.|str\(|url\(|num\(|bool\()[^\n]*?)\s*:\s*"
    r"((?:z\.|Joi\.|joi\.|str\(|url\(|num\(|bool\()[^\n]*)",
    re.M,
)


def _production_schema_keys(text: str, rel: str, index: SourceIndex) -> list[EnvRead]:
    """Schema keys chosen by ``NODE_ENV``: the production branch decides (the build sets it).

    ``AUTH_SECRET: process.env.NODE_ENV === "production" ? z.string() : z.string().optional()``
    is required where it is deployed.
    """
    reads: list[EnvRead] = []
    for match in _SCHEMA_BY_ENV.finditer(text):
        name, op, value, then, other = match.groups()
        production = then if (op.startswith("=")) == (value == "production") else other
        if value not in {"production", "development", "test"}:
            continue
        optional = bool(_SCHEMA_OPTIONAL.search(production))
        if production.lower().startswith("joi."):
            optional = optional or ".required()" not in production
        reads.append(
            EnvRead(
                name=name,
                source="code",
                evidence=Evidence(
                    file=rel,
                    line=index.line_of(rel, match.start(1)),
                    note="env schema key (production branch)",
                ),
                required=not optional,
            )
        )
    return reads


_SETTINGS_CLASS = re.compile(r"^class\s+\w+\(([^)]*BaseSettings[^)]*)\):\s*$", re.M)
_FIELD = re.compile(
    r"^(?P<indent>[ \t]+)(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*[^=\n]+?(?:=\s*(?P<default>.+))?$"
)


def _pydantic_settings(text: str, rel: str, index: SourceIndex) -> list[EnvRead]:
    """Fields of pydantic ``BaseSettings`` classes (analysis-rules 7.1: upper-cased, env_prefix, alias)."""
    reads: list[EnvRead] = []
    lines = text.splitlines()
    for match in _SETTINGS_CLASS.finditer(text):
        start = text.count("\n", 0, match.start()) + 1
        body: list[tuple[int, str]] = []
        for number in range(start, len(lines)):
            line = lines[number]
            if line.strip() and not line.startswith((" ", "\t")):
                break
            body.append((number + 1, line))
        joined = "\n".join(line for _, line in body)
        prefix_match = re.search(r"env_prefix\s*=\s*[\"']([^\"']*)[\"']", joined)
        prefix = prefix_match[1] if prefix_match else ""
        indent = min((len(b) - len(b.lstrip()) for _, b in body if b.strip()), default=4)
        for pos, (number, line) in enumerate(body):
            for _, more in body[pos + 1 : pos + 8]:
                if _balance(line) <= 0:
                    break
                line = line + " " + more.strip()  # a type annotation over several lines
            field = _FIELD.match(line)
            if not field or len(field["indent"]) != indent or field["name"] == "model_config":
                continue
            default = field["default"]
            alias = re.search(r"(?:validation_)?alias\s*=\s*[\"'](\w+)[\"']", default or "")
            name = alias[1] if alias else (prefix + field["name"]).upper()
            has_default = default is not None and not re.match(r"Field\(\s*\.\.\.", default)
            if default and default.startswith("Field("):
                inner = re.search(r"default\s*=\s*([^,)]+)|Field\(\s*([^,)=]+)(?:,|\))", default)
                fb = (inner[1] or inner[2]) if inner else None
                has_default = fb is not None and fb.strip() != "..."
                default = fb if has_default else None
            reads.append(
                EnvRead(
                    name=name,
                    source="code",
                    evidence=Evidence(file=rel, line=number, note="pydantic settings field"),
                    fallback=default.strip() if has_default and default else None,
                    required=not has_default,
                )
            )
    return reads


# A read compared with a literal (`=== "true"`, `.lower() in (...)`) or converted to a
# number/boolean is a setting: absent is a valid state, and it is never a secret.
_COMPARED = re.compile(
    r"""\s*\)?\s*(?:\.(?:lower|toLowerCase|strip|trim)\(\)\s*)?(?:===?|!==?|\bnot\s+in\b|\bin\b)\s*["'`(\[\d]"""
    r"|\s*\]?\s*\.(?:present|blank|nil|empty)\?"
)
_TYPED = re.compile(r"\benv\.(?:bool|int|float)\(")
_CONVERTED = re.compile(
    r"\b(?:Number|parseInt|parseFloat|int|float|bool|Boolean|strtobool|str2bool|to_bool)\(\s*$"
)
_JS_CONST_READ = re.compile(
    r"(?:Deno\.env\.get\(|process\.env\[|Bun\.env\[)\s*([A-Za-z_]\w*)\s*[\])]"
)
_ASSIGNED = re.compile(
    r"(?:^|[\s;(])(?:const|let|var)?\s*([A-Za-z_]\w*)\s*(?::\s*[\w|\[\] ]+)?=\s*$", re.M
)


_FAIL = re.compile(
    r"[^\n]*\n?[^\n]*?\b(?:throw|raise|panic!?\(|process\.exit|sys\.exit|exit\(|abort\(|log\.Fatal|fail\b)"
)


def _fails_without(text: str, start: int, end: int) -> bool:
    """``if (!process.env.X) throw …`` / ``x = getenv("X")`` … ``if not x: raise``."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if re.search(r"\b(?:if|unless)\s*\(?\s*(?:!|not\s+)\s*$", before):
        return bool(_FAIL.match(text, end))
    assigned = _ASSIGNED.search(text, line_start, start)
    if not assigned:
        return False
    var = re.escape(assigned[1])
    check = re.search(rf"\b(?:if|unless)\s*\(?\s*(?:!|not\s+)\s*{var}\b\s*\)?", text[end:])
    return bool(check and _FAIL.match(text, end + check.end()))


def _checked_later(text: str, start: int, end: int) -> bool:
    """``x = os.getenv("X")`` … ``if x:`` — a value the app tests before use is optional."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    rest_of_line = text[end : line_end if line_end >= 0 else len(text)]
    if not re.match(r"\s*\)?\s*[;,]?\s*$", rest_of_line):
        return False
    assigned = _ASSIGNED.search(text, line_start, start)
    if not assigned:
        return False
    var = re.escape(assigned[1])
    guard = (
        rf"\b(?:if|elif|unless|while)\s*\(?\s*(?:!|not\s+)?\s*{var}\b(?!\s*[.\[(]|\s*==)"
        rf"|\b{var}\s*(?:&&|\?(?![?.]))"
    )
    return bool(re.search(guard, text[end:]))


_GO_ASSIGN = re.compile(r'(\w+)\s*:?=\s*os\.Getenv\(\s*"(\w+)"\s*\)')


def _balance(text: str) -> int:
    return sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")


_GUARD_BEFORE = re.compile(r"\b(?:if|elif|unless)\s*\(?\s*!?\s*(?:not\s+)?$")
_GUARD_AFTER = re.compile(r"\s*(?:&&|\?(?![?.])|and\b)")


def _guarded(text: str, start: int, end: int) -> bool:
    """Whether a read is a condition (``if (process.env.X)``, ``process.env.X && ...``)."""
    line_start = text.rfind("\n", 0, start) + 1
    return bool(_GUARD_BEFORE.search(text[line_start:start]) or _GUARD_AFTER.match(text, end))


def _read(
    name: str, rel: str, line: int, fb: str | None, pattern: _Pattern, build_config: bool
) -> EnvRead:
    fallback = fb.strip() if fb is not None else None
    if fallback is not None and pattern.text_fallback:
        fallback = '"' + fallback.replace('"', "") + '"'
    build_time = pattern.build_time or build_config or name.startswith(PUBLIC_PREFIXES)
    return EnvRead(
        name=name,
        source="build-config" if build_config else "code",
        evidence=Evidence(
            file=rel, line=line, note=SWITCH_NOTE if pattern.switch else "read in code"
        ),
        fallback=fallback,
        required=pattern.required,
        build_time=build_time,
    )


def literal(raw: str | None) -> str | None:
    """The literal value of a captured fallback (quotes removed), None for identifiers."""
    if raw is None:
        return None
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] in "\"'`" and raw[-1] == raw[0]:
        return raw[1:-1]
    if re.match(r"^-?\d+(\.\d+)?$", raw) or raw in {"true", "false"}:
        return raw
    return None
