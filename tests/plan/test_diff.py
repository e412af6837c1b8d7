"""``changed_keys``: the short cut for equal plain maps never changes deepdiff's answer."""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff
from hypothesis import given
from hypothesis import strategies as st

from odiac.plan.diff import changed_keys

PLAIN = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "1", "a"]))
NESTED = st.one_of(PLAIN, st.lists(PLAIN, max_size=2), st.dictionaries(st.just("k"), PLAIN))
KEYS = st.sampled_from(["cpu", "memory", "port", "replicas", "start_command"])


def _by_deepdiff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The reference: deepdiff on every pair, with no short cut."""
    keys: set[str] = set()
    for report in DeepDiff(before, after, view="tree").values():
        for level in report:
            path = level.path(output_format="list")
            if path:
                keys.add(str(path[0]))
            else:  # a change of the root (nothing in common): every differing key
                keys |= {k for k in {*before, *after} if before.get(k, ...) != after.get(k, ...)}
    return sorted(keys)


@given(st.dictionaries(KEYS, NESTED), st.dictionaries(KEYS, NESTED))
def test_changed_keys_agree_with_deepdiff(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert changed_keys(before, after) == _by_deepdiff(before, after)


@given(st.dictionaries(KEYS, NESTED))
def test_a_map_equals_itself(values: dict[str, Any]) -> None:
    assert changed_keys(values, dict(values)) == []


def test_equal_values_of_another_type_are_a_change() -> None:
    # 1 == True in Python, but a port of True is not a port of 1.
    assert changed_keys({"port": 1, "replicas": 2}, {"port": True, "replicas": 2}) == ["port"]


def test_added_and_removed_keys_are_changes() -> None:
    assert changed_keys({"a": "1", "b": "2"}, {"b": "2", "c": "3"}) == ["a", "c"]


def test_an_empty_side_lists_every_key_of_the_other() -> None:
    assert changed_keys({}, {"a": "1", "b": None}) == ["a", "b"]
