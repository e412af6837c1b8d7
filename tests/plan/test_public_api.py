"""The public surface other parts of odiac (and users' scripts) rely on."""

from __future__ import annotations

import inspect

import odiac.source
from odiac.plan import model, planfile, planner


def test_source_exports() -> None:
    assert sorted(odiac.source.__all__) == [
        "DEFAULT_EXCLUDED_DIRS",
        "FIXED_TIME",
        "ManifestEntry",
        "SourceArchive",
        "SourceFile",
        "SourceListing",
        "SourceScan",
        "build_archive",
        "is_env_file",
        "is_secret_file",
        "list_source",
        "manifest_digest",
        "scan_source",
    ]


def test_action_kinds() -> None:
    kinds = sorted(
        cls.model_fields["kind"].default
        for cls in vars(model).values()
        if inspect.isclass(cls) and issubclass(cls, model._Action) and "kind" in cls.model_fields
    )
    assert kinds == [
        "bind_source",
        "create_dependency",
        "create_project",
        "create_service",
        "create_volume",
        "deploy",
        "detach_volume",
        "manual",
        "rename_subdomain",
        "resize_volume",
        "restore_volume",
        "set_env",
        "update_service",
        "upload_source",
    ]


def test_entry_point_signatures() -> None:
    assert str(inspect.signature(planner.make_plan)) == (
        "(desired: 'DesiredState', live: 'LiveState', *, hmac_key: 'bytes',"
        " allow_detach_volumes: 'bool' = False) -> 'Plan'"
    )
    assert list(inspect.signature(planfile.check_stale).parameters) == [
        "plan",
        "desired",
        "live",
        "hmac_key",
    ]
    assert model.FORMAT_VERSION == 1


def test_markdown_renderer_signatures() -> None:
    from odiac.plan import render_markdown

    assert str(inspect.signature(render_markdown.render_markdown)) == (
        "(plan: 'Plan', *, limit: 'int' = 60000) -> 'str'"
    )
    assert str(inspect.signature(render_markdown.render_step_summary)) == (
        "(plan: 'Plan') -> 'str'"
    )
    assert render_markdown.DEFAULT_LIMIT == 60_000


def test_source_identity_signatures() -> None:
    params = inspect.signature(odiac.source.build_archive).parameters
    assert list(params) == [
        "root",
        "exclude",
        "include",
        "dest_dir",
        "compresslevel",
        "expect_digest",
    ]
    assert list(inspect.signature(odiac.source.scan_source).parameters) == [
        "root",
        "exclude",
        "include",
        "workers",
    ]
    assert [f for f in odiac.source.SourceScan.__dataclass_fields__] == [
        "digest",
        "file_count",
        "total_bytes",
        "warnings",
        "files",
    ]
