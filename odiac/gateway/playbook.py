"""Map a gateway error to the matching row of the contract's failure playbook (section 7).

Only status codes, gateway error codes and the exact quirk messages the contract
lists are matched; other free text is never parsed.
"""

from __future__ import annotations

from typing import Any

Hint = tuple[str, str]  # (playbook row, advice for the user)

_BY_CODE: dict[str, Hint] = {
    "bind_required": (
        "failure-3",
        "This feature needs a bound account: open the claim URL printed when the agent "
        "was registered, sign in, then run again.",
    ),
    "agent_delete_forbidden": (
        "failure-5",
        "This credential may not delete anything; delete it in the OpenDeploy dashboard.",
    ),
    "branch_not_found": ("failure-10", "Use one of the branches the gateway listed."),
    "auth_failed": ("failure-10", "Check the Git token for this private repository."),
    "invalid_repo_url": ("failure-10", "Check the repository URL."),
}

_BY_TEXT: dict[str, Hint] = {
    "invalid region": (
        "failure-11",
        "The region is unknown or inactive: pick an active region (odiac uses the first "
        "active one when none is configured).",
    ),
    "Uploaded file not found or expired, please re-upload": (
        "failure-14",
        "The temporary upload expired; upload the source again, then bind it.",
    ),
    "only .zip archives are supported": ("failure-16", "Upload a .zip archive."),
    "Invalid dependency_id format": (
        "failure-33",
        "Supported engines: postgres, mysql, mongodb, redis, clickhouse.",
    ),
    "subdomain already taken": (
        "failure-23",
        "Pick another label (or add a short random suffix) and check it first.",
    ),
    "invalid subdomain format": (
        "failure-24",
        "A label is 2-32 characters of a-z, 0-9 and inner hyphens.",
    ),
    "subdomain is reserved": ("failure-24", "That label is reserved; choose another one."),
    "project name already exists": (
        "failure-7",
        "A project with this name exists (perhaps created by a request that timed out): "
        "adopt it instead of creating a variant.",
    ),
}

_RESOURCES_PREFIX = "json: cannot unmarshal string into Go struct field ResourceLimits."


def hint_for(
    status: int,
    code: str | None,
    error_text: str,
    fields: dict[str, Any],
    *,
    method: str,
    path: str,
    route_missing: bool = False,
) -> Hint | None:
    """The playbook row and advice for an error answer, or None when none applies."""
    if status == 401:
        if path == "/v1/profile":
            return (
                "failure-2",
                "Pending client agents have no profile; this is expected until bound.",
            )
        return (
            "failure-1",
            "The gateway rejected the credential (revoked, rotated, mistyped or issued by "
            "another gateway). odiac leaves .opendeploy/auth.json alone: fix the key, "
            "point odiac at the right gateway, or delete the file yourself and run again.",
        )
    if code == "agent_quota_exceeded" or code == "guest_quota_exceeded":
        return (
            "failure-4",
            "Pending client agents are limited to 1 CPU, 1Gi memory, 1 replica and 1 "
            "service per project. Lower the field to the limit, or bind the agent to "
            "your account to lift the caps.",
        )
    if status == 409 and "project_id" in fields and path.startswith("/v1/projects"):
        return (
            "failure-6",
            f"This client agent already owns project {fields['project_id']}. Wait for it "
            "to be collected after 6 idle hours, or bind the agent and use a personal "
            "access key.",
        )
    if status == 409 and path.startswith("/v1/deployments") and "retry_after" in fields:
        return (
            "failure-31",
            "The gateway is still extracting the new source: poll the project until its "
            "source_status is ready, then deploy.",
        )
    if status == 422 and "extraction_error" in fields:
        return (
            "failure-32",
            "The gateway could not extract the archive; build and upload it again.",
        )
    if status == 429:
        wait = fields.get("retry_after")
        when = f"in {wait} s" if isinstance(wait, int) else "later"
        return ("failure-8", f"Try again {when}, or use a personal access key (OPENDEPLOY_TOKEN).")
    if code is not None and code in _BY_CODE:
        return _BY_CODE[code]
    if error_text in _BY_TEXT:
        return _BY_TEXT[error_text]
    if error_text.startswith(_RESOURCES_PREFIX):
        return (
            "failure-12",
            "Do not send a resources block on deployments; size the service instead.",
        )
    if "CreateServiceRequest.Type" in error_text:
        return ("failure-18", "Add a service type (web for HTTP services).")
    if route_missing:
        if path.endswith("/resources"):
            return ("failure-21", "Resize through PUT /v1/services/{sid}.")
        if "/status" in path and path.startswith("/v1/deployments"):
            return ("failure-20", "Poll GET /v1/deployments/{did} instead.")
        return None
    if status >= 500 and method not in ("GET", "HEAD"):
        if status in (502, 504) and path.startswith("/v1/upload"):
            return ("failure-17", "Read the project back first: the upload may have been bound.")
        return ("failure-30", "The change may have been applied: read back before retrying.")
    return None


REDIRECT_HINT: Hint = (
    "failure-22",
    "odiac never follows redirects; the gateway expects the canonical path "
    "(collection roots end with '/', other routes do not).",
)
