"""Ordered rule tables: the first row whose condition holds decides, as data.

A decision chain written as ``if``/``elif`` hides its order in control flow;
a table states it, can be listed, and lets a test prove that every row fires
on a fixture of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

S = TypeVar("S")


@dataclass(frozen=True)
class Rule(Generic[S]):
    """One row: when ``when(subject)`` holds, ``then(subject)`` writes the facts.

    Attributes:
        name: The row's id: the framework (or tool) it decides.
        when: The condition, read-only.
        then: Writes the facts of this row.
    """

    name: str
    when: Callable[[S], bool]
    then: Callable[[S], None]


def first_match(rules: Sequence[Rule[S]], subject: S) -> Rule[S] | None:
    """The first row whose condition holds for ``subject`` (``None`` when none does)."""
    return next((rule for rule in rules if rule.when(subject)), None)


def apply_first(rules: Sequence[Rule[S]], subject: S) -> Rule[S] | None:
    """Apply the first matching row; returns it (``None`` when no row matched)."""
    rule = first_match(rules, subject)
    if rule is not None:
        rule.then(subject)
    return rule
