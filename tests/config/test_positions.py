"""The position index: every key and value of valid TOML at its exact line and column."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odiac.config.positions import PositionIndex

DOCUMENT = """\
# comment with [brackets] and "quotes"
version = 1
[project]
name = "x" # trailing comment
"dotted.key" = 'v'
[services.web]
cpu = "two"
uses = [
  "db", # inside an array
  'cache',
]
env = { A = "1", "B.c" = { secret = "env:B" } }
text = \"\"\"line one
  with "quotes" and \\\"\"\" inside\"\"\"
raw = '''it''s'''
after = 7
  [services.web.build_env]
  X = "y"
[services.web]\r
"""


@pytest.fixture(scope="module")
def index() -> PositionIndex:
    text = DOCUMENT.replace("[services.web]\r\n", "")  # a table may not be defined twice
    tomllib.loads(text)  # the scanner's precondition: the parser accepts the text
    return PositionIndex(text)


@pytest.mark.parametrize(
    ("path", "key", "value"),
    [
        (("version",), (2, 1), (2, 11)),
        (("project",), (3, 2), (3, 2)),
        (("project", "name"), (4, 1), (4, 8)),
        (("project", "dotted.key"), (5, 1), (5, 16)),
        (("services", "web"), (6, 11), (6, 11)),
        (("services", "web", "cpu"), (7, 1), (7, 7)),
        (("services", "web", "uses"), (8, 1), (8, 8)),
        (("services", "web", "env", "A"), (12, 9), (12, 13)),
        (("services", "web", "env", "B.c", "secret"), (12, 28), (12, 37)),
        (("services", "web", "text"), (13, 1), (13, 8)),
        (("services", "web", "raw"), (15, 1), (15, 7)),
        (("services", "web", "after"), (16, 1), (16, 9)),
        (("services", "web", "build_env"), (17, 17), (17, 17)),
        (("services", "web", "build_env", "X"), (18, 3), (18, 7)),
    ],
)
def test_key_and_value_positions(
    index: PositionIndex, path: tuple[str, ...], key: tuple[int, int], value: tuple[int, int]
) -> None:
    assert index.key(path) == key
    assert index.value(path) == value


def test_array_elements_have_value_positions(index: PositionIndex) -> None:
    assert index.value(("services", "web", "uses", 0)) == (9, 3)
    assert index.value(("services", "web", "uses", 1)) == (10, 3)
    assert index.key(("services", "web", "uses", 1)) is None


def test_absent_keys_point_at_the_closest_declared_table(index: PositionIndex) -> None:
    assert ("services", "web", "port") not in index
    assert index.nearest(("services", "web", "port")) == (6, 11)
    assert index.nearest(("gateway", "url")) == (1, 1)


def test_header_wins_over_an_implicit_parent() -> None:
    text = '[services.web.env]\nA = "1"\n[services.web]\nport = 1\n'
    index = PositionIndex(text)
    assert index.key(("services", "web")) == (3, 11)
    assert index.key(("services",)) == (1, 2)


def test_arrays_of_tables_are_numbered() -> None:
    index = PositionIndex("[[svc]]\na = 1\n[[svc]]\na = 2\n[svc.sub]\nz = 1979-05-27 07:32:00\n")
    assert index.value(("svc", 1, "a")) == (4, 5)
    assert index.value(("svc", 1, "sub", "z")) == (6, 5)


def test_crlf_line_endings_and_unicode_columns() -> None:
    index = PositionIndex('[p]\r\n"ключ" = "é"\r\nb = 2\r\n')
    assert index.value(("p", "ключ")) == (2, 10)
    assert index.value(("p", "b")) == (3, 5)


_names = st.text(alphabet="abcXYZ_-09", min_size=1, max_size=6)
_scalars = st.one_of(
    st.integers(-5, 5).map(str),
    st.text(alphabet='ab #"\\é', max_size=5).map(
        lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    ),
    st.just("'lit # eral'"),
    st.just("[1, [2, 3], { q = 1 }]"),
)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        _names, st.dictionaries(_names, _scalars, min_size=1, max_size=4), min_size=1, max_size=4
    )
)
def test_every_generated_key_is_found_where_it_is_written(
    tables: dict[str, dict[str, str]],
) -> None:
    lines: list[str] = []
    expected: dict[tuple[str, str], tuple[int, int]] = {}
    for table, entries in tables.items():
        lines.append(f"[{table}]  # header")
        for key, value in entries.items():
            lines.append(f'  "{key}" =   {value}')
            expected[(table, key)] = (len(lines), len(f'  "{key}" =   ') + 1)
    text = "\n".join(lines) + "\n"
    assert tomllib.loads(text).keys() == tables.keys()
    index = PositionIndex(text)
    for path, position in expected.items():
        assert index.value(path) == position
        assert index.key(path) == (position[0], 3)


_leaf = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
)
_key = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=6
)
_tree = st.recursive(
    _leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_key, inner, max_size=3)),
    max_leaves=12,
)


def _leaves(node: object, path: tuple[object, ...] = ()) -> list[tuple[tuple[object, ...], object]]:
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(node, list):
        return [leaf for n, value in enumerate(node) for leaf in _leaves(value, (*path, n))]
    return [(path, node)]


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_key, _tree, min_size=1, max_size=4))
def test_every_leaf_of_a_tomlkit_document_is_indexed(data: dict[str, object]) -> None:
    """Documents written by another TOML library (escapes, nesting, inline tables)."""
    import tomlkit

    text = tomlkit.dumps(data)
    assert tomllib.loads(text) == data
    index = PositionIndex(text)
    lines = text.split("\n")  # TOML breaks lines at LF only (not at U+0085)
    for path, value in _leaves(data):
        position = index.value(path)  # type: ignore[arg-type]
        assert position is not None, path
        line, column = position
        start = lines[line - 1][column - 1 :]
        if isinstance(value, str):
            assert start[0] in "\"'", (path, start)
        elif isinstance(value, bool):
            assert start.startswith(str(value).lower())
        elif isinstance(value, int):
            assert start.startswith(str(value))
