"""Options shared by every subcommand (set by the top-level group)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_CONFIG = "opendeploy.toml"


@dataclass(frozen=True)
class GlobalOptions:
    """What the top-level ``odiac`` options say, before any file is read."""

    config_path: str | None = None
    gateway: str | None = None
    environment: str | None = None
    verbosity: int = 0
    color: bool = True

    @property
    def config_file(self) -> Path:
        return Path(self.config_path or DEFAULT_CONFIG)

    @property
    def env_name(self) -> str | None:
        """The ``--env`` value; None selects the file's default environment."""
        return self.environment
