"""The gateway package's public API is pinned: other areas depend on these names."""

from __future__ import annotations

import inspect

import pytest

import odiac.gateway
from odiac.gateway.client import GatewayClient

EXPORTS = [
    "LOCAL_BASE_URL",
    "AuthenticationError",
    "Conflict",
    "Credential",
    "GatewayClient",
    "GatewayError",
    "GatewayHTTPError",
    "GatewayProtocolError",
    "GatewayTransportError",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "RequestRecord",
    "ServerError",
    "ServiceCreate",
    "ServiceUpdate",
    "claim_url_with_app",
    "local_transport",
    "open_gateway",
    "resolve_credential",
]

CLIENT_METHODS = {
    "aclose",
    "cancel_deployment",
    "check_subdomain",
    "create_dependency",
    "create_deployment",
    "delete_project",
    "create_project",
    "create_service",
    "get_deployment",
    "get_domain",
    "get_env",
    "get_env_rows",
    "get_logs",
    "get_profile",
    "get_project",
    "get_service",
    "list_dependencies_status",
    "list_dependency_catalog",
    "list_deployments",
    "list_domains",
    "list_projects",
    "list_regions",
    "list_services",
    "put_env",
    "register_agent",
    "rename_subdomain",
    "rollback_deployment",
    "stream_logs",
    "update_service",
    "list_volumes",
    "create_volume",
    "resize_volume",
    "restore_volume",
    "detach_volume",
    "update_source",
    "upload_archive",
    "upload_git",
}


def test_package_exports() -> None:
    assert odiac.gateway.__all__ == EXPORTS
    for name in EXPORTS:
        assert getattr(odiac.gateway, name) is not None


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError):
        _ = odiac.gateway.NoSuchThing  # type: ignore[attr-defined]


def test_client_methods() -> None:
    public = {
        name
        for name, _ in inspect.getmembers(GatewayClient, inspect.isfunction)
        if not name.startswith("_")
    }
    assert public == CLIENT_METHODS


def test_client_constructor_signature() -> None:
    params = inspect.signature(GatewayClient).parameters
    assert list(params)[:2] == ["base_url", "token"]
    for keyword in (
        "transport",
        "timeout",
        "user_agent",
        "max_read_retries",
        "on_request",
        "sleep",
    ):
        assert params[keyword].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["timeout"].default == 30.0
    assert params["max_read_retries"].default == 3
