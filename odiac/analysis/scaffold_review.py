"""Which key of a service a review item concerns, and the sizes ``odiac init`` writes.

``odiac init`` writes each review item as a ``# TODO(odiac): …`` comment right
above the key it is about (or where that key would go), so the doubt lives in
the file rather than only in ``--explain``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odiac.config.todos import comment

if TYPE_CHECKING:
    from odiac.analysis.result import ProjectAnalysisResult

#: review code -> the service key it concerns (unlisted codes: the service itself).
_KEY_OF: dict[str, str] = {
    "port_ambiguous": "port",
    "port_unknown": "port",
    "port_conflict": "port",
    "tls_port": "port",
    "loopback_bind": "port",
    "kestrel_bind": "port",
    "exec_form_port": "port",
    "sveltekit_adapter": "framework",
    "docs_site_candidate": "type",
    "several_web_services": "type",
    "dev_server_start": "start_command",
    "start_glue": "start_command",
    "compose_context_outside": "path",
    "compose_runtime_image": "path",
    "start_override": "start_command",
    "no_entrypoint": "start_command",
    "entry_point": "start_command",
    "django_entry_unknown": "start_command",
    "dockerfile_no_cmd": "start_command",
    "entrypoint_needs_cmd": "start_command",
    "several_app_objects": "start_command",
    "several_binaries": "start_command",
    "php_fpm_only": "start_command",
    "server_not_declared": "start_command",
    "setup_flag": "start_command",
    "data_wiping_entrypoint": "start_command",
    "lifecycle_needs_git": "start_command",
    "dev_dockerfile": "dockerfile",
    "dev_build_target": "dockerfile",
    "missing_lockfile": "build_command",
    "several_lockfiles": "build_command",
    "workspace_member_build": "build_command",
    "build_needs_git": "build_command",
    "sqlx_build_database": "build_command",
    "database_engine_unknown": "uses",
    "database_weak_signal": "uses",
    "compose_unresolved": "uses",
    "env_name_unusable": "env",
    "env_file_dev_switch": "env",
    "env_file_secret_material": "env",
}

#: Sizes that fit an unclaimed client agent (1 CPU, 1Gi memory, 1 replica).
ANONYMOUS_SIZES: dict[str, str | int] = {"cpu": "1", "memory": "1Gi", "replicas": 1}
#: Sizes written for an account (the platform's own defaults, made visible).
ACCOUNT_SIZES: dict[str, str | int] = {"cpu": "2", "memory": "4Gi", "replicas": 1}


def key_of(code: str) -> str:
    """The service key a review code concerns; ``""`` for the service as a whole."""
    return _KEY_OF.get(code, "")


def service_todos(result: ProjectAnalysisResult, service: str) -> dict[str, list[str]]:
    """``key -> [TODO comment text]`` for every review item of ``service``."""
    todos: dict[str, list[str]] = {}
    for item in result.review:
        if item.service == service:
            text = comment(item.message)
            bucket = todos.setdefault(key_of(item.code), [])
            if text not in bucket:
                bucket.append(text)
    return todos


def project_todos(result: ProjectAnalysisResult) -> list[str]:
    """TODO comment texts for review items about the project as a whole."""
    names = {svc.name for svc in result.services}
    texts = [comment(item.message) for item in result.review if item.service not in names]
    return list(dict.fromkeys(texts))


def primary_service(result: ProjectAnalysisResult) -> str:
    """The one service an unclaimed agent deploys: the first web service, else the first."""
    for svc in result.services:
        if svc.project_type == "web":
            return svc.name
    return result.services[0].name if result.services else ""
