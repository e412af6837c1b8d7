"""The emulator stands alone: it imports nothing from the client's layers.

A parser or rule shared by client and emulator would make the emulator confirm
the client's bugs instead of catching them. Only the ``odiac`` package itself
(an import-free namespace holding ``__version__``) is shared, because the
emulator lives inside it; no module of it is imported.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import odiac.emulator
from odiac.emulator.quantity import QuantityError, cpu_millicores, memory_bytes

PACKAGE = Path(odiac.emulator.__file__).parent


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level > 1:  # from .. import x: leaves the package
                found.append((node.lineno, "." * node.level + (node.module or "")))
            elif node.level == 0 and node.module is not None:
                found.append((node.lineno, node.module))
                if node.module == "odiac":
                    found += [(node.lineno, f"odiac.{a.name}") for a in node.names]
    return found


def _foreign(module: str) -> bool:
    if module.startswith(".."):
        return True
    top = module.split(".")[0]
    return (
        top == "odiac"
        and module != "odiac"
        and not (module == "odiac.emulator" or module.startswith("odiac.emulator."))
    )


def test_no_module_of_the_emulator_imports_the_client() -> None:
    offences = [
        f"{path.relative_to(PACKAGE.parent.parent)}:{line}: {module}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, module in _imports(path)
        if _foreign(module)
    ]
    assert offences == []


def test_the_walker_sees_every_import_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import odiac.quantity\nfrom odiac import redact\nfrom odiac.errors import X\n"
        "from ..errors import Y\nfrom odiac.emulator import store\nimport json\n"
        "def f():\n    from odiac.redact import redact\n"
    )
    flagged = [m for _, m in _imports(sample) if _foreign(m)]
    assert flagged == ["odiac.quantity", "odiac.redact", "odiac.errors", "..errors", "odiac.redact"]


def test_importing_and_serving_loads_no_client_module() -> None:
    code = (
        "import sys, odiac.emulator, odiac.emulator.serve\n"
        "app = odiac.emulator.create_app()\n"
        "print(sorted(m for m in sys.modules if m.startswith('odiac.')"
        " and not m.startswith('odiac.emulator')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    ("text", "millicores"),
    [("500m", 500), ("0.5", 500), ("1", 1000), ("1000m", 1000), ("2", 2000), ("1e0", 1000),
     ("+1", 1000), (".5", 500), ("1.", 1000), ("0.0001", 1), ("100u", 1), ("1k", 1_000_000)],
)  # fmt: skip
def test_cpu_quantities_follow_kubernetes(text: str, millicores: int) -> None:
    assert cpu_millicores(text) == millicores


@pytest.mark.parametrize(
    ("text", "size"),
    [("1Gi", 2**30), ("1024Mi", 2**30), ("1G", 10**9), ("512Mi", 512 * 2**20), ("1073741824", 2**30),
     ("1e9", 10**9), ("1.5Gi", 3 * 2**29), ("5Gi", 5 * 2**30), ("0.5", 1)],
)  # fmt: skip
def test_memory_quantities_follow_kubernetes(text: str, size: int) -> None:
    assert memory_bytes(text) == size


@pytest.mark.parametrize(
    "text", ["", "abc", "1GB", "1 Gi", " 1Gi", "-1", "-500m", "1e999", "9Ei", "1..0", "e3", "Gi",
             "1gi", "0x10", "1_000", "\uff11"],
)  # fmt: skip
def test_invalid_quantities_are_refused(text: str) -> None:
    with pytest.raises(QuantityError):
        memory_bytes(text)
