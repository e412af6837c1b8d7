"""Log paging, ``--since`` and durations against the in-process emulator (virtual time)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from apply.harness import VirtualTime, apply_config, running_emulator, write_app

from odiac.ops.logs import LogFilter, fetch_lines, parse_duration
from odiac.ops.lookup import parse_time

CONFIG = """
    version = 1
    [gateway]
    url = "local"
    [project]
    name = "logs"
    [services.web]
    type = "web"
    port = 8000
    cpu = "1"
    memory = "1Gi"
"""


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("10m", 600), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), (" 5M ", 300)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "10", "m", "1w", "10 m", "-5m", "1.5h"])
def test_malformed_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_since_keeps_lines_at_or_after_the_instant(tmp_path: Path) -> None:
    asyncio.run(_since_scenario(tmp_path))


async def _since_scenario(tmp_path: Path) -> None:
    async with running_emulator(tmp_path) as emulator:
        client = emulator.client(await emulator.user_token())
        timing = VirtualTime(emulator)
        config = write_app(tmp_path / "app", CONFIG)
        _, result = await apply_config(client, config, tmp_path / "scratch", timing)
        assert result.ok
        pid = (await client.list_projects())[0].id
        deployment = (await client.list_deployments(pid))[0]
        every = await fetch_lines(client, deployment.id, tail=None, filters=LogFilter())
        assert len(every.lines) > 6
        cut = parse_time(every.lines[5].timestamp)
        assert cut is not None
        later = await fetch_lines(client, deployment.id, tail=None, filters=LogFilter(since=cut))
        assert later.lines == [
            line for line in every.lines if (parse_time(line.timestamp) or cut) >= cut
        ]
        assert later.lines[0].timestamp == every.lines[5].timestamp
        build_tail = await fetch_lines(
            client, deployment.id, tail=1, filters=LogFilter(build_only=True)
        )
        builds = [line for line in every.lines if line.source == "buildctl"]
        assert build_tail.lines == builds[-1:]
