"""Suite-wide fixtures. Area-specific fixtures live in each test folder's conftest.

Canary values: a test that plants a secret to prove it never leaks gives it the
prefix :data:`CANARY_PREFIX`. Whatever such a test produced can be handed to the
``leak_scan`` fixture, which fails the test if a canary appears in it; at the end
of the session every snapshot file under ``tests/`` is scanned the same way, so a
canary that reached a snapshot fails the whole run even if its test passed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from odiac import redact

CANARY_PREFIX = "CANARY-"
_CANARY_RE = re.compile(re.escape(CANARY_PREFIX) + r"[0-9A-Za-z_-]+")
TESTS = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _fresh_redaction_registry() -> Iterator[None]:
    """Each test starts with no registered secrets, so one test cannot mask another's leak."""
    redact.clear()
    yield
    redact.clear()


@dataclass
class LeakScan:
    """Collects what a test emitted (outputs, files) and finds planted canaries in it."""

    outputs: list[tuple[str, str]] = field(default_factory=list)

    def add(self, where: str, text: str) -> None:
        """Record one output (``where`` names it in the failure message)."""
        self.outputs.append((where, text))

    def add_files(self, root: Path) -> None:
        """Record every file under ``root`` (or ``root`` itself)."""
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in paths:
            self.add(str(path), path.read_text(encoding="utf-8", errors="replace"))

    def leaks(self) -> list[str]:
        found = []
        for where, text in self.outputs:
            for match in sorted(set(_CANARY_RE.findall(text))):
                found.append(f"{where}: {match}")
        return found


@pytest.fixture
def leak_scan() -> Iterator[LeakScan]:
    """Hand outputs to ``leak_scan.add``; the test fails if any holds a ``CANARY-`` value."""
    scan = LeakScan()
    yield scan
    leaks = scan.leaks()
    assert not leaks, "planted secrets leaked:\n" + "\n".join(leaks)


def snapshot_canaries(root: Path = TESTS) -> list[str]:
    """``file: canary`` for every canary value found in a ``__snapshots__`` file."""
    found = []
    for folder in sorted(root.rglob("__snapshots__")):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [
                f"{path.relative_to(root)}: {m}" for m in sorted(set(_CANARY_RE.findall(text)))
            ]
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a planted canary reached a snapshot file (any test, any worker)."""
    if hasattr(session.config, "workerinput"):
        return  # xdist worker: the controller scans once, after every worker wrote
    leaks = snapshot_canaries()
    if leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("Planted secrets found in snapshot files:", red=True)
            for leak in leaks:
                reporter.write_line(f"  {leak}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
