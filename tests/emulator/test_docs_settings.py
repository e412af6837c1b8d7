"""docs/emulator.md lists every setting with its real default."""

from __future__ import annotations

import re
from pathlib import Path

from odiac.emulator.settings import DEFAULTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "emulator.md"


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def test_every_setting_is_documented_with_its_default() -> None:
    rows = re.findall(r"^\| `(\w+)`(?: \[E\])? \| `?([^|`]+?)`? \|", DOC.read_text(), re.M)
    documented = {key: value.strip() for key, value in rows}
    for key, default in DEFAULTS.items():
        assert key in documented, key
        shown = documented[key]
        expected = str(default).lower() if isinstance(default, bool) else default
        if isinstance(expected, str):
            assert shown == expected, key
        else:
            assert _number(shown) == float(expected), key
