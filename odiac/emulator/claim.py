"""The dashboard claim page ``/claim/{aid}?h={bind_sig}`` (gateway-api 3.1.4).

A small self-contained HTML page: the agent, its projects and the app URL,
plus a sign-in form. Signing in with an e-mail address (a new local user is
created on first use) binds the agent exactly like the dashboard would.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse, Response

from odiac.emulator import accounts, bodies, tokens
from odiac.emulator.errors import ApiError
from odiac.emulator.lifecycle import tick

if TYPE_CHECKING:
    from starlette.requests import Request

    from odiac.emulator.world import World

_FORM_MAX_BYTES = 64 * 1024
_STYLE = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}"


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(
        html,
        status_code=status,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


def _refused() -> HTMLResponse:
    return _page("Link not valid", "<p>This claim link is not valid for this agent.</p>", 403)


async def handle(world: World, request: Request) -> Response:
    """GET shows the page, POST signs in and binds."""
    parts = request.url.path.strip("/").split("/")
    if len(parts) != 2 or request.method not in ("GET", "POST"):
        return _page("Not found", "<p>No such page.</p>", 404)
    now = tick(world)
    agent = world.store.get("agent", parts[1])
    if agent is None:
        return _page("Not found", "<p>No such client agent.</p>", 404)
    if request.method == "GET":
        sig = request.query_params.get("h", "")
        app_url = request.query_params.get("url", "")
        email_error = ""
    else:
        try:
            raw = await bodies.read(request, _FORM_MAX_BYTES)
        except ApiError as exc:
            return exc.response()
        form = parse_qs(raw.decode("utf-8", errors="replace"))
        sig = (form.get("h") or [""])[0]
        app_url = (form.get("url") or [""])[0]
        email = (form.get("email") or [""])[0].strip()
        email_error = ""
    expected = tokens.bind_signature(world.secret, agent["id"])
    if not sig or not tokens.same(expected, sig.lower()):
        return _refused()
    if request.method == "POST":
        if "@" not in email or len(email) > 254:
            email_error = "Enter a valid e-mail address."
        else:
            user = accounts.user_by_email(world.store, email)
            if user is None:
                user, _pat = accounts.create_user(world.store, email, "free", now)
            try:
                result = accounts.bind_agent(world.store, agent["id"], user["id"], now)
            except ApiError as exc:
                return _page(
                    "Cannot claim", f"<p>{escape(str(exc.body.get('error', '')))}</p>", exc.status
                )
            return _page(
                "Agent claimed",
                f"<p>Client agent <code>{escape(agent['id'])}</code> is now bound to "
                f"<strong>{escape(user['email'])}</strong>.</p>"
                f"<p>{len(result['project_ids'])} project(s) moved to your account.</p>",
            )
    return _claim_form(world, agent, sig, app_url, email_error)


def _claim_form(
    world: World, agent: dict[str, object], sig: str, app_url: str, error: str
) -> HTMLResponse:
    projects = world.store.find("project", agent_id=agent["id"])
    items = "".join(
        f"<li>{escape(str(p['name']))} <code>{escape(str(p['id']))}</code></li>" for p in projects
    )
    app = ""
    if app_url.startswith(("https://", "http://")):
        app = f'<p>App: <a href="{escape(app_url, quote=True)}" rel="noopener">{escape(app_url)}</a></p>'
    state = escape(str(agent["state"]))
    form = (
        '<form method="post">'
        f'<input type="hidden" name="h" value="{escape(sig, quote=True)}">'
        f'<input type="hidden" name="url" value="{escape(app_url, quote=True)}">'
        '<label>E-mail <input type="email" name="email" required></label> '
        '<button type="submit">Sign in and claim</button></form>'
    )
    body = (
        f"<p>Client agent <code>{escape(str(agent['id']))}</code>"
        f" ({escape(str(agent.get('name') or 'unnamed'))}), state: <strong>{state}</strong></p>"
        f"<ul>{items or '<li>no projects</li>'}</ul>{app}"
        + (f'<p role="alert">{escape(error)}</p>' if error else "")
        + (form if agent["state"] == "pending" else "<p>This agent is already claimed.</p>")
    )
    return _page("Claim your client agent", body, 400 if error else 200)
