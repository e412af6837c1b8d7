"""Field-level differences, computed with deepdiff and turned into :class:`FieldChange`.

deepdiff stays inside this module: its result objects are converted to odiac's
own change records at once, so nothing else depends on deepdiff's shapes.

deepdiff's cost is per key it walks (one tree level each), not per call, so a
plan of many unchanged services would spend most of its time confirming that
equal maps are equal. Maps of plain scalars that are equal key by key, type
included, are therefore recognised up front (the same short cut deepdiff takes
for identical objects); every map that differs is diffed by deepdiff whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deepdiff import DeepDiff

from odiac.plan.inputs import is_sensitive_key, secret_digest
from odiac.plan.model import FieldChange, Impact, Scalar

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pydantic import SecretStr

_ABSENT = object()
# Types whose equality deepdiff reports exactly as ``==`` does, once the types match.
_PLAIN = frozenset({str, int, bool, type(None)})


@dataclass(frozen=True)
class EnvTarget:
    """A desired env value after resolution; ``value`` None means known after apply."""

    value: str | None
    sensitive: bool
    unknown_source: str | None = None
    ref: str | None = None


def changed_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Top-level keys whose values differ (added, removed or changed), sorted."""
    if _same_plain(before, after):
        return []
    diff = DeepDiff(dict(before), dict(after), view="tree", verbose_level=2)
    keys: set[str] = set()
    for report in diff.values():
        for level in report:
            path = level.path(output_format="list")
            if not path:
                # deepdiff reports an empty side as a change of the root: compare by hand.
                every = set(before) | set(after)
                keys |= {k for k in every if before.get(k, _ABSENT) != after.get(k, _ABSENT)}
            else:
                keys.add(str(path[0]))
    return sorted(keys)


def _same_plain(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Same keys and, key by key, plain values of one type that are equal."""
    if len(before) != len(after):
        return False
    for key, value in before.items():
        other = after.get(key, _ABSENT)
        kind = type(value)
        if kind is not type(other) or kind not in _PLAIN or value != other:
            return False
    return True


def diff_fields(
    before: Mapping[str, Scalar], after: Mapping[str, Scalar], impacts: Mapping[str, Impact]
) -> list[FieldChange]:
    """Changes of plain (non-secret) fields; only keys present in ``after`` are managed."""
    managed = {k: before.get(k) for k in after}
    return [
        FieldChange(
            path=key,
            before=managed[key],
            after=after[key],
            impact=impacts.get(key, "in place"),
        )
        for key in changed_keys(managed, after)
    ]


def diff_env(
    live: Mapping[str, SecretStr],
    desired: Mapping[str, EnvTarget],
    hmac_key: bytes,
    *,
    prefix: str,
    impact: Impact,
) -> list[FieldChange]:
    """Changes of an env map, compared by keyed digest; values shown only when safe.

    A live value is shown only when the desired side is a non-sensitive literal of a
    key that is not sensitive by name; a key removed from the file is always hidden,
    because nothing says its live value is harmless.
    """
    before = {k: secret_digest(v.get_secret_value(), hmac_key) for k, v in live.items()}
    after = {k: _target_token(t, hmac_key) for k, t in desired.items()}
    changes = []
    for key in changed_keys(before, after):
        target = desired.get(key)
        hidden = target is None or target.sensitive or is_sensitive_key(key)
        live_value = live.get(key)
        change = FieldChange(
            path=f"{prefix}.{key}",
            before=None if hidden or live_value is None else live_value.get_secret_value(),
            after=None if hidden or target is None else target.value,
            before_absent=live_value is None,
            after_absent=target is None,
            after_unknown=target is not None and target.value is None,
            before_sensitive=hidden and live_value is not None,
            after_sensitive=hidden and target is not None and target.value is not None,
            before_digest=before.get(key) if hidden else None,
            after_digest=after.get(key) if hidden and target and target.value is not None else None,
            impact=impact,
            unknown_source=target.unknown_source if target else None,
            ref=target.ref if target else None,
        )
        changes.append(change)
    return changes


def _target_token(target: EnvTarget, key: bytes) -> str:
    if target.value is None:
        # Unknown values always differ from whatever is live: apply will write them.
        return f"unknown:{target.unknown_source}"
    return secret_digest(target.value, key)
