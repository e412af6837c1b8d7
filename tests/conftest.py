"""Suite-wide fixtures. Area-specific fixtures live in each test folder's conftest.

Canary values: a test that plants a secret to prove it never leaks gives it the
prefix :data:`CANARY_PREFIX`. Whatever such a test produced can be handed to the
``leak_scan`` fixture, which fails the test if a canary appears in it; at the end
of the session every snapshot file under ``tests/`` is scanned the same way, so a
canary that reached a snapshot fails the whole run even if its test passed.
"""

from __future__ import annotations

import itertools
import re
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from odiac import redact
from odiac.testing import EmulatorProcess, serve_emulator

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:  # tests/helpers, whatever pytest's import mode is
    sys.path.insert(0, str(TESTS))

from helpers.e2e import (  # noqa: E402
    OdiacExe,
    e2e_fixture,
    served_emulator,
    uses_e2e_fixture,
)

CANARY_PREFIX = "CANARY-"
_CANARY_RE = re.compile(re.escape(CANARY_PREFIX) + r"[0-9A-Za-z_-]+")


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


# -- end-to-end tests ----------------------------------------------------------------
#
# A test is end to end (marker ``e2e``, left out of ``./dev test --fast``) when it runs
# a real process of odiac or serves the emulator over real HTTP. It is marked by the
# fixtures it uses (any fixture made with ``helpers.e2e.e2e_fixture``, directly or
# through another fixture), so nobody has to remember the marker; a test that starts
# such a process without being marked fails (see ``_e2e_guard``).


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("e2e") is None and uses_e2e_fixture(item):
            item.add_marker(pytest.mark.e2e)


_current: dict[str, Any] = {"item": None}
# python -m <module> and scripts that run odiac (or install it) in a child process.
_E2E_MODULES = {"odiac", "pip", "pytest", "venv"}


def _starts_e2e_process(argv: Any) -> bool:
    if isinstance(argv, str | bytes):
        return False  # a shell string: not how the harness starts odiac
    args = [str(a) for a in argv]
    if not args:
        return False
    if Path(args[0]).name == "odiac":
        return True
    for flag, value in itertools.pairwise(args):
        if flag == "-m" and value in _E2E_MODULES:
            return True
    return any(Path(a).parent.name == "bench" and a.endswith(".py") for a in args[1:])


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "subprocess.Popen":
        return
    item = _current["item"]
    if item is None or item.get_closest_marker("e2e") is not None:
        return
    if _starts_e2e_process(args[1]):
        raise RuntimeError(
            f"{item.nodeid} starts an end-to-end process ({' '.join(map(str, args[1]))[:120]}) "
            "but is not marked e2e: use a served-emulator fixture or `odiac_exe`"
        )


sys.addaudithook(_audit)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Remember the running test so that the audit hook can check its marker."""
    _current["item"] = item
    try:
        return (yield)
    finally:
        _current["item"] = None


@e2e_fixture()
def odiac_exe() -> OdiacExe:
    """The ``odiac`` executable (``.run``, ``.spawn``) for tests without a served emulator."""
    return OdiacExe()


@e2e_fixture()
def emulator_server() -> Any:
    """``odiac.testing.serve_emulator``, for a test that needs a server of its own
    (a file database, its own request log, settings it cannot restore)."""
    return serve_emulator


@e2e_fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """One ``odiac emulator serve`` per test process at time_scale 20 (a deployment's
    7 s timeline takes ~0.4 s), immediate auto domain. Tests isolate themselves with a
    fresh user (``token``) and names of their own; one that changes settings restores
    them."""
    yield from served_emulator(tmp_path_factory.mktemp("emulator"), time_scale=20)


@e2e_fixture(scope="session")
def slow_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """Like ``emulator`` at time_scale 0.05: a deployment stays in progress until a test
    advances the clock (``POST /_emulator/clock/advance``)."""
    yield from served_emulator(tmp_path_factory.mktemp("slow-emulator"), time_scale=0.05)


@pytest.fixture
def token(emulator: EmulatorProcess, request: pytest.FixtureRequest) -> str:
    """A fresh user's PAT on ``emulator`` (registered as a secret)."""
    with emulator.control() as control:
        user = control.create_user(f"{request.node.name[:30]}-{uuid.uuid4().hex[:8]}@example.test")
    return str(user["api_key"])
