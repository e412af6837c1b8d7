"""Test an analyzer plugin on tiny source trees, through odiac's real plugin manager.

::

    import my_odiac_gleam
    from odiac.plugin.testing import analyze, assert_field


    def test_a_gleam_app_is_claimed():
        result = analyze({"gleam.toml": 'name = "shop"\\n'}, my_odiac_gleam)
        assert_field(result, "language", "gleam", file="gleam.toml")

:func:`analyze` registers your plugin module next to every installed plugin
(odiac's built-in analyzers included, so priorities and claims play out as in
``odiac init``) and runs the same pipeline; ``only=("gleam",)`` runs just the
named analyzers. Trees are ``{relative path: text}`` mappings (text is dedented)
or folders. The ``assert_*`` helpers check a value *and* the evidence the
analysis recorded for it, and say what was found when they fail.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from odiac.analysis.pipeline import run_analysis
from odiac.analysis.source_index import SourceIndex
from odiac.plugin.manager import PluginManager

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from odiac.analysis.evidence import Decision, ReviewItem
    from odiac.analysis.names import DecisionName, FieldName, ReviewCode
    from odiac.analysis.result import ProjectAnalysisResult, ServiceAnalysis

__all__ = [
    "analyze",
    "assert_decision",
    "assert_field",
    "assert_review",
    "plugin_manager",
    "source_index",
    "write_tree",
]


def write_tree(files: Mapping[str, str], root: Path) -> Path:
    """Write ``{relative path: text}`` under ``root`` (created); returns ``root``.

    Text is dedented and its leading newline dropped, so files can be written
    as indented triple-quoted strings.

    Raises:
        ValueError: A path is absolute or climbs out of ``root`` with ``..``.
    """
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
            raise ValueError(f"test tree path {rel!r} must be relative and stay inside the tree")
        path = root.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def source_index(tree: Path | Mapping[str, str], root: Path | None = None) -> SourceIndex:
    """A :class:`~odiac.analysis.source_index.SourceIndex` over a folder or a mapping.

    Args:
        tree: A folder, or ``{relative path: text}`` written to ``root`` first.
        root: Where a mapping is written (required for a mapping: the index
            reads files lazily, so they must outlive this call).
    """
    if isinstance(tree, Path):
        return SourceIndex(tree)
    if root is None:
        raise ValueError("source_index(mapping) needs root=, a folder to write the files to")
    return SourceIndex(write_tree(tree, root))


def plugin_manager(*plugins: object, installed: bool = True) -> PluginManager:
    """A fresh manager with ``plugins`` (modules or objects with hook functions) registered.

    Args:
        plugins: Plugins under test; one already loaded from an installed
            entry point is not registered twice.
        installed: Also load every installed ``odiac`` entry-point plugin,
            odiac's built-ins included, as ``odiac init`` does.
    """
    manager = PluginManager()
    if installed:
        manager.load_entry_points()
    for plugin in plugins:
        if manager.is_registered(plugin):
            continue
        name = str(getattr(plugin, "__name__", type(plugin).__name__))
        manager.register(plugin, name=name, distribution=f"{name} (under test)")
    return manager


def analyze(
    tree: Path | Mapping[str, str],
    *plugins: object,
    only: Iterable[str] | None = None,
    installed: bool = True,
    name: str = "app",
) -> ProjectAnalysisResult:
    """Analyse a tree with ``plugins`` registered, as ``odiac init`` would.

    Args:
        tree: A folder, or ``{relative path: text}`` written to a temporary
            folder called ``name`` (the project name derives from it).
        plugins: Plugins under test (see :func:`plugin_manager`).
        only: Run just these analyzers (by name), in their usual order.
        installed: Load the installed plugins too (see :func:`plugin_manager`).
        name: Folder name for a mapping tree.

    Raises:
        ValueError: ``only`` names an analyzer that no plugin provides.
    """
    manager = plugin_manager(*plugins, installed=installed)
    analyzers = manager.analyzers()
    if only is not None:
        wanted = set(only)
        unknown = wanted - {a.name for a in analyzers}
        if unknown:
            known = ", ".join(a.name for a in analyzers) or "none"
            raise ValueError(f"no analyzer named {sorted(unknown)} (known: {known})")
        analyzers = [a for a in analyzers if a.name in wanted]
    if isinstance(tree, Path):
        return run_analysis(tree, analyzers)
    with tempfile.TemporaryDirectory(prefix="odiac-plugin-test-") as tmp:
        # The walk is lazy: the whole analysis runs before the folder goes.
        return run_analysis(write_tree(tree, Path(tmp) / name), analyzers)


def _service(result: ProjectAnalysisResult, service: str | None) -> ServiceAnalysis:
    names = [s.name for s in result.services]
    if result.refusal is not None:
        raise AssertionError(f"the analysis refused: {result.refusal.reason}")
    if service is None:
        if len(names) != 1:
            raise AssertionError(f"name the service: the analysis found {names}")
        return result.services[0]
    if service not in names:
        raise AssertionError(f"no service {service!r}; the analysis found {names}")
    return result.service(service)


def assert_decision(
    result: ProjectAnalysisResult,
    decision: DecisionName,
    value: str | None = None,
    *,
    service: str | None = None,
    file: str | None = None,
    line: int | None = None,
) -> Decision:
    """Assert the ledger holds ``decision`` (= ``value``) for ``service``, backed by ``file:line``.

    ``service=""`` looks at project-wide rows; ``None`` means the only service.

    Returns:
        The matching ledger row.
    """
    svc = "" if service == "" else _service(result, service).name
    rows = [r for r in result.ledger if r.service == svc and r.decision == decision]
    if value is not None:
        rows = [r for r in rows if r.value == value]
    if file is not None:
        rows = [r for r in rows if any(e.file == file for e in r.evidence)]
    if line is not None:
        rows = [r for r in rows if any(e.line == line for e in r.evidence)]
    if not rows:
        seen = [
            f"{r.decision} = {r.value} [{', '.join(map(str, r.evidence))}]"
            for r in result.ledger
            if r.service == svc and r.decision == decision
        ]
        want = f"{decision} = {value!r}" if value is not None else decision
        where = f" from {file}" + (f":{line}" if line else "") if file else ""
        raise AssertionError(f"service {svc!r}: no ledger row {want}{where}; found {seen}")
    return rows[0]


def assert_field(
    result: ProjectAnalysisResult,
    field: FieldName,
    value: str,
    *,
    service: str | None = None,
    file: str | None = None,
    line: int | None = None,
) -> Decision | None:
    """Assert a payload field's value and the evidence recorded for it.

    ``value=""`` asserts the field stayed empty (an empty field has no evidence).

    Returns:
        The ledger row that carries the evidence (``None`` for an empty field).
    """
    svc = _service(result, service)
    actual = getattr(svc, field)
    if actual != value:
        raise AssertionError(f"service {svc.name!r}: {field} is {actual!r}, expected {value!r}")
    if not value:
        return None
    return assert_decision(result, field, value, service=svc.name, file=file, line=line)


def assert_review(
    result: ProjectAnalysisResult,
    code: ReviewCode,
    *,
    service: str | None = None,
    blocking: bool | None = None,
    file: str | None = None,
) -> ReviewItem:
    """Assert a review item ``code`` was raised (for ``service``, from ``file``).

    Returns:
        The matching review item.
    """
    items = [i for i in result.review if i.code == code]
    if service is not None:
        items = [i for i in items if i.service == service]
    if blocking is not None:
        severity = "blocking" if blocking else "warning"
        items = [i for i in items if i.severity == severity]
    if file is not None:
        items = [i for i in items if any(e.file == file for e in i.evidence)]
    if not items:
        seen = [f"{i.service}: {i.code} ({i.severity}) {i.message}" for i in result.review]
        raise AssertionError(f"no review item {code!r} as asked; found {seen}")
    return items[0]
