"""``--format markdown``: PR-comment Markdown, escaped, ordered for review, truncated whole."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from syrupy.assertion import SnapshotAssertion

from odiac.plan.inputs import DesiredService, DesiredState, LiteralValue, LiveState
from odiac.plan.model import Plan
from odiac.plan.planner import make_plan
from odiac.plan.render_markdown import (
    DEFAULT_LIMIT,
    MARKER,
    MIN_LIMIT,
    STEP_SUMMARY_LIMIT,
    render_markdown,
    render_step_summary,
)
from plan import scenarios as sc

HOSTILE = "a|b</code></details><script>x</script> @octocat #12 `tick` *em* [l](u) $x$"


def plan_of(desired: DesiredState, live: LiveState) -> Plan:
    return make_plan(desired, live, hmac_key=sc.HMAC_KEY)


class _Tags(HTMLParser):
    """Checks that every HTML element opened in the document is closed, properly nested."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.seen: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.stack.append(tag)
        self.seen.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")


def assert_well_formed(text: str) -> None:
    """Balanced tags, whole table rows, a blank line around each block."""
    tags = _Tags()
    tags.feed(text)
    tags.close()
    assert tags.errors == []
    assert tags.stack == []
    assert "script" not in tags.seen
    table: list[int] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            assert line.endswith("|"), line
            table.append(line.count("|"))
        elif table:
            assert len(set(table)) == 1, "a row with another cell count"
            assert line == "", "a table must end with a blank line"
            table = []
    for part in text.split("</summary>")[1:]:
        assert part.startswith("\n\n"), "Markdown inside <details> needs a blank line"


@pytest.mark.parametrize("name", sorted(sc.SCENARIOS))
def test_markdown_snapshot(name: str, snapshot: SnapshotAssertion) -> None:
    text = render_markdown(plan_of(*sc.SCENARIOS[name]()))
    assert_well_formed(text)
    assert text == snapshot


def test_no_changes_form() -> None:
    text = render_markdown(plan_of(*sc.no_changes()))
    assert text.startswith(MARKER + "\n")
    assert "**No changes.**" in text
    assert "<details>" not in text
    assert "| Resource |" not in text


def test_warnings_are_shown_and_escaped_even_without_changes() -> None:
    plan = plan_of(*sc.no_changes())
    plan = plan.model_copy(update={"warnings": ["service web is deploying *now* @octocat"]})
    text = render_markdown(plan)
    assert "- service web is deploying &#42;now&#42; &#64;octocat\n" in text
    assert_well_formed(text)


def test_canary_secrets_never_appear() -> None:
    plan = plan_of(*sc.canary_secrets())
    for text in (render_markdown(plan), render_step_summary(plan)):
        assert "<em>(sensitive value changed)</em>" in text
        assert "canary-" not in text
        assert_well_formed(text)


def test_user_values_cannot_break_the_table_nor_mention_anyone() -> None:
    desired, live = sc.env_rotation()
    env = {**desired.services["web"].env, "LOG_LEVEL": LiteralValue.of(HOSTILE)}
    text = render_markdown(plan_of(sc.with_service(desired, "web", env=env), live))
    assert_well_formed(text)
    for raw in ("@octocat", " #12 ", "`tick`", "*em*", "</code></details>", "a|b", "$x$"):
        assert raw not in text
    assert "&#64;octocat" in text  # shown, inert


def test_manual_items_come_first_then_restarts_of_running_services() -> None:
    desired, live = sc.service_removed()
    desired = sc.with_service(desired, "web", cpu_limit="500m")
    extra = {**desired.services, "api": DesiredService(type="web", port=9000)}
    desired = desired.model_copy(update={"services": extra})
    text = render_markdown(plan_of(desired, live))
    rows = [line for line in text.splitlines() if line.startswith("| <code>")]
    addresses = [re.search(r"<code>(.*?)</code>", row).group(1) for row in rows]  # type: ignore[union-attr]
    assert addresses[0] == "service.worker"  # manual: live but not in the file
    assert "**manual**" in rows[0]
    assert addresses[1] == "service.web"  # rolling restart of a running service
    assert "rolling restart" in rows[1]
    assert "service.api" in addresses[2:]  # created: nothing restarts
    summaries = re.findall(r"<summary><code>(.*?)</code>", text)
    assert summaries[:2] == ["service.worker", "service.web"]


