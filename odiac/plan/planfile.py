"""Saved plans: ``odiac plan -o plan.json`` and ``odiac apply plan.json``.

The file is the :class:`~odiac.plan.model.Plan` as JSON. It never holds a secret
value: secrets appear only as HMAC-SHA256 digests under the plan key, which the
applier keeps outside the plan, in ``.opendeploy/plan-key`` (mode 0600). Before
applying, :func:`check_stale` re-plans the facts and names whatever changed since
the plan was made.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from odiac.errors import PlanError
from odiac.plan.model import FORMAT_VERSION, Plan
from odiac.plan.planner import make_plan, value_digests
from odiac.redact import redact

if TYPE_CHECKING:
    from odiac.plan.inputs import DesiredState, LiveState


def dumps(plan: Plan) -> str:
    """The plan file text; refuses text that would carry a registered secret.

    The file also keeps the digest of every source file (never its contents), so a
    stale plan can name the files that changed.
    """
    data = plan.model_dump(mode="json")
    data["source"]["files"] = dict(plan.source.files)
    text = json.dumps(data, indent=2) + "\n"
    if redact(text) != text:
        # Defence in depth: the model holds no values, so this means a bug upstream.
        raise PlanError("refusing to write a plan file that contains a secret value")
    return text


def save(plan: Plan, path: str | os.PathLike[str]) -> None:
    """Write ``plan`` to ``path`` atomically (a crash never leaves half a plan)."""
    target = Path(path)
    text = dumps(plan)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: str | os.PathLike[str]) -> Plan:
    """Read a plan file.

    Raises:
        PlanError: The file is missing, not a plan, corrupt, or of another format version.
    """
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError(f"cannot read plan file {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PlanError(f"{path} is not a plan file (invalid JSON at line {exc.lineno})") from exc
    if not isinstance(data, dict) or "format_version" not in data:
        raise PlanError(f"{path} is not an odiac plan file (no format_version)")
    version = data["format_version"]
    if version != FORMAT_VERSION:
        raise PlanError(
            f"{path} has plan format_version {version!r}; this odiac reads {FORMAT_VERSION}",
            hint="Run `odiac plan -o <file>` again with this version of odiac.",
        )
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PlanError(f"{path} is corrupt: {where}: {first['msg']}") from exc


def check_stale(plan: Plan, desired: DesiredState, live: LiveState, hmac_key: bytes) -> list[str]:
    """Name everything that changed since ``plan`` was made (empty list: still valid).

    Any change of the configuration, the source or an env value (a rotated secret)
    makes the plan stale. A change on the gateway makes it stale when planning now
    would give other actions; the message names the resources that changed.

    Args:
        plan: The saved plan.
        desired: The desired state rebuilt now (secrets resolved again).
        live: The live state refreshed now.
        hmac_key: The plan key the plan was made with.
    """
    reasons: list[str] = []
    if desired.project.name != plan.project:
        reasons.append(f"project changed: {plan.project} -> {desired.project.name}")
    if desired.environment != plan.environment:
        reasons.append(f"environment changed: {plan.environment} -> {desired.environment}")
    if desired.config_digest != plan.config_digest:
        reasons.append("opendeploy.toml (effective configuration) changed")
    if desired.source.digest != plan.source.digest:
        reasons.append(
            _source_changes(plan.source.files, desired.source.files)
            or f"source changed: {plan.source.digest or '-'} -> {desired.source.digest or '-'}"
        )
    now = value_digests(desired, hmac_key)
    for path in sorted(set(now) | set(plan.value_digests)):
        if path not in now:
            reasons.append(f"{path} was removed")
        elif path not in plan.value_digests:
            reasons.append(f"{path} was added")
        elif now[path] != plan.value_digests[path]:
            reasons.append(f"the value of {path} changed (secret rotated?)")
    if live.fingerprint(hmac_key) != plan.live_fingerprint and _replans_differently(
        plan, desired, live, hmac_key
    ):
        reasons.extend(_live_changes(plan.live_resources, live.resource_fingerprints(hmac_key)))
    return reasons


def _replans_differently(plan: Plan, desired: DesiredState, live: LiveState, key: bytes) -> bool:
    """Live changes that leave the plan's actions as they were are harmless.

    Statuses move on their own (a dependency reaches ``running``, an auto domain
    appears); refusing a plan for that would make saved plans useless right after
    an apply. The plan is stale only if planning now would do something else.
    """
    try:
        now = make_plan(desired, live, hmac_key=key)
    except PlanError:
        return True
    return now.actions != plan.actions


def _live_changes(then: dict[str, str], now: dict[str, str]) -> list[str]:
    named = []
    for address in sorted(set(then) | set(now)):
        if address not in now:
            named.append(f"{address} disappeared from the gateway")
        elif address not in then:
            named.append(f"{address} appeared on the gateway")
        elif then[address] != now[address]:
            named.append(f"{address} changed on the gateway")
    return named or ["live state changed on the gateway since the plan was made"]


def _source_changes(then: dict[str, str], now: dict[str, str], shown: int = 10) -> str | None:
    """``source changed: added a, removed c, modified d`` (the first ``shown`` files);
    None when the plan predates per-file digests."""
    changes = [
        *(f"added {name}" for name in sorted(set(now) - set(then))),
        *(f"removed {name}" for name in sorted(set(then) - set(now))),
        *(f"modified {name}" for name in sorted(set(then) & set(now)) if then[name] != now[name]),
    ]
    if not changes:
        return None
    more = f" and {len(changes) - shown} more" if len(changes) > shown else ""
    return "source changed: " + ", ".join(changes[:shown]) + more
