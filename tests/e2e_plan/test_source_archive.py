"""Planning scans the source; only apply builds the archive, from the planned tree.

Runs against the embedded local gateway (``gateway = "local"``) in the test's own
folder, so nothing is shared between tests or workers.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from helpers.e2e import OdiacExe, fast_local_gateway

from odiac.apply import SilentReporter, apply_plan
from odiac.cli.context import GlobalOptions
from odiac.cli.session import open_session
from odiac.errors import SourceError
from odiac.plan.model import Plan, UploadSource
from odiac.source import scan_source

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LOCAL = GlobalOptions(gateway="local")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    app = tmp_path / "site"
    shutil.copytree(EXAMPLES / "static-site", app, ignore=shutil.ignore_patterns(".opendeploy"))
    fast_local_gateway(app)  # an apply waits for its deployment: 0.4 s, not 7 s
    monkeypatch.chdir(app)
    monkeypatch.delenv("CI", raising=False)
    return app


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _uploads(plan: Plan) -> list[UploadSource]:
    return [a for a in plan.actions if isinstance(a, UploadSource)]


def test_plan_writes_no_archive(site: Path) -> None:
    async def run() -> None:
        async with open_session(LOCAL, flag_token=None, allow_register=True) as session:
            prepared = await session.prepare()
            assert _uploads(prepared.plan)  # a first plan uploads
            assert _files(session.scratch) == []

    asyncio.run(run())


def test_planned_digest_is_the_scanned_identity(site: Path) -> None:
    async def run() -> str | None:
        async with open_session(LOCAL, flag_token=None, allow_register=True) as session:
            prepared = await session.prepare()
            return prepared.plan.source.digest

    planned = asyncio.run(run())
    assert planned == scan_source(site, exclude=["README.md", "/opendeploy.toml"]).digest


def test_apply_builds_the_archive_of_the_planned_tree(site: Path) -> None:
    async def run() -> tuple[str, str | None, list[str]]:
        async with open_session(LOCAL, flag_token=None, allow_register=True) as session:
            prepared = await session.prepare()
            archive = session.build_archive(prepared.plan)
            assert archive is not None
            return archive.digest, prepared.plan.source.digest, _files(session.scratch)

    digest, planned, files = asyncio.run(run())
    assert digest == planned
    assert len(files) == 1
    assert files[0].endswith(".zip")


def test_source_edited_between_plan_and_apply_is_refused(site: Path) -> None:
    async def run() -> list[str]:
        async with open_session(LOCAL, flag_token=None, allow_register=True) as session:
            prepared = await session.prepare()
            (site / "index.html").write_text("<p>edited after the plan</p>\n")
            with pytest.raises(SourceError, match="changed after it was planned"):
                session.build_archive(prepared.plan)
            return _files(session.scratch)

    assert asyncio.run(run()) == []  # and no half-built archive is left behind


def test_unchanged_source_apply_builds_no_archive(site: Path) -> None:
    async def first_apply() -> bool:
        async with open_session(LOCAL, flag_token=None, allow_register=True) as session:
            prepared = await session.prepare()
            archive = session.build_archive(prepared.plan)
            assert archive is not None
            result = await apply_plan(
                prepared.plan,
                client=session.client,
                desired=prepared.desired,
                live=prepared.live,
                archive_path=archive.path,
                reporter=SilentReporter(),
            )
            return result.ok

    async def second_apply() -> tuple[list[UploadSource], object, list[str]]:
        async with open_session(LOCAL, flag_token=None, allow_register=True) as session:
            prepared = await session.prepare()
            archive = session.build_archive(prepared.plan)
            return _uploads(prepared.plan), archive, _files(session.scratch)

    assert asyncio.run(first_apply())
    # A resize changes the plan but not the source: no upload, no archive.
    config = site / "opendeploy.toml"
    config.write_text(
        config.read_text().replace('memory_request = "512Mi"', 'memory_request = "256Mi"')
    )
    uploads, archive, files = asyncio.run(second_apply())
    assert uploads == []
    assert archive is None
    assert files == []


def test_a_link_out_of_the_tree_is_left_out_and_named(
    site: Path, tmp_path: Path, odiac_exe: OdiacExe
) -> None:
    async def register() -> None:
        async with open_session(LOCAL, flag_token=None, allow_register=True) as session:
            assert session.credential is not None  # so the plan below refreshes

    asyncio.run(register())
    (tmp_path / "outside.txt").write_text("not part of the app\n")
    (site / "escape.txt").symlink_to(tmp_path / "outside.txt")
    result = odiac_exe.run(site, "plan")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "left out escape.txt: a link to a file outside the source folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert "never retrieved" not in result.stderr
