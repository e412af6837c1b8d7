"""The exception tree drawn in odiac/errors.py is the real one."""

from __future__ import annotations

import importlib
import pkgutil
import re

import odiac
import odiac.errors
from odiac.errors import OdiacError

DRAWN = re.compile(r"^(?P<indent>[ │├└─]*)(?P<name>[A-Z]\w+)\s", re.M)


def _import_everything() -> None:
    for info in pkgutil.walk_packages(odiac.__path__, "odiac."):
        if info.name.startswith("odiac.emulator"):
            continue  # the emulator has its own errors and shares none with the client
        importlib.import_module(info.name)


def _real_tree() -> dict[str, str]:
    _import_everything()
    parents: dict[str, str] = {}
    todo = [OdiacError]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("odiac.") and not sub.__module__.startswith(
                "odiac.emulator"
            ):
                parents[sub.__name__] = cls.__name__
                todo.append(sub)
    return parents


def _drawn_tree() -> dict[str, str]:
    doc = odiac.errors.__doc__ or ""
    block = doc[doc.index("    OdiacError") :]
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for match in DRAWN.finditer(block):
        depth = len(match["indent"])
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            parents[match["name"]] = stack[-1][1]
        stack.append((depth, match["name"]))
    return parents


def test_the_drawn_tree_matches_the_classes() -> None:
    assert _drawn_tree() == _real_tree()


def test_the_drawing_is_read_correctly() -> None:
    drawn = _drawn_tree()
    assert drawn["AuthenticationError"] == "GatewayHTTPError"
    assert drawn["GatewayHTTPError"] == "GatewayError"
    assert drawn["ConfigError"] == "OdiacError"
