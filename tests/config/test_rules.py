"""Single-value rules: names, subdomains (§8), env limits (§9.4), URLs, secret refs."""

from __future__ import annotations

import pytest

from odiac.config import rules


@pytest.mark.parametrize("label", ["ab", "myapp", "a-b", "a--b", "0x", "a" * 32, "api2"])
def test_q39_subdomains_the_gateway_accepts(label: str) -> None:
    assert rules.subdomain_problem(label) is None


@pytest.mark.parametrize(
    ("label", "fragment"),
    [
        ("a", "2 to 32 characters"),
        ("a" * 33, "2 to 32 characters"),
        ("-ab", "must not start or end with '-'"),
        ("ab-", "must not start or end with '-'"),
        ("Ab", 'must be lowercase: write "ab"'),
        ("a_b", "may only contain"),
        ("api", "reserved"),
        ("grafana", "reserved"),
        ("shop.dev.opendeploy.run", "label only"),
    ],
)
def test_q39_subdomains_the_gateway_refuses(label: str, fragment: str) -> None:
    problem = rules.subdomain_problem(label)
    assert problem is not None
    assert fragment in problem


def test_every_reserved_label_of_contract_section_8_is_refused() -> None:
    listed = [
        "www",
        "api",
        "admin",
        "dashboard",
        "console",
        "billing",
        "login",
        "auth",
        "status",
        "health",
        "ingress",
        "registry",
        "monitor",
        "grafana",
        "root",
        "ns1",
        "ns2",
        "mx",
    ]
    assert set(listed) == rules.RESERVED_SUBDOMAINS
    assert all(rules.subdomain_problem(label) for label in listed)


def test_q34_env_key_length_limit() -> None:
    assert rules.env_key_problem("K" * 128) is None
    assert "129 characters" in (rules.env_key_problem("K" * 129) or "")
    assert rules.env_key_problem("") is not None


@pytest.mark.parametrize("key", ["A=B", "A B", "A\tB", "A\x00B", "A\nB"])
def test_env_key_charset(key: str) -> None:
    assert rules.env_key_problem(key) is not None


def test_q34_env_value_limit_counts_utf8_bytes() -> None:
    assert rules.env_value_problem("x" * 32768) is None
    assert rules.env_value_problem("") is None  # empty values are allowed
    assert "32769 bytes" in (rules.env_value_problem("x" * 32769) or "")
    # 16 385 two-byte characters are 32 770 bytes although only 16 385 characters.
    assert rules.env_value_problem("é" * 16385) is not None


def test_env_value_problem_never_repeats_the_value() -> None:
    problem = rules.env_value_problem("supersecretvalue" * 3000)
    assert problem is not None
    assert "supersecret" not in problem


@pytest.mark.parametrize(
    "url",
    [
        "local",
        "https://dashboard.dev.opendeploy.dev/api",
        "http://127.0.0.1:8080/api",
        "https://gw.example/tenant/api",
    ],
)
def test_gateway_urls_accepted(url: str) -> None:
    assert rules.gateway_url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("https://dashboard.dev.opendeploy.dev/api/", "must not end with '/'"),
        ("https://dashboard.dev.opendeploy.dev", "ending in /api"),
        ("ftp://host/api", "ending in /api"),
        ("Local", "ending in /api"),
        ("https://host/api?x=1", "ending in /api"),
    ],
)
def test_gateway_urls_refused(url: str, fragment: str) -> None:
    assert fragment in (rules.gateway_url_problem(url) or "")


@pytest.mark.parametrize(
    "ref", ["env:STRIPE_KEY", "vault+kv:secret/data/app#key", "a:b", "op.1-x:y"]
)
def test_secret_refs_accepted(ref: str) -> None:
    assert rules.secret_ref_problem(ref) is None


@pytest.mark.parametrize("ref", ["STRIPE_KEY", "env:", ":x", "Env:X", "1env:X", "e_v:X"])
def test_secret_refs_refused(ref: str) -> None:
    assert rules.secret_ref_problem(ref) is not None


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("shop", True),
        ("a", True),
        ("shop-2", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("Shop", False),
        ("-shop", False),
        ("shop_2", False),
        ("", False),
    ],
)
def test_dns_labels(name: str, ok: bool) -> None:
    assert (rules.dns_label_problem(name, "service") is None) is ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("500m", True),
        ("1", True),
        ("0.5", True),
        ("two", False),
        ("0", False),
        ("0.0001", False),
        ("1Gi", False),
    ],
)
def test_cpu_quantities(text: str, ok: bool) -> None:
    assert (rules.cpu_problem(text) is None) is ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("512Mi", True),
        ("1G", True),
        ("1073741824", False),  # bare bytes: a unit is required
        ("1024Ki", True),
        ("0", False),
        ("1.5Xi", False),
        ("lots", False),
    ],
)
def test_memory_quantities(text: str, ok: bool) -> None:
    assert (rules.memory_problem(text) is None) is ok


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        (".", True),
        ("apps/web", True),
        ("/srv/app", False),
        ("../other", False),
        ("a/../../b", False),
        ("C:\\x", False),
        ("", False),
    ],
)
def test_relative_paths(path: str, ok: bool) -> None:
    assert (rules.relative_path_problem(path) is None) is ok
