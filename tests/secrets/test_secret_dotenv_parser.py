"""The dotenv parser behind ``dotenv:`` (quotes, escapes, export, comments, multi-line)."""

from __future__ import annotations

import pytest
from odiac_secrets._dotenv import DotenvSyntaxError, parse_dotenv


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A=1\n", {"A": "1"}),
        ("export A=1", {"A": "1"}),
        ("  A = spaced value  \n", {"A": "spaced value"}),
        ("A=x # comment\n", {"A": "x"}),
        ("A=x#not-a-comment\n", {"A": "x#not-a-comment"}),
        ("# only a comment\n\n   \nA=", {"A": ""}),
        ("A='lit\\n $X'\n", {"A": "lit\\n $X"}),
        ("A='it\\'s'\n", {"A": "it's"}),
        ('A="tab\\tnl\\ncr\\rq\\"bs\\\\d\\$"\n', {"A": 'tab\tnl\ncr\rq"bs\\d$'}),
        ('A="keep \\x unknown"', {"A": "keep \\x unknown"}),
        ('A="line1\nline2"\nB=2\n', {"A": "line1\nline2", "B": "2"}),
        ("A='multi\nline' # c\nB=2", {"A": "multi\nline", "B": "2"}),
        ("A=1\r\nB=2\r\n", {"A": "1", "B": "2"}),
        ("A=1\nA=2\n", {"A": "2"}),
        ("A=${B}\n", {"A": "${B}"}),
        ("dotted.key-name=v\n", {"dotted.key-name": "v"}),
        ('A="# not a comment"\n', {"A": "# not a comment"}),
    ],
)
def test_parses(text: str, expected: dict[str, str]) -> None:
    assert parse_dotenv(text) == expected


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("A=1\njust words\n", 2, "expected KEY=value"),
        ("A=1\n\nB='open\nC=3\n", 3, "never closed"),
        ('A="x" y\n', 1, "unexpected text after the closing quote"),
        ('A="a\nb" junk\n', 2, "unexpected text after the closing quote"),
        ("1A=x\n", 1, "expected KEY=value"),
    ],
)
def test_rejects_with_the_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(DotenvSyntaxError) as info:
        parse_dotenv(text)
    assert info.value.line == line
    assert problem in str(info.value)
