"""Every hook is odiac_-prefixed and documented with a runnable example."""

from __future__ import annotations

import inspect
import re
import textwrap

import pytest

from odiac.plugin import hookspecs

HOOKS = [
    (name, fn)
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
    if hasattr(fn, "odiac_spec")
]


def test_there_are_hooks() -> None:
    assert {name for name, _ in HOOKS} >= {
        "odiac_analyzers",
        "odiac_secret_backends",
        "odiac_policies",
    }


def test_every_public_function_is_a_hookspec() -> None:
    plain = [
        name
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if fn.__module__ == hookspecs.__name__ and not hasattr(fn, "odiac_spec")
    ]
    assert plain == []


@pytest.mark.parametrize(("name", "fn"), HOOKS, ids=[n for n, _ in HOOKS])
def test_hook_is_prefixed_and_documented(name: str, fn: object) -> None:
    assert name.startswith("odiac_")
    doc = inspect.getdoc(fn) or ""
    assert "Called" in doc, "say when the hook is called"
    assert "Returns:" in doc
    assert "Example:" in doc


@pytest.mark.parametrize(("name", "fn"), HOOKS, ids=[n for n, _ in HOOKS])
def test_hook_example_is_a_complete_implementation(name: str, fn: object) -> None:
    doc = inspect.getdoc(fn) or ""
    block = doc.split(".. code-block:: python", 1)[1]
    lines = [ln for ln in block.splitlines() if ln.strip() or ln == ""]
    code = textwrap.dedent("\n".join(lines))
    namespace: dict[str, object] = {}
    exec(compile(code, f"<{name} example>", "exec"), namespace)
    impl = namespace[name]
    assert hasattr(impl, "odiac_impl"), "the example must be decorated with @hookimpl"
    assert re.search(rf"def {name}\(\)", code)
    records = list(impl())  # type: ignore[operator]
    assert records, "the example must yield at least one record"
