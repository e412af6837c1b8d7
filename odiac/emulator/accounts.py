"""Users, PATs and client agents: the operations the dashboard performs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odiac.emulator import tokens
from odiac.emulator.errors import ApiError, conflict, not_found

if TYPE_CHECKING:
    from odiac.emulator.store import Doc, Store


def create_user(store: Store, email: str, plan: str, now: float) -> tuple[Doc, str]:
    """A new user with a fresh PAT; returns (user, plaintext PAT)."""
    user: Doc = {
        "id": tokens.new_id(),
        "email": email,
        "plan": plan,
        "name": email.split("@", 1)[0],
        "created_at": now,
    }
    with store.transaction():
        store.put("user", user)
        pat = issue_pat(store, user["id"], now)
    return user, pat


def user_by_email(store: Store, email: str) -> Doc | None:
    """The user with this e-mail address (case-insensitive)."""
    wanted = email.strip().lower()
    return next((u for u in store.find("user") if u["email"].lower() == wanted), None)


def issue_pat(store: Store, user_id: str, now: float) -> str:
    """Mint a PAT for ``user_id``, revoking the previous one (one active PAT per user)."""
    with store.transaction():
        for row in store.find("token", kind="k", user_id=user_id, revoked=False):
            row["revoked"] = True
            store.put("token", row)
        pat = tokens.mint("k")
        store.put(
            "token",
            {
                "id": tokens.digest(pat),
                "kind": "k",
                "user_id": user_id,
                "revoked": False,
                "created_at": now,
            },
        )
    return pat


def new_agent(store: Store, name: str, ip: str, user_agent: str, now: float) -> tuple[Doc, str]:
    """A fresh pending agent and its plaintext token."""
    agent = {
        "id": tokens.new_id(),
        "state": "pending",
        "name": name,
        "ip": ip,
        "ua": user_agent,
        "user_id": None,
        "created_at": now,
        "bound_at": None,
        "revoked_at": None,
    }
    token = tokens.mint("a")
    with store.transaction():
        store.put("agent", agent)
        store.put(
            "token",
            {
                "id": tokens.digest(token),
                "kind": "a",
                "agent_id": agent["id"],
                "revoked": False,
                "created_at": now,
            },
        )
    return agent, token


def bind_agent(
    store: Store, agent_id: str, user_id: str, now: float, name: str | None = None
) -> dict[str, Any]:
    """Bind a pending agent to a user in one transaction (gateway-api 2.3)."""
    with store.transaction():
        agent = store.get("agent", agent_id)
        if agent is None:
            raise not_found("agent")
        user = store.get("user", user_id)
        if user is None:
            raise not_found("user")
        if agent["state"] != "pending":
            raise conflict(f"agent is already {agent['state']}")
        project_ids = []
        for project in store.find("project", agent_id=agent_id, user_id=None):
            project.update(user_id=user_id, created_by=user_id, tenant_id=user_id, updated_at=now)
            store.put("project", project)
            project_ids.append(project["id"])
        agent.update(state="bound", user_id=user_id, bound_at=now)
        if name:
            agent["name"] = name
        store.put("agent", agent)
    return {"agent": agent, "project_ids": project_ids}


def revoke_agent(store: Store, agent_id: str, now: float) -> Doc:
    """Revoke an agent: its token answers 401 everywhere from now on."""
    with store.transaction():
        agent = store.get("agent", agent_id)
        if agent is None:
            raise not_found("agent")
        if agent["state"] == "revoked":
            raise ApiError(409, {"error": "agent is already revoked"})
        agent.update(state="revoked", revoked_at=now)
        store.put("agent", agent)
        for row in store.find("token", agent_id=agent_id):
            row["revoked"] = True
            store.put("token", row)
    return agent
