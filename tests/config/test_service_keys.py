"""Offline validation of volumes and the newer service keys, each with file:line."""

from __future__ import annotations

HEAD = '[project]\nname = "shop"\n[services.web]\nport = 8000\n'


def test_volume_rules_point_at_file_and_line(problems) -> None:
    text = HEAD + (
        "[services.web.volumes.Data]\n"  # 5
        'mount_path = "/data"\n'
        'size = "1Gi"\n'
        "[services.web.volumes.logs]\n"  # 8
        'mount_path = "/etc/logs"\n'
        "size = 5\n"
        "[services.web.volumes.thisnameiswaytoolongforavolumelabel]\n"  # 11
        'mount_path = "data"\n'
        'size = "lots"\n'
    )
    found = problems(text)
    assert any(p.startswith("opendeploy.toml:5:") and "Data" in p for p in found), found
    assert any(
        p.startswith("opendeploy.toml:9:") and "system directory /etc" in p for p in found
    ), found
    assert any(p.startswith("opendeploy.toml:10:") and "quoted quantity" in p for p in found), found
    assert any(p.startswith("opendeploy.toml:11:") and "at most 32" in p for p in found), found
    assert any(p.startswith("opendeploy.toml:12:") and "absolute path" in p for p in found)
    assert any(p.startswith("opendeploy.toml:13:") and '"5Gi"' in p for p in found), found


def test_duplicate_mount_paths_and_missing_keys(problems) -> None:
    text = HEAD + (
        '[services.web.volumes.a]\nmount_path = "/data"\nsize = "1Gi"\n'
        '[services.web.volumes.b]\nmount_path = "/data/"\nsize = "1Gi"\n'
        '[services.web.volumes.c]\nsize = "1Gi"\n'
    )
    found = problems(text)
    assert any(
        p.startswith("opendeploy.toml:9:") and 'already used by volume "a"' in p for p in found
    ), found
    assert any(p.startswith("opendeploy.toml:11:") and '"mount_path"' in p for p in found), found


def test_a_volume_pins_replicas_in_every_overlay(problems) -> None:
    text = HEAD + (
        '[services.web.volumes.data]\nmount_path = "/data"\nsize = "1Gi"\n'
        "[environments.production.services.web]\n"
        "replicas = 3\n"  # 9
    )
    for environment in ("staging", "production"):  # every overlay is checked
        found = problems(text, environment)
        assert any(
            p.startswith("opendeploy.toml:9:") and "exactly 1 replica" in p for p in found
        ), found


def test_internal_only_with_subdomain_and_both_dockerfiles_are_errors(problems) -> None:
    text = HEAD + (
        "internal_only = true\n"
        'subdomain = "shop-web"\n'  # 6
        'dockerfile = "Dockerfile"\n'
        'dockerfile_inline = "FROM scratch"\n'  # 8
    )
    found = problems(text)
    assert any(p.startswith("opendeploy.toml:6:") and "internal-only" in p for p in found)
    assert any(p.startswith("opendeploy.toml:8:") and "not both" in p for p in found), found


def test_depends_on_names_sibling_services(problems) -> None:
    text = HEAD + (
        'depends_on = ["wrker", "web"]\n'  # 5
        '[services.worker]\ntype = "worker"\n'
    )
    found = problems(text)
    assert any(
        p.startswith("opendeploy.toml:5:") and 'unknown service "wrker"' in p and "worker" in p
        for p in found
    ), found
    assert any("cannot depend on itself" in p for p in found), found


def test_new_keys_load(load) -> None:
    text = HEAD + (
        'readiness_path = "/ready"\nauto_scaling = true\nbuild_context = "web"\n'
        'depends_on = ["worker"]\ndockerfile_inline = """\nFROM scratch\n"""\n'
        '[services.web.volumes.data]\nmount_path = "/data"\nsize = "5Gi"\n'
        '[services.worker]\ntype = "worker"\n'
    )
    web = load(text).config.services["web"]
    assert web.volumes["data"].size == "5Gi"
    assert web.depends_on == ["worker"]
    assert web.dockerfile_inline == "FROM scratch\n"
