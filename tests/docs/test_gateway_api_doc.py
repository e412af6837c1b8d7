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
