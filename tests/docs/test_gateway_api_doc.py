"""docs/gateway-api.md is complete, cited correctly, and its commands run.

The page is the user's reference for driving the gateway or ``odiac emulator
serve`` by hand, so it must name every route the emulator serves, every citation
of it in the code must resolve, and its shell examples must work as printed.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

from odiac.emulator.app import build_table

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "gateway-api.md"
TEXT = DOC.read_text(encoding="utf-8")

SECTION = re.compile(r"^#{2,4} (\d+(?:\.\d+)*)\b", re.M)
QUIRK = re.compile(r'<a id="quirk-(\d+)"></a>')
FAILURE = re.compile(r'<a id="failure-(\d+)"></a>')
CITE = re.compile(r"gateway-api(?:\.md)?[ ,]+(?:(quirk|failure) (\d+)|(\d+(?:\.\d+)*))")


def _placeholders(path: str) -> str:
    path = re.sub(r"\{\w+\}", "{}", path)
    # Both slash forms of the domains root are the same route (section 1.3).
    return path.rstrip("/") if path.rstrip("/") == "/v1/service-domains" else path


def _documented_routes() -> set[tuple[str, str]]:
    found = set()
    for method, path in re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`?\s\[]*)", TEXT):
        found.add((method, _placeholders(path)))
    return found


def test_every_route_the_emulator_serves_is_documented() -> None:
    documented = _documented_routes()
    missing = sorted(
        f"{route.method} {route.path}"
        for route in build_table().routes
        if (route.method, _placeholders(route.path)) not in documented
    )
    assert missing == []


def test_the_page_speaks_only_of_itself() -> None:
    assert "§" not in TEXT
    assert not re.search(r"\b[QF]\d{1,2}\b", TEXT)
    assert "shared/" not in TEXT
    assert not re.search(r"\[[PNE](?:/[PNE])*[],: ]", TEXT)


def _shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", TEXT, re.S)


def test_the_shell_examples_run_against_a_served_emulator(
    tmp_path: Path, emulator_server: Any
) -> None:
    blocks = _shell_blocks()
    assert blocks, "the page shows how to call the API"
    with emulator_server(tmp_path / "server") as emu:
        for block in blocks:
            script = block.replace("http://127.0.0.1:8787", emu.origin)
            # The first call registers; later calls use the key it returned, as a user would.
            script = "set -euo pipefail\n" + script.replace(
                "curl -s -X POST " + emu.origin + "/api/v1/client-agents/register",
                "KEY=$(curl -sf -X POST "
                + emu.origin
                + "/api/v1/client-agents/register | python3 -c "
                "'import json,sys; print(json.load(sys.stdin)[\"api_key\"])')",
                1,
            ).replace("curl -s ", "curl -sf ")
            done = subprocess.run(
                ["bash", "-c", script],
                capture_output=True,
                text=True,
                timeout=60,
                env={**os.environ},
                check=False,
            )
            assert done.returncode == 0, done.stderr
            assert '"name":"shop"' in done.stdout.replace(" ", "")


ANALYSIS = (ROOT / "docs" / "analysis-rules.md").read_text(encoding="utf-8")
CITE = re.compile(
    r"(gateway-api|analysis-rules)(?:\.md)? (?:(quirk|failure) (\d+)|(\d+(?:\.\d+)*))"
)


def _targets() -> dict[str, set[str]]:
    numbered = {
        "gateway-api": set(SECTION.findall(TEXT)),
        "analysis-rules": set(SECTION.findall(ANALYSIS)),
    }
    # A numbered item of a section ("7.1.8", "9.5") counts when its section lists it.
    for doc, text in (("gateway-api", TEXT), ("analysis-rules", ANALYSIS)):
        for heading, body in re.findall(
            r"^#{2,4} (\d+(?:\.\d+)*)\b[^\n]*\n(.*?)(?=^#{2,4} |\Z)", text, re.M | re.S
        ):
            for item in re.findall(r"^(\d+)\. ", body, re.M):
                numbered[doc].add(f"{heading}.{item}")
    numbered["quirk"] = set(re.findall(r'<a id="quirk-(\d+)"></a>', TEXT))
    numbered["failure"] = set(re.findall(r'<a id="failure-(\d+)"></a>', TEXT))
    return numbered


def test_every_citation_in_the_code_resolves() -> None:
    targets = _targets()
    assert len(targets["quirk"]) >= 50
    assert len(targets["failure"]) >= 30
    broken, cited = [], 0
    for folder in ("odiac", "plugins"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for doc, kind, number, section in CITE.findall(line):
                    cited += 1
                    ok = number in targets[kind] if kind else section in targets[doc]
                    if not ok:
                        broken.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()}")
    assert broken == []
    assert cited > 100


def test_playbook_rows_the_client_reports_are_anchors_of_the_page() -> None:
    rows = set()
    for path in (ROOT / "odiac").rglob("*.py"):
        rows.update(re.findall(r'"failure-(\d+)"', path.read_text(encoding="utf-8")))
    assert rows
    assert rows <= _targets()["failure"]


def test_no_doc_cites_an_outside_document() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    offending = []
    for page in pages:
        for lineno, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if "§" in line or "shared/" in line or re.search(r"\b[FQ]\d{1,2}\b", line):
                offending.append(f"{page.name}:{lineno}: {line.strip()}")
    assert offending == []