def test_a_first_deploy_keeps_execution_order() -> None:
    text = render_markdown(plan_of(*sc.fresh_create()))
    rows = [line for line in text.splitlines() if line.startswith("| <code>")]
    assert "create project" in rows[0]
    assert "deploy: created" in rows[4]


def big_plan(services: int = 30, keys: int = 20) -> Plan:
    """Many services whose env all changed, plus live-only ones (manual)."""
    base = sc.desired_state()
    names = [f"svc{i:03d}" for i in range(services)]
    before = {
        name: DesiredService(
            type="worker", env={f"KEY_{j:02d}": LiteralValue.of(f"old-{j}") for j in range(keys)}
        )
        for name in names
    }
    after = {
        name: svc.model_copy(
            update={"env": {k: LiteralValue.of(f"new-{k}-{'x' * 30}") for k in svc.env}}
        )
        for name, svc in before.items()
    }
    gone = {f"legacy{i}": DesiredService(type="worker") for i in range(3)}
    live = sc.live_matching(base.model_copy(update={"services": {**before, **gone}}))
    return plan_of(base.model_copy(update={"services": after}), live)


def test_big_plan_is_truncated_whole_with_a_note() -> None:
    plan = big_plan()
    full = render_markdown(plan, limit=10**7)
    assert len(full) > DEFAULT_LIMIT  # the premise: it would not fit
    assert "Truncated" not in full
    text = render_markdown(plan)
    assert len(text) <= DEFAULT_LIMIT
    assert_well_formed(text)
    note = text.rsplit("\n> [!NOTE]\n", 1)[1]
    assert re.fullmatch(
        r"> Truncated to fit 60,000 characters: \d+ resource details left out\. "
        r"Run <code>odiac plan</code> for the full plan\.\n",
        note,
    )
    left_out = int(re.search(r"(\d+) resource details", note).group(1))  # type: ignore[union-attr]
    shown = text.count("<details>")
    assert shown + left_out == full.count("<details>")
    head = full[: full.index("<details>")]
    assert text.startswith(head)  # the whole summary table fits
    assert head.count("| <code>") == sum(a.kind != "bind_source" for a in plan.actions)
    assert "legacy0" in text.split("<details>", 1)[1]  # manual details survive: they come first


@pytest.mark.parametrize("limit", [MIN_LIMIT, 1_500, 3_000, 7_777, 20_000, 59_999])
def test_any_limit_is_respected_and_the_result_stays_valid(limit: int) -> None:
    text = render_markdown(big_plan(services=40, keys=10), limit=limit)
    assert len(text) <= limit
    assert_well_formed(text)
    assert "> Truncated to fit" in text


def test_tiny_limit_cuts_table_rows_whole() -> None:
    text = render_markdown(big_plan(services=40, keys=10), limit=MIN_LIMIT)
    assert re.search(r"\d+ table rows?, \d+ resource details? left out", text)
    assert "<details>" not in text


def test_oversized_warnings_are_left_out_as_one_block_and_counted() -> None:
    plan = plan_of(*sc.resize_only())
    plan = plan.model_copy(update={"warnings": [f"warning {i}: " + "w" * 80 for i in range(40)]})
    text = render_markdown(plan, limit=2_000)
    assert len(text) <= 2_000
    assert_well_formed(text)
    assert "| <code>service.web</code> | update" in text  # the table row still fits
    assert "warning 0" not in text
    assert "1 warnings block, 1 resource detail left out." in text


def test_limit_below_the_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        render_markdown(plan_of(*sc.resize_only()), limit=MIN_LIMIT - 1)


def test_step_summary_is_the_same_document_with_a_larger_cap() -> None:
    small = plan_of(*sc.env_rotation())
    assert render_step_summary(small) == render_markdown(small)
    plan = big_plan()
    summary = render_step_summary(plan)
    assert len(summary) <= STEP_SUMMARY_LIMIT
    assert len(summary.encode()) < 1 << 20  # GitHub's cap is in bytes
    assert summary == render_markdown(plan, limit=STEP_SUMMARY_LIMIT)
    assert "Truncated" not in summary
