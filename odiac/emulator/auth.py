"""Bearer authentication and tenancy checks (gateway-api 1.4, 2.1, 2.2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from odiac.emulator import tokens
from odiac.emulator.errors import access_denied, not_found, unauthorized

if TYPE_CHECKING:
    from odiac.emulator.store import Doc, Store


@dataclass(frozen=True)
class Caller:
    """Who is calling: a PAT, or an agent token (pending or bound)."""

    kind: str
    user_id: str | None
    agent_id: str | None

    @property
    def pending(self) -> bool:
        """An agent token whose agent is not bound: the guest tenant."""
        return self.user_id is None

    @property
    def tenant_type(self) -> str:
        """Value of the ``X-Tenant-Type`` header."""
        return "guest" if self.pending else "user"


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer`` header (scheme case-insensitive)."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def authenticate(store: Store, header: str | None) -> Caller:
    """Resolve the caller or raise 401."""
    token = bearer_token(header)
    if token is None or not tokens.TOKEN_RE.match(token):
        raise unauthorized()
    hashed = tokens.digest(token)
    row = store.get("token", hashed)
    if row is None or not tokens.same(row["id"], hashed) or row.get("revoked"):
        raise unauthorized()
    if row["kind"] == "k":
        return Caller("k", row["user_id"], None)
    agent = store.get("agent", row["agent_id"])
    if agent is None or agent["state"] == "revoked":
        raise unauthorized()
    return Caller("a", agent.get("user_id"), agent["id"])


def owns(caller: Caller, project: Doc) -> bool:
    """True when ``project`` is visible to ``caller`` (gateway-api 2.2)."""
    if caller.pending:
        return project.get("user_id") is None and project.get("agent_id") == caller.agent_id
    return project.get("user_id") == caller.user_id


def load_project(store: Store, caller: Caller, pid: str) -> Doc:
    """A project the caller may use, else 404 (unknown) or 403 (foreign)."""
    project = store.get("project", pid)
    if project is None:
        raise not_found("project")
    if not owns(caller, project):
        raise access_denied()
    return project


def load_child(store: Store, caller: Caller, kind: str, doc_id: str, what: str) -> tuple[Doc, Doc]:
    """A row that hangs off a project, with that project; 404 / 403 as above."""
    row = store.get(kind, doc_id)
    if row is None:
        raise not_found(what)
    project = store.get("project", row["project_id"])
    if project is None:
        raise not_found(what)
    if not owns(caller, project):
        raise access_denied()
    return row, project


def visible_projects(store: Store, caller: Caller) -> list[Doc]:
    """Every project the caller can see."""
    if caller.pending:
        return store.find("project", agent_id=caller.agent_id, user_id=None)
    return store.find("project", user_id=caller.user_id)
