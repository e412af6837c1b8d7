"""JSON shapes of stored rows (gateway-api 3.3 - 3.10).

Rows keep internal bookkeeping (real paths, owner ids, plans); these functions
build the public objects, computing time-dependent fields from the clock.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from odiac.emulator import envvars, timeline
from odiac.emulator.clock import rfc3339

if TYPE_CHECKING:
    from odiac.emulator.store import Doc

SERVICE_FIELDS = (
    "environment", "language", "framework", "port", "source_path", "dockerfile",
    "dockerfile_path", "build_context", "build_command", "start_command",
    "health_check_path", "readiness_path", "cpu_request", "cpu_limit",
    "memory_request", "memory_limit", "replicas", "auto_scaling", "dependencies",
    "internal_only", "volumes",
)  # fmt: skip


def project(row: Doc) -> dict[str, Any]:
    """The Project object."""
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row.get("description", ""),
        "repo_url": row["repo_url"],
        "branch": row.get("branch", "main"),
        "region_id": row["region_id"],
        "agent_id": row.get("agent_id"),
        "source_path": row.get("source_path", ""),
        "source_status": row.get("source_status"),
        "extraction_error": row.get("extraction_error", ""),
        "original_file_path": row.get("original_file_path", ""),
        "original_file_size": row.get("original_file_size", 0),
        "analyze_config": row.get("analyze_config"),
        "build_config": row.get("build_config", ""),
        "deploy_config": row.get("deploy_config", ""),
        "created_at": rfc3339(row["created_at"]),
        "updated_at": rfc3339(row["updated_at"]),
        "last_activity_at": rfc3339(row["last_activity_at"]),
    }


def service(row: Doc, secret: str) -> dict[str, Any]:
    """The Service object with decrypted variables."""
    out: dict[str, Any] = {
        "id": row["id"],
        "project_id": row["project_id"],
        "name": row["name"],
        "type": row["type"],
    }
    for name in SERVICE_FIELDS:
        out[name] = row.get(name)
    out["build_variables"] = envvars.plain(row.get("build_variables", {}), secret)
    out["runtime_variables"] = envvars.plain(row.get("runtime_variables", {}), secret)
    out["status"] = row.get("status", "created")
    out["created_at"] = rfc3339(row["created_at"])
    out["updated_at"] = rfc3339(row["updated_at"])
    return out


def env(row: Doc, secret: str) -> dict[str, Any]:
    """The env listing of a service (runtime variables, sorted by key)."""
    stored = row.get("runtime_variables", {})
    rows = [
        {
            "key": key,
            "value": envvars.decrypt(stored[key], secret),
            "is_encrypted": bool(stored[key].get("encrypted")),
            "source": "user",
        }
        for key in sorted(stored)
    ]
    return {"service_id": row["id"], "variables": rows, "count": len(rows)}


def deployment_state(row: Doc, now: float) -> tuple[str, int]:
    """Current (status, progress) of a deployment."""
    if row.get("finished"):
        return row["status"], int(row["progress"])
    return timeline.state_at(row["plan"], now - row["created_at"])


def deployment(row: Doc, now: float, secret: str) -> dict[str, Any]:
    """The Deployment object (env snapshots are decrypted for the JSON strings)."""
    status, progress = deployment_state(row, now)
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "service_id": row["service_id"],
        "environment": row["environment"],
        "status": status,
        "progress": progress,
        "progress_percent": progress,
        "build_percent": 100 if status == "success" else progress,
        "message": row.get("message", ""),
        "error_msg": row.get("error_msg", ""),
        "error_context": row.get("error_context", ""),
        "source": row["source"],
        "branch": row.get("branch", ""),
        "temp_file_path": row.get("temp_file_path", ""),
        "file_name": row.get("file_name", ""),
        "source_path": row.get("source_path", ""),
        "version_type": row.get("version_type", ""),
        "description": row.get("description", ""),
        "strategy": row.get("strategy", "rolling"),
        "dependencies": row.get("dependencies", []),
        "is_rollback": bool(row.get("is_rollback")),
        "rollback_of": row.get("rollback_of"),
        "runtime_variables": json.dumps(
            envvars.plain(row.get("runtime_snapshot", {}), secret), sort_keys=True
        ),
        "build_variables": json.dumps(
            envvars.plain(row.get("build_snapshot", {}), secret), sort_keys=True
        ),
        "source_code_info": json.dumps(row.get("source_code_info", {}), sort_keys=True),
        "runtime_logs_query": f"deployment_id={row['id']}",
        "created_at": rfc3339(row["created_at"]),
        "updated_at": rfc3339(row.get("updated_at", row["created_at"])),
        "completed_at": rfc3339(row.get("completed_at")),
    }


def domain(row: Doc, now: float) -> dict[str, Any]:
    """The ServiceDomain object."""
    out = {
        "id": row["id"],
        "service_id": row["service_id"],
        "project_id": row["project_id"],
        "domain": row["domain"],
        "environment": row["environment"],
        "type": row["type"],
        "status": row["status"],
        "ssl_enabled": row.get("ssl_enabled", True),
        "is_primary": row.get("is_primary", False),
        "created_at": rfc3339(row["created_at"]),
    }
    if row["type"] == "custom":
        status, failed_at = custom_status(row, now)
        out.update(
            status=status,
            cname_target=row.get("cname_target", ""),
            error_msg="DNS verification failed" if status == "failed" else "",
            retry_count=row.get("retry_count", 0),
            failed_at=rfc3339(failed_at),
        )
    return out


def custom_status(row: Doc, now: float) -> tuple[str, float | None]:
    """Custom-domain status from its (re)start time: pending -> verified -> active."""
    start = row["started_at"]
    if row.get("fail"):
        return ("failed", start + 2.0) if now >= start + 2.0 else ("pending", None)
    if now >= start + 4.0:
        return "active", None
    return ("verified" if now >= start + 2.0 else "pending"), None


def dependency(row: Doc, now: float, secret: str) -> dict[str, Any]:
    """A dependency instance: provisioning until ``ready_at``, then running (or failed)."""
    status = "provisioning"
    if now >= row["ready_at"]:
        status = "failed" if row.get("fail") else "running"
    return {
        "id": row["id"],
        "dependency_id": row["dependency_id"],
        "name": row["name"],
        "display_name": row["display_name"],
        "type": row["type"],
        "status": status,
        "environment": row["environment"],
        "env_vars": envvars.plain(row["env_vars"], secret),
        "connection_info": {
            "host": row["host"],
            "port": row["port"],
            "username": row["username"],
            "database": row["database_name"],
        },
        "error_msg": "provisioning failed" if status == "failed" else "",
        "created_at": rfc3339(row["created_at"]),
    }
