"""The emulator's state holder: store, clock, settings, faults and request log."""

from __future__ import annotations

import collections
import logging
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from odiac.emulator import settings as settings_mod
from odiac.emulator import tokens
from odiac.emulator.clock import VirtualClock
from odiac.emulator.errors import ApiError, EmulatorSettingsError
from odiac.emulator.logs import mask_value
from odiac.emulator.store import Store

if TYPE_CHECKING:
    from collections.abc import Mapping

log = logging.getLogger("odiac.emulator")

HTTP_FAULTS = frozenset(
    {"http_500", "http_502", "http_503", "http_504", "timeout", "drop_after_commit"}
)
FAULT_KINDS = HTTP_FAULTS | {
    "build_fail",
    "deploy_fail",
    "dependency_fail",
    "extraction_fail",
    "domain_fail",
    "upload_queue_full",
}
_REQUEST_LOG_MAX = 10_000


class World:
    """Everything a request handler may touch."""

    def __init__(
        self,
        db_path: str,
        data_dir: str | None,
        key: str | None,
        public_base_url: str | None,
        settings: Mapping[str, object] | None,
    ) -> None:
        self.store = Store(db_path)
        self.key = key
        mask_value(key)
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self.data_dir = Path(data_dir) if data_dir else _default_data_dir(db_path)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if data_dir is None and db_path in (":memory:", ""):
            # A throw-away emulator leaves nothing behind once it is garbage-collected.
            weakref.finalize(self, shutil.rmtree, str(self.data_dir), True)
        stored = self.store.meta_get("settings", {})
        self.settings: dict[str, Any] = {**settings_mod.DEFAULTS, **stored}
        if settings:
            try:
                self.settings.update(settings_mod.validated(settings))
            except ApiError as exc:
                raise EmulatorSettingsError(str(exc.body["error"])) from None
            self.store.meta_set("settings", self._overrides())
        self.clock = VirtualClock(self.store, float(self.settings["time_scale"]))
        if settings and "time_scale" in settings:
            self.clock.set_scale(float(self.settings["time_scale"]))
        self.requests: collections.deque[dict[str, Any]] = collections.deque(
            maxlen=_REQUEST_LOG_MAX
        )
        self.secret = self._secret()

    def _secret(self) -> str:
        secret = self.store.meta_get("secret")
        if secret is None:
            secret = tokens.new_secret()
            self.store.meta_set("secret", secret)
        return str(secret)

    def _overrides(self) -> dict[str, Any]:
        return {k: v for k, v in self.settings.items() if settings_mod.DEFAULTS.get(k) != v}

    def now(self) -> float:
        """The virtual time."""
        return self.clock.now()

    def configure(self, values: Mapping[str, object]) -> dict[str, Any]:
        """Apply validated settings and persist them."""
        changes = settings_mod.validated(values)
        self.settings.update(changes)
        if "time_scale" in changes:
            self.clock.set_scale(float(changes["time_scale"]))
        self.store.meta_set("settings", self._overrides())
        return dict(self.settings)

    def reset(self) -> None:
        """Wipe every row, the counters and the faults; keep settings; reset the clock."""
        self.store.wipe(keep_meta=("settings", "secret", "clock"))
        self.clock.reset()
        self.requests.clear()
        for child in ("uploads", "projects", "multipart"):
            _rmtree(self.data_dir / child)

    # Faults -----------------------------------------------------------------

    def add_fault(self, kind: str, count: int, match: Mapping[str, Any]) -> None:
        """Queue ``count`` occurrences of a fault."""
        faults = self.store.meta_get("faults", [])
        faults.append({"kind": kind, "remaining": count, "match": dict(match)})
        self.store.meta_set("faults", faults)

    def take_fault(self, kinds: frozenset[str] | set[str], method: str, path: str) -> str | None:
        """Consume the first queued fault of one of ``kinds`` matching the request."""
        faults: list[dict[str, Any]] = self.store.meta_get("faults", [])
        for fault in faults:
            if fault["kind"] not in kinds or not _matches(fault["match"], method, path):
                continue
            fault["remaining"] -= 1
            kind = str(fault["kind"])
            self.store.meta_set("faults", [f for f in faults if f["remaining"] > 0])
            return kind
        return None

    def record_request(self, entry: dict[str, Any]) -> None:
        """Append to the in-memory request log."""
        self.requests.append(entry)


def _matches(match: Mapping[str, Any], method: str, path: str) -> bool:
    want_method = match.get("method")
    if want_method and str(want_method).upper() != method.upper():
        return False
    prefix = match.get("path")
    if prefix:
        prefix = str(prefix)
        # A prefix written without /api still matches API paths.
        candidates = (path, path.removeprefix("/api"))
        return any(c.startswith(prefix) for c in candidates)
    return True


def _default_data_dir(db_path: str) -> Path:
    if db_path == ":memory:" or not db_path:
        return Path(tempfile.mkdtemp(prefix="odiac-emulator-"))
    db = Path(db_path)
    return db.parent / f"{db.stem}-data"


def _rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
