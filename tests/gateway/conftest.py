"""Fixtures for gateway-client tests."""

from __future__ import annotations

import pytest

from gateway.gwkit import ScriptedGateway


@pytest.fixture
def gw() -> ScriptedGateway:
    return ScriptedGateway()
