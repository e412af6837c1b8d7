"""Options shared by every subcommand (set by the top-level group)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_CONFIG = "opendeploy.toml"
#: Environment variable naming the gateway for one run (over the file, under --gateway).
GATEWAY_ENV = "OD_GATEWAY"


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

    @property
    def gateway_override(self) -> str | None:
        """The gateway chosen for this run over the file's: ``--gateway``, then ``OD_GATEWAY``."""
        import os

        return self.gateway or os.environ.get(GATEWAY_ENV) or None

    def resolve_gateway(self) -> str:
        """The gateway every command uses: ``--gateway``, ``OD_GATEWAY``, the file, the default.

        The file's ``[gateway] url`` is read leniently here (a file that fails
        validation for another reason still names its gateway).
        """
        override = self.gateway_override
        if override:
            return override
        import tomllib

        from odiac.config.model import DEFAULT_GATEWAY

        try:
            document = tomllib.loads(self.config_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return DEFAULT_GATEWAY
        section = document.get("gateway")
        url = section.get("url") if isinstance(section, dict) else None
        return url if isinstance(url, str) and url else DEFAULT_GATEWAY
