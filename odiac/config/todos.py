"""``# TODO(odiac): …`` review comments that ``odiac init`` leaves in the file.

``odiac init`` writes everything it is unsure of as such a comment at the key it
concerns; ``odiac validate`` lists the ones still there as warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARK = "TODO(odiac):"
_TODO_RE = re.compile(r"^\s*#\s*TODO\(odiac\):\s*(?P<message>.*?)\s*$")


@dataclass(frozen=True)
class Todo:
    """One review comment: its 1-based line and its text (after the mark)."""

    line: int
    message: str


def comment(message: str) -> str:
    """The comment text (without ``#``) for a review item."""
    return f"{MARK} {' '.join(message.split())}"


def find_todos(text: str) -> list[Todo]:
    """Every ``# TODO(odiac):`` comment line in ``text``, in file order."""
    found: list[Todo] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _TODO_RE.match(line)
        if match:
            found.append(Todo(number, match.group("message")))
    return found
