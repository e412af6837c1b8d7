"""The dashboard claim page (contract 3.1.4, 2.3)."""

from __future__ import annotations

from urllib.parse import urlsplit

from emulator.driver import GOOD_CAPS, Gateway


def _path(claim_url: str) -> str:
    parts = urlsplit(claim_url)
    return f"{parts.path}?{parts.query}"


def test_claim_page_shows_agent_projects_and_app_url(gw: Gateway) -> None:
    reg = gw.register("odiac/claim", json={"name": "laptop <b>"})
    gw.project(reg["api_key"], name="shop")
    r = gw.get(_path(reg["claim_url"]) + "&url=https%3A%2F%2Fshop.dev.opendeploy.run")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert reg["agent_id"] in html
    assert "shop" in html
    assert "https://shop.dev.opendeploy.run" in html
    assert "laptop &lt;b&gt;" in html
    assert "laptop <b>" not in html
    assert '<form method="post"' in html


def test_claim_sign_in_binds_agent_and_same_token_becomes_bound(gw: Gateway) -> None:
    reg = gw.register("odiac/claim2")
    token = reg["api_key"]
    pid = gw.project(token)["id"]
    assert gw.get("/api/v1/profile", token).status_code == 401
    r = gw.post(
        f"/claim/{reg['agent_id']}",
        data={"h": reg["bind_sig"], "email": "Owner@Example.test", "url": ""},
    )
    assert r.status_code == 200
    assert "Agent claimed" in r.text
    profile = gw.get("/api/v1/profile", token)
    assert profile.status_code == 200
    assert profile.json()["email"] == "Owner@Example.test"
    assert gw.get(f"/api/v1/projects/{pid}", token).json()["agent_id"] == reg["agent_id"]
    big = {**GOOD_CAPS, "cpu_limit": "2", "name": "web", "type": "web"}
    assert gw.post(f"/api/v1/projects/{pid}/services/", token, json=big).status_code == 201
    again = gw.post(
        f"/claim/{reg['agent_id']}", data={"h": reg["bind_sig"], "email": "x@example.test"}
    )
    assert again.status_code == 409


def test_claim_with_wrong_signature_is_refused(gw: Gateway) -> None:
    reg = gw.register("odiac/claim3")
    token = reg["api_key"]
    wrong = "0" * 16 if reg["bind_sig"] != "0" * 16 else "1" * 16
    assert gw.get(f"/claim/{reg['agent_id']}?h={wrong}").status_code == 403
    assert gw.get(f"/claim/{reg['agent_id']}").status_code == 403
    r = gw.post(f"/claim/{reg['agent_id']}", data={"h": wrong, "email": "a@example.test"})
    assert r.status_code == 403
    assert gw.get("/api/v1/profile", token).status_code == 401
    assert (
        gw.get(f"/claim/00000000-0000-4000-8000-00000000dead?h={reg['bind_sig']}").status_code
        == 404
    )


def test_claim_escapes_the_url_parameter(gw: Gateway) -> None:
    reg = gw.register("odiac/claim4")
    evil = 'https://x.test/"><script>alert(1)</script>'
    r = gw.get(f"/claim/{reg['agent_id']}", params={"h": reg["bind_sig"], "url": evil})
    assert r.status_code == 200
    assert "<script>" not in r.text


def test_claim_rejects_bad_email(gw: Gateway) -> None:
    reg = gw.register("odiac/claim5")
    r = gw.post(f"/claim/{reg['agent_id']}", data={"h": reg["bind_sig"], "email": "nope"})
    assert r.status_code == 400
    assert gw.get("/api/v1/profile", reg["api_key"]).status_code == 401
