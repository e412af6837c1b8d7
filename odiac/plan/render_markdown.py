"""Markdown for pull-request comments and the GitHub step summary (``--format markdown``).

A summary table (resource, action, impact) lists what a reviewer must act on
first: ``manual`` items (what odiac cannot do: deletes, type changes), then
changes that restart a running service, then the rest in execution order. One
collapsible ``<details>`` block per resource follows, in the same order, with
every field before -> after. Secret
values are never shown (the wording is the text rendering's), and every piece of
user text is entity-escaped inside ``<code>``, so a value can neither break the
table nor mention a person or an issue. When the whole would exceed ``limit``
characters, whole rows and blocks are left out from the end and a note says
what is missing: a tag or a table row is never cut.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac.plan.model import IMPACT_ORDER
from odiac.plan.render_text import format_after, format_before, headline, human_size

if TYPE_CHECKING:
    from collections.abc import Iterator

    from odiac.plan.model import Action, FieldChange, Impact, Plan

DEFAULT_LIMIT = 60_000
#: GitHub caps a step summary at 1 MiB; 250,000 characters stay below it in UTF-8.
STEP_SUMMARY_LIMIT = 250_000
MIN_LIMIT = 1_000
MARKER = "<!-- odiac-plan -->"

_RESTARTS: tuple[Impact, ...] = ("redeploy", "rolling restart")
_FIRST_DEPLOY = ("created", "not deployed yet")  # nothing is running yet: nothing restarts
_NOTE_RESERVE = 400  # room kept for the truncation note, whatever its counts
_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>|`*_[]\\~#@$\r\n"})
_TABLE_HEAD = "| Resource | Action | Impact |\n|:--|:--|:--|\n"


def render_markdown(plan: Plan, *, limit: int = DEFAULT_LIMIT) -> str:
    """Render ``plan`` as GitHub-flavoured Markdown of at most ``limit`` characters.

    Raises:
        ValueError: ``limit`` is below :data:`MIN_LIMIT`.
    """
    if limit < MIN_LIMIT:
        raise ValueError(f"limit must be at least {MIN_LIMIT} characters")
    out = _Budget(limit - _NOTE_RESERVE)
    out.force(_heading(plan))
    if not plan.has_changes:
        out.force("**No changes.** Live state matches <code>opendeploy.toml</code>.\n\n")
    else:
        out.force(f"**{_escape(plan.summary())}**\n\n" + _TABLE_HEAD)
        rows = [_row(plan, a) for a in _ordered(plan) if a.kind != "bind_source"]
        for row in rows:
            out.add("table row", row, reserve=1)
        out.force("\n")
    if plan.warnings:
        out.add("warnings block", _warnings(plan.warnings))
    for block in _details(plan):
        out.add("resource detail", block)
    return out.finish(limit)


def render_step_summary(plan: Plan) -> str:
    """The Markdown for ``$GITHUB_STEP_SUMMARY`` (the same document, GitHub's size cap)."""
    return render_markdown(plan, limit=STEP_SUMMARY_LIMIT)


class _Budget:
    """Appends whole pieces while they fit; after the first that does not, counts the rest."""

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._parts: list[str] = []
        self._used = 0
        self._full = False
        self.omitted: dict[str, int] = {}

    def force(self, text: str) -> None:
        self._parts.append(text)
        self._used += len(text)

    def add(self, what: str, text: str, *, reserve: int = 0) -> None:
        if not self._full and self._used + len(text) + reserve <= self._budget:
            self.force(text)
            return
        self._full = True  # later pieces are less important: keep the order honest
        self.omitted[what] = self.omitted.get(what, 0) + 1

    def finish(self, limit: int) -> str:
        text = "".join(self._parts)
        if self.omitted:
            left_out = ", ".join(
                f"{n} {what}{'' if n == 1 else 's'}" for what, n in self.omitted.items()
            )
            text += (
                "> [!NOTE]\n"
                f"> Truncated to fit {limit:,} characters: {left_out} left out. "
                "Run <code>odiac plan</code> for the full plan.\n"
            )
        return text.rstrip("\n") + "\n"


def _heading(plan: Plan) -> str:
    return (
        f"{MARKER}\n### odiac plan: environment <code>{_escape(plan.environment)}</code>, "
        f"project <code>{_escape(plan.project)}</code>\n\n"
    )


def _ordered(plan: Plan) -> list[Action]:
    """Review order: manual, then restarts of running services, then the rest (stable)."""
    return sorted(plan.actions, key=_concern)


def _concern(action: Action) -> int:
    if action.kind == "manual":
        return 0
    if action.kind == "deploy" and action.reason in _FIRST_DEPLOY:
        return 2
    return 1 if action.impact in _RESTARTS else 2


def _row(plan: Plan, action: Action) -> str:
    impact = f"**{action.impact}**" if action.impact == "manual" else action.impact
    return f"| {_code(action.address)} | {_label(plan, action)} | {impact} |\n"


def _label(plan: Plan, action: Action) -> str:
    """What the action does, in a few words (escaped Markdown)."""
    if action.kind == "create_project":
        return f"create project in {_code(action.region or 'the default region')}"
    if action.kind == "create_dependency":
        return f"create {_code(action.engine)} dependency"
    if action.kind == "create_service":
        return "create service"
    if action.kind == "update_service":
        return "update " + ", ".join(_code(c.path) for c in action.changes)
    if action.kind == "set_env":
        return "replace env: " + _env_counts(action.changes)
    if action.kind == "upload_source":
        return "upload + bind source: " + _source(plan)
    if action.kind == "deploy":
        return f"deploy: {_escape(action.reason)}"
    if action.kind == "rename_subdomain":
        change = action.changes[0]
        return f"rename subdomain {_side(format_before(change))} -> {_side(format_after(change))}"
    if action.kind == "manual":
        return _escape(action.reason)
    return _escape(headline(plan, action))


def _env_counts(changes: list[FieldChange]) -> str:
    added = sum(c.before_absent for c in changes)
    removed = sum(c.after_absent for c in changes)
    return f"{added} added, {len(changes) - added - removed} changed, {removed} removed"


def _source(plan: Plan) -> str:
    src = plan.source
    if src.kind == "git":
        return f"git {_code(src.git_url or '?')} (branch {_code(src.branch or 'default')})"
    return f"{src.file_count} files, {human_size(src.total_bytes)}"


def _details(plan: Plan) -> Iterator[str]:
    """One ``<details>`` block per resource address, strongest concern first."""
    groups: dict[str, list[Action]] = {}
    for action in _ordered(plan):
        if action.kind != "bind_source":
            groups.setdefault(action.address, []).append(action)
    for address, actions in groups.items():
        impact = max((a.impact for a in actions), key=IMPACT_ORDER.index)
        kinds = ", ".join(dict.fromkeys(a.kind.replace("_", " ") for a in actions))
        body = "".join(_action_detail(plan, a) for a in actions)
        said = f" ({impact})" if impact not in kinds else ""  # no "manual (manual)"
        yield (
            f"<details><summary>{_code(address)}: {_escape(kinds)}{said}</summary>\n\n"
            f"{body}</details>\n\n"
        )


def _action_detail(plan: Plan, action: Action) -> str:
    head = f"*{action.impact}*: {_label(plan, action)}"
    if action.kind == "set_env":
        head += "; keys after apply: " + (", ".join(_code(k) for k in action.keys) or "none")
    if action.kind == "upload_source" and plan.source.digest:
        head += f"; identity {_code(plan.source.digest)}"
    if not action.changes:
        return head + "\n\n"
    if action.kind.startswith("create_"):
        rows = [f"| {_code(c.path)} | {_after(c)} |\n" for c in action.changes]
        return head + "\n\n| Field | Value |\n|:--|:--|\n" + "".join(rows) + "\n"
    rows = [
        f"| {_code(c.path)} | {_side(format_before(c))} | {_after(c)} | {c.impact} |\n"
        for c in action.changes
    ]
    table = "| Field | Before | After | Impact |\n|:--|:--|:--|:--|\n"
    return head + "\n\n" + table + "".join(rows) + "\n"


def _warnings(warnings: list[str]) -> str:
    return "**Warnings**\n\n" + "".join(f"- {_escape(w)}\n" for w in warnings) + "\n"


def _after(change: FieldChange) -> str:
    text = _side(format_after(change))
    if change.ref:
        text += f" from {_code(change.ref)}"
    elif change.after_unknown and change.unknown_source:
        text += f" from {_code(change.unknown_source)}"
    return text


def _side(text: str) -> str:
    """A rendered value: placeholders such as ``(sensitive value)`` in italics, values as code.

    Values come from ``format_before``/``format_after`` (JSON scalars), which never
    start with ``(``; the placeholders always do.
    """
    return f"<em>{_escape(text)}</em>" if text.startswith("(") else _code(text)


def _code(text: str) -> str:
    return f"<code>{_escape(text)}</code>"


def _escape(text: str) -> str:
    """Entity-escape HTML and Markdown syntax, table pipes, mentions and line breaks."""
    return text.translate(_ESCAPES)
