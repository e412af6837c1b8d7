"""The human rendering of a plan, in Terraform's spirit.

``+`` create, ``~`` update, ``>>`` deploy (with its reason), ``!`` manual. Secret
values are never shown: a sensitive change reads ``(sensitive value changed)``,
decided by digest, and a value that exists only after apply reads
``(known after apply)``. The text is plain unless ``markup`` asks for rich markup;
the CLI decides about colour.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.markup import escape

from odiac.plan.credentials import CREDENTIAL_FIELDS
from odiac.plan.volumes import CONVERSION_NOTE

if TYPE_CHECKING:
    from odiac.plan.model import Action, FieldChange, Plan, Scalar

NO_CHANGES = "No changes. Live state matches opendeploy.toml."
SENSITIVE = "(sensitive value)"
SENSITIVE_CHANGED = "(sensitive value changed)"
UNKNOWN = "(known after apply)"

_SYMBOL = {
    "create_project": "+",
    "create_dependency": "+",
    "create_service": "+",
    "update_service": "~",
    "set_env": "~",
    "rename_subdomain": "~",
    "upload_source": "^",
    "bind_source": "^",
    "deploy": ">>",
    "create_volume": "+",
    "resize_volume": "~",
    "restore_volume": "~",
    "detach_volume": "-",
    "manual": "!",
}
_SHOW_IMPACT = ("update_service", "set_env", "rename_subdomain", "resize_volume", "restore_volume")
_STYLE = {"+": "green", "~": "yellow", "-": "magenta", "^": "cyan", ">>": "blue", "!": "red"}


def render_text(plan: Plan, *, markup: bool = False) -> str:
    """Render ``plan`` for people; ``markup=True`` adds rich colour markup."""
    if not plan.has_changes:
        lines = [f"{NO_CHANGES} E{where(plan)[1:]}."]
    else:
        lines = [
            f'odiac will change project "{plan.project}" (environment {plan.environment}):',
            "",
        ]
        for action in plan.actions:
            if action.kind == "bind_source":
                continue  # shown on the upload line: one source step for people
            lines.extend(_action_lines(plan, action, markup))
        lines += ["", plan.summary()]
    if plan.warnings:
        lines += ["", "Warnings:"] + [f"  - {w}" for w in plan.warnings]
    return "\n".join(lines) + "\n"


def where(plan: Plan) -> str:
    """``environment production, project "shop-production"``: every header names both."""
    return f'environment {plan.environment}, project "{plan.project}"'


def _action_lines(plan: Plan, action: Action, markup: bool) -> list[str]:
    symbol = _SYMBOL[action.kind]
    text = headline(plan, action)
    if action.kind in _SHOW_IMPACT:
        text += f"  ({action.impact})"
    styled = f"[{_STYLE[symbol]}]{escape(symbol)}[/] {escape(text)}"
    lines = [f"  {styled if markup else f'{symbol} {text}'}"]
    body: list[str] = []
    if action.kind == "create_project":
        body = []  # the headline already says it all
    elif action.kind == "create_dependency":
        # The headline names the engine; only credentials the file sets get a line.
        creds = [c for c in action.changes if c.path in CREDENTIAL_FIELDS]
        width = max((len(c.path) for c in creds), default=0)
        body = [f"{c.path.ljust(width)} = {format_after(c)}" for c in creds]
    elif action.kind == "create_service":
        width = max((len(c.path) for c in action.changes), default=0)
        body = [f"{c.path.ljust(width)} = {format_after(c)}{_origin(c)}" for c in action.changes]
    elif action.kind == "set_env":
        body = [_env_line(c) for c in action.changes]
        body.append("keys after apply: " + (", ".join(action.keys) or "(none)"))
    elif action.kind in ("rename_subdomain", "create_volume", "detach_volume"):
        body = []
    else:
        body = [
            f"{c.path}: {format_before(c)} -> {format_after(c)}{_origin(c)}" for c in action.changes
        ]
    lines += [f"      {escape(line) if markup else line}" for line in body]
    return lines


def headline(plan: Plan, action: Action) -> str:
    """One line naming the action, without its symbol."""
    if action.kind == "create_project":
        region = action.region or "default region"
        return f"project {action.name} ({region})"
    if action.kind == "create_dependency":
        return f"dependency {action.name}: {action.engine}"
    if action.kind in ("create_service", "update_service"):
        return f"service {action.name}"
    if action.kind == "set_env":
        return f"service {action.name} env"
    if action.kind == "upload_source":
        return "source: upload + bind " + _source(plan)
    if action.kind == "deploy":
        return f"deploy {action.name}: {action.reason}"
    if action.kind == "rename_subdomain":
        change = action.changes[0]
        return f"subdomain of {action.name}: {format_before(change)} -> {format_after(change)}"
    if action.kind == "manual":
        return f"{action.address.replace('.', ' ', 1)}: {action.reason}"
    return _volume_headline(action)


def _volume_headline(action: Action) -> str:
    if action.kind == "create_volume":
        text = f"volume {action.volume} of {action.name}: {action.mount_path}, {action.size}"
        if action.conversion:
            text += f"  (forces workload conversion: {CONVERSION_NOTE})"
        return text
    if action.kind == "resize_volume":
        return f"volume {action.volume} of {action.name}: grow to {action.size}"
    if action.kind == "restore_volume":
        grow = f", then grow to {action.size}" if action.size else ""
        return f"volume {action.volume} of {action.name}: restore the orphaned volume{grow}"
    if action.kind == "detach_volume":
        until = action.restorable_until or "7 days after apply"
        return (
            f"volume {action.volume} of {action.name}: detach (orphaned, data kept,"
            f" restorable until {until})"
        )
    return action.address


def _source(plan: Plan) -> str:
    src = plan.source
    if src.kind == "git":
        return f"git {src.git_url or '?'} (branch {src.branch or 'default'})"
    digest = (src.digest or "sha256:?")[:19]
    return f"{src.file_count} files, {human_size(src.total_bytes)} ({digest})"


def _env_line(change: FieldChange) -> str:
    key = change.path.split(".", 1)[1]
    origin = _origin(change)
    if change.before_absent:
        return f"+ {key} = {format_after(change)}{origin}"
    if change.after_absent:
        return f"- {key}"
    if change.before_sensitive and change.after_sensitive:
        return f"~ {key}: {SENSITIVE_CHANGED}{origin}"
    return f"~ {key}: {format_before(change)} -> {format_after(change)}{origin}"


def _origin(change: FieldChange) -> str:
    return f" (from {change.ref})" if change.ref else ""


def format_before(change: FieldChange) -> str:
    """The before side of a change as people see it (never a secret)."""
    if change.before_absent:
        return "(none)"
    if change.before_sensitive:
        return SENSITIVE
    return _scalar(change.before)


def format_after(change: FieldChange) -> str:
    """The after side of a change as people see it (never a secret)."""
    if change.after_unknown:
        return UNKNOWN
    if change.after_absent:
        return "(removed)"
    if change.after_sensitive:
        if change.before_sensitive and change.before_digest != change.after_digest:
            return SENSITIVE_CHANGED
        return SENSITIVE
    return _scalar(change.after)


def _scalar(value: Scalar) -> str:
    return "(default)" if value is None else json.dumps(value)


def human_size(size: int) -> str:
    """``812 B``, ``1.2 KiB``, ``3.4 MiB``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns
