"""The only part of odiac that speaks HTTP to an OpenDeploy gateway.

* :class:`GatewayClient` (``odiac.gateway.client``): one typed async method per
  endpoint, the trailing-slash rule built in, no redirects, retries for reads only.
* :func:`open_gateway` (``odiac.gateway.local``): resolves the credential and
  returns a ready client, for a real gateway URL or ``"local"``.
* :class:`ServiceCreate`, :class:`ServiceUpdate` (``odiac.gateway.bodies``): typed
  service request bodies; the gateway's field names are applied there only.
* :mod:`odiac.gateway.errors`: the error tree (status, code, message, fields, hint).

Attributes are imported lazily so that importing the error classes stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "AuthenticationError": "odiac.gateway.errors",
    "Conflict": "odiac.gateway.errors",
    "Credential": "odiac.gateway.auth",
    "GatewayClient": "odiac.gateway.client",
    "GatewayError": "odiac.gateway.errors",
    "GatewayHTTPError": "odiac.gateway.errors",
    "GatewayProtocolError": "odiac.gateway.errors",
    "GatewayTransportError": "odiac.gateway.errors",
    "LOCAL_BASE_URL": "odiac.gateway.local",
    "NotFound": "odiac.gateway.errors",
    "PermissionDenied": "odiac.gateway.errors",
    "RateLimited": "odiac.gateway.errors",
    "RequestRecord": "odiac.gateway.core",
    "ServerError": "odiac.gateway.errors",
    "ServiceCreate": "odiac.gateway.bodies",
    "ServiceUpdate": "odiac.gateway.bodies",
    "claim_url_with_app": "odiac.gateway.auth",
    "local_transport": "odiac.gateway.local",
    "open_gateway": "odiac.gateway.local",
    "resolve_credential": "odiac.gateway.auth",
}

__all__ = [
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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'odiac.gateway' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
