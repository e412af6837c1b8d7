"""Which gateway URLs may carry the key over plain http (the rule behind the refusal)."""

from __future__ import annotations

import pytest

from odiac.errors import CredentialError
from odiac.gateway.insecure import OPT_IN, check_gateway_url


@pytest.mark.parametrize(
    "url",
    [
        "https://dashboard.example.test/api",
        "http://127.0.0.1:8787/api",
        "http://127.4.5.6/api",
        "http://[::1]:8787/api",
        "http://localhost:8787/api",
        "http://app.localhost/api",
        "http://local.opendeploy.invalid/api",
    ],
)
def test_tls_and_this_machine_are_fine(url: str) -> None:
    check_gateway_url(url, env={})


@pytest.mark.parametrize(
    "url",
    [
        "http://dashboard.example.test/api",
        "http://10.0.0.5:8787/api",
        "http://0.0.0.0:8787/api",
        "http://[fd00::2]/api",
        "HTTP://localhost.evil.test/api",
        "http://127.0.0.1.nip.io/api",
    ],
)
def test_plain_http_to_another_host_needs_the_opt_in(url: str) -> None:
    with pytest.raises(CredentialError, match="unencrypted") as info:
        check_gateway_url(url, env={})
    assert info.value.hint is not None
    assert f"{OPT_IN}=1" in info.value.hint
    check_gateway_url(url, env={OPT_IN: "1"})
    with pytest.raises(CredentialError):
        check_gateway_url(url, env={OPT_IN: "0"})
