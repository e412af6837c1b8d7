"""The names analyzers may write: payload fields, ledger decisions, review codes, notes.

Each vocabulary is a ``Literal``, so ``mypy --strict`` rejects a misspelt name
at the call site (``svc.set("framwork", ...)``) instead of the analysis
silently dropping the value. Adding a name means adding it here.
"""

from __future__ import annotations

from typing import Literal, get_args

FieldName = Literal[
    "language", "language_version", "framework", "build_tool", "package_manager",
    "package_manager_version", "lockfile", "dependency_resolution", "entry_point",
    "output_directory", "scripts_build", "scripts_start",
]  # fmt: skip
"""The text fields of a service's payload that analyzers set with ``ServiceDraft.set``."""

FIELD_NAMES: tuple[FieldName, ...] = get_args(FieldName)
"""Every :data:`FieldName`, in payload order."""

TOOL_FIELDS: tuple[FieldName, ...] = ("package_manager", "build_tool")
"""The two fields an ecosystem with one tool (cargo, mix, composer...) fills alike."""

OtherDecision = Literal[
    "ai_providers", "app_dir", "build_target", "cgo", "complexity", "compose_ignored",
    "compose_local_image", "compose_tooling", "dependency", "deploy_mode",
    "dockerfile_stage", "env", "env_alias", "env_in_image", "ignored_ports",
    "late_bound_url", "platform_env", "port", "port_env", "port_range", "project_type",
    "release_command", "source_root", "start_from_cmd", "storage",
    "storage_decision_required", "volume_suggestion", "wall_time_ms", "workspace_skipped",
]  # fmt: skip
"""Ledger decisions that are not a :data:`FieldName`."""

DecisionName = FieldName | OtherDecision
"""What a ledger row decided: a payload field or one of the analysis's other decisions."""

ReviewCode = Literal[
    "build_needs_git", "compose_context_outside", "compose_runtime_image", "compose_unresolved",
    "data_wiping_entrypoint", "database_engine_unknown", "database_weak_signal",
    "dev_build_target", "dev_dockerfile", "dev_server_image", "dev_server_start", "django_entry_unknown",
    "dockerfile_no_cmd", "docs_site_candidate", "entrypoint_needs_cmd", "env_file_dev_switch",
    "env_file_secret_material", "env_name_unusable", "exec_form_port", "kestrel_bind",
    "lifecycle_needs_git", "loopback_bind", "mining_near_miss", "missing_lockfile",
    "no_entrypoint", "php_fpm_only", "port_ambiguous", "port_conflict", "port_unknown",
    "server_not_declared", "setup_flag", "several_app_objects", "several_binaries",
    "several_lockfiles", "several_web_services", "sqlx_build_database", "start_glue",
    "start_override", "sveltekit_adapter", "tls_port", "workspace_member_build",
]  # fmt: skip
"""What a review item is about; ``odiac init`` groups its TODO comments by code."""

NoteName = Literal[
    "db_boilerplate", "depends_on", "health_check_path", "inactive_config", "jdbc", "sqlite", "start_glue",
    "workspace_pkg", "workspace_shared", "workspace_tool", "yarn_major",
]  # fmt: skip
"""Keys of ``ServiceDraft.notes``: hints one analyzer leaves for another or for the plan."""

FEATURE_BRANCH_NOTE = "read only in a branch another setting selects"
"""Evidence note of a read inside ``if STORAGE == "s3":`` where STORAGE defaults to another
value: a feature path (analysis-rules 7.4) that an empty template line does not make required."""
