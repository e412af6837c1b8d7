"""The README demo: validate an example configuration against the local gateway."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    example = ROOT / "opendeploy.toml.example"
    return subprocess.call([sys.executable, "-m", "odiac", "validate", "--config", str(example)])


if __name__ == "__main__":
    raise SystemExit(main())
