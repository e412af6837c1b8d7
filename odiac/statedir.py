"""The ``.opendeploy/`` folder: odiac's state beside the project, never committed.

Whenever odiac creates the folder it also writes ``.opendeploy/.gitignore`` holding
``*`` (the convention of ``.pytest_cache`` and ``.venv``), so ``git status`` never
offers the API key, the plan key or the local gateway's state for a commit.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

GITIGNORE_TEXT = "# Written by odiac: keys and local state, never committed.\n*\n"


def ensure_state_dir(folder: Path) -> None:
    """Create ``folder`` (mode 0700) if missing; a folder odiac creates gets its ``.gitignore``."""
    if folder.is_dir():
        return
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    if folder.name == ".opendeploy":
        with (
            contextlib.suppress(FileExistsError),
            open(folder / ".gitignore", "x", encoding="utf-8") as handle,
        ):
            handle.write(GITIGNORE_TEXT)
