"""Load ``opendeploy.toml``: read, parse, validate, and explain every problem.

Example::

    from odiac.config.loader import load_config

    loaded = load_config(Path("opendeploy.toml"), "production")
    loaded.config.services["web"].cpu     # "1" even if the file says "1000m"
    loaded.locate(("services", "web", "cpu"))  # opendeploy.toml:14:7

Loading never stops at the first problem: a :class:`~odiac.errors.ConfigError`
carries every diagnostic of the file, each with line, column and key path.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from odiac.config.diagnostics import (
    Diagnostic,
    KeyPath,
    Location,
    Problem,
    count_summary,
    sort_diagnostics,
)
from odiac.config.document import ENVIRONMENTS, evaluate, lookup
from odiac.config.positions import PositionIndex
from odiac.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from odiac.config.model import Config

OVERRIDE_SOURCE = "<overrides>"
_TOML_POSITION = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


@dataclass(frozen=True)
class LoadedConfig:
    """A valid configuration and where it came from.

    Attributes:
        config: The validated model, overlay merged, quantities normalised.
        path: The file that was read.
        environment: The selected environment name.
        digest: ``"sha256:<hex>"`` of the file bytes (config identity for plans).
        warnings: Advice that does not make the file invalid.
        default_environment: The environment used without ``--env``.
        environments: Every environment the file declares (default first, no patterns).
        overlay_name: The ``[environments]`` table that applied (None: the base alone).
    """

    config: Config
    path: Path
    environment: str
    digest: str
    warnings: tuple[Diagnostic, ...] = ()
    default_environment: str = "staging"
    environments: tuple[str, ...] = ("staging",)
    overlay_name: str | None = None
    _positions: PositionIndex | None = field(default=None, repr=False, compare=False)
    _overlay: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def locate(self, key_path: KeyPath) -> Location | None:
        """Where the effective value of ``key_path`` is written (overlay first, then base).

        Args:
            key_path: A path in the merged configuration, e.g. ``("services", "web", "cpu")``.

        Returns:
            The file position, or None when the key is not written in the file
            (a default value).
        """
        if self._positions is None:
            return None
        found, _ = lookup(self._overlay, key_path)
        if found and self.overlay_name is not None:
            key_path = (ENVIRONMENTS, self.overlay_name, *key_path)
        if key_path not in self._positions:
            return None
        line, column = self._positions.nearest(key_path)
        return Location(str(self.path), line, column)


# Far beyond any real file; the parser itself recurses once per level.
_MAX_NESTING = 100


def load_config(
    path: Path,
    environment: str | None = None,
    *,
    overrides: Mapping[str, str] | None = None,
) -> LoadedConfig:
    """Read and validate a configuration file for one environment.

    Args:
        path: The ``opendeploy.toml`` to read.
        environment: The environment; its overlay (exact name, else the first matching
            pattern) is merged over the base. None: the file's default environment.
        overrides: Dotted key path -> value applied last, e.g. ``{"gateway.url": "local"}``.

    Returns:
        The loaded configuration; warnings (if any) are in ``.warnings``.

    Raises:
        ConfigError: The file cannot be read, is not TOML, or is invalid;
            ``diagnostics`` lists every problem (warnings included).
        UsageError: ``environment`` cannot name an environment, or cannot form its
            project name or a subdomain label.
    """
    display = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        missing = "file not found; run `odiac init` in the app folder to write one"
        _fail(display, [Diagnostic(display, 0, 0, (), missing)])
    except OSError as exc:
        _fail(display, [Diagnostic(display, 0, 0, (), f"cannot read the file: {exc.strerror}")])
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    document, positions = _parse(display, data, digest)
    evaluation = evaluate(document, environment, overrides)
    diagnostics = sort_diagnostics(_place(display, positions, p) for p in evaluation.problems)
    if evaluation.usage_error is not None:
        raise UsageError(evaluation.usage_error)
    if evaluation.config is None:
        _fail(display, diagnostics)
    return LoadedConfig(
        config=evaluation.config,
        path=path,
        environment=evaluation.environment,
        digest=digest,
        warnings=tuple(diagnostics),
        default_environment=evaluation.default_environment,
        environments=evaluation.declared,
        overlay_name=evaluation.overlay_name,
        _positions=positions,
        _overlay=evaluation.overlay,
    )


# Parsed files by digest: --all-envs loads one file once per environment. Nothing
# downstream mutates the parsed document (overlays are merged into copies).
_PARSED: dict[tuple[str, str], tuple[dict[str, Any], PositionIndex]] = {}
_PARSED_SIZE = 8


def _parse(display: str, data: bytes, digest: str) -> tuple[dict[str, Any], PositionIndex]:
    hit = _PARSED.get((display, digest))
    if hit is not None:
        return hit
    text = _decode(display, data)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        _fail(display, [_syntax_diagnostic(display, text, str(exc))])
    except RecursionError:
        _fail(display, [_nesting_diagnostic(display, text)])
    try:
        positions = PositionIndex(text)
    except (IndexError, ValueError):  # pragma: no cover - the parser accepted the text
        # Diagnostics at 1:1 still beat a traceback over the whole file.
        positions = PositionIndex("")
    if len(_PARSED) >= _PARSED_SIZE:
        _PARSED.pop(next(iter(_PARSED)))
    _PARSED[(display, digest)] = (document, positions)
    return document, positions


def _nesting_diagnostic(display: str, text: str) -> Diagnostic:
    """Point at the first bracket nested deeper than any real configuration needs."""
    depth, line, column = 0, 1, 0
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif char in "[{":
            depth += 1
            if depth > _MAX_NESTING:
                break
        elif char in "]}":
            depth = max(0, depth - 1)
    message = f"arrays or tables are nested too deeply (more than {_MAX_NESTING} levels)"
    return Diagnostic(display, line, column, (), message)


def _fail(display: str, diagnostics: list[Diagnostic]) -> NoReturn:
    errors = [d for d in diagnostics if d.severity == "error"]
    raise ConfigError(
        f"{display} is invalid ({count_summary(diagnostics)})"
        if errors
        else f"{display} is invalid",
        diagnostics=list(diagnostics),
    )


def _decode(display: str, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        _fail(display, [Diagnostic(display, line, column, (), "the file is not valid UTF-8")])
    return text.removeprefix("\ufeff")


def _syntax_diagnostic(display: str, text: str, message: str) -> Diagnostic:
    match = _TOML_POSITION.match(message)
    if match:
        line, column = int(match["line"]), int(match["column"])
        message = match["msg"]
    else:
        # "(at end of document)": point just past the last character.
        message = message.removesuffix(" (at end of document)")
        lines = text.split("\n")
        line, column = len(lines), len(lines[-1]) + 1
    return Diagnostic(display, line, column, (), f"invalid TOML: {message}")


def _place(display: str, positions: PositionIndex, problem: Problem) -> Diagnostic:
    if problem.origin == "override":
        return Diagnostic(
            OVERRIDE_SOURCE, 0, 0, problem.key_path, problem.message, problem.severity
        )
    line, column = positions.nearest(problem.key_path, at_key=problem.at_key)
    return Diagnostic(display, line, column, problem.key_path, problem.message, problem.severity)
