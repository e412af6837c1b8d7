"""The machine rendering of a plan (``odiac plan --json``), documented in docs/plan-format.md.

Modelled on Terraform's ``resource_changes[].change``: each entry has ``actions``,
``before``, ``after``, ``after_unknown``, ``before_sensitive`` and
``after_sensitive`` objects keyed by field path, plus odiac's ``impact``. A
sensitive value is ``null`` in ``before``/``after`` and ``true`` in the matching
``*_sensitive`` object; its keyed digest is under ``before_digest``/``after_digest``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from odiac.plan.model import Action, Plan

JSON_FORMAT_VERSION = "1.0"

#: Terraform-style action verbs per odiac action kind.
_VERBS: dict[str, list[str]] = {
    "create_project": ["create"],
    "create_dependency": ["create"],
    "create_service": ["create"],
    "update_service": ["update"],
    "set_env": ["update"],
    "rename_subdomain": ["update"],
    "upload_source": ["upload"],
    "bind_source": ["bind"],
    "deploy": ["deploy"],
    "create_volume": ["create"],
    "resize_volume": ["update"],
    "restore_volume": ["update"],
    "detach_volume": ["detach"],
    "manual": ["manual"],
}
_DETAIL_FIELDS = (
    "name",
    "service_id",
    "reason",
    "keys",
    "uses",
    "engine",
    "display_name",
    "region",
    "label",
    "domain_id",
    "digest",
    "source_kind",
    "file_count",
    "total_bytes",
    "volume",
    "volume_id",
    "mount_path",
    "size",
    "conversion",
    "restorable_until",
)


def plan_document(plan: Plan) -> dict[str, Any]:
    """The ``--json`` document as a dict (stable key order, JSON-ready)."""
    return {
        "format_version": JSON_FORMAT_VERSION,
        "plan_format_version": plan.format_version,
        "odiac_version": plan.odiac_version,
        "project": plan.project,
        "environment": plan.environment,
        "config_digest": plan.config_digest,
        "live_fingerprint": plan.live_fingerprint,
        "source": plan.source.model_dump(mode="json"),
        "has_changes": plan.has_changes,
        "summary": plan.counts(),
        "resource_changes": [_resource_change(a) for a in plan.actions],
        "warnings": list(plan.warnings),
    }


def render_json(plan: Plan) -> str:
    """The ``--json`` document as indented text ending in a newline."""
    return json.dumps(plan_document(plan), indent=2) + "\n"


def _resource_change(action: Action) -> dict[str, Any]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    unknown: dict[str, bool] = {}
    before_sensitive: dict[str, bool] = {}
    after_sensitive: dict[str, bool] = {}
    digests: dict[str, dict[str, str]] = {}
    impacts: dict[str, str] = {}
    for change in action.changes:
        path = change.path
        impacts[path] = change.impact
        if not change.before_absent:
            before[path] = change.before
        if not change.after_absent:
            after[path] = change.after
        if change.after_unknown:
            unknown[path] = True
        if change.before_sensitive:
            before_sensitive[path] = True
        if change.after_sensitive:
            after_sensitive[path] = True
        pair = {"before": change.before_digest, "after": change.after_digest}
        if any(pair.values()):
            digests[path] = {k: v for k, v in pair.items() if v}
    details = {name: getattr(action, name) for name in _DETAIL_FIELDS if hasattr(action, name)}
    return {
        "id": action.id,
        "address": action.address,
        "kind": action.kind,
        "depends_on": list(action.depends_on),
        "impact": action.impact,
        "details": details,
        "change": {
            "actions": list(_VERBS[action.kind]),
            "before": before,
            "after": after,
            "after_unknown": unknown,
            "before_sensitive": before_sensitive,
            "after_sensitive": after_sensitive,
            "digests": digests,
            "impacts": impacts,
        },
    }
