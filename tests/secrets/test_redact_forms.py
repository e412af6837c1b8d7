"""The redaction layer masks a secret in every form output can carry it, and escapes
terminal control sequences (unit level; the end-to-end attack is in test_masking_attacks)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from odiac.redact import MASK, redact, register

SECRET = 'CANARY-forms-ünï "q" back\\slash \u2603\x01'


@pytest.mark.parametrize(
    "form",
    [
        json.dumps(SECRET),
        json.dumps(SECRET, ensure_ascii=False),
        json.dumps(json.dumps(SECRET)),
        quote(SECRET, safe=""),
    ],
    ids=["json-ascii", "json-utf8", "json-in-json", "url"],
)
def test_every_encoding_is_masked(form: str) -> None:
    register(SECRET)
    shown = redact(f"body={form}")
    assert "CANARY-forms" not in shown
    assert MASK in shown


def test_each_specific_line_of_a_multi_line_secret_is_masked_short_lines_are_not() -> None:
    register("-----BEGIN-----\nCANARY-line-aaaaaaaaaaaa\nab\n-----END-----\n")
    assert redact("printed CANARY-line-aaaaaaaaaaaa alone") == f"printed {MASK} alone"
    assert redact("ab cd") == "ab cd"  # too short to be specific: ordinary text stays


def test_terminal_control_sequences_are_escaped_never_emitted() -> None:
    shown = redact("a\x1b]0;title\x07b\x1b[2Jc\rd\r\ne\tf\x9bg")
    assert shown == "a\\x1b]0;title\\x07b\\x1b[2Jc\\x0dd\r\ne\tf\\x9bg"
