"""Git validation against the emulator's repository fixture (gateway-api 3.3.1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from odiac.emulator.errors import ApiError

if TYPE_CHECKING:
    from odiac.emulator.store import Store

_GIT_PREFIXES = ("https://", "http://", "ssh://", "git://", "git@")


def repo(store: Store, url: str) -> dict[str, Any]:
    """The fixture for ``url``; unknown repos have one branch, ``main``."""
    repos: dict[str, Any] = store.meta_get("git_repos", {})
    found = repos.get(url.rstrip("/").removesuffix(".git"))
    return found or {"branches": ["main"], "default_branch": "main", "private": False}


def add_repo(
    store: Store, url: str, branches: list[str], default_branch: str, private: bool
) -> None:
    """Register or replace a repository fixture."""
    repos: dict[str, Any] = store.meta_get("git_repos", {})
    repos[url.rstrip("/").removesuffix(".git")] = {
        "branches": branches,
        "default_branch": default_branch,
        "private": private,
    }
    store.meta_set("git_repos", repos)


def validate(store: Store, url: str, branch: str | None, token: str | None) -> str:
    """Check a Git URL and branch; return the branch to use or raise the 400."""
    if not url.startswith(_GIT_PREFIXES):
        raise failure("invalid_repo_url", f"repository URL {url!r} is not a Git URL", [], "")
    fixture = repo(store, url)
    branches = list(fixture["branches"])
    default = str(fixture["default_branch"])
    if fixture.get("private") and not token:
        raise failure(
            "auth_failed", "authentication required for this repository", branches, default
        )
    if branch and branch not in branches:
        raise failure("branch_not_found", f"branch '{branch}' not found", branches, default)
    return branch or default


def failure(code: str, message: str, branches: list[str], default: str) -> ApiError:
    """The 400 body of a failed Git validation."""
    return ApiError(
        400,
        {
            "error": "Git validation failed",
            "error_code": code,
            "error_message": message,
            "available_branches": branches,
            "default_branch": default,
        },
    )
