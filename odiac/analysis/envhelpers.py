"""Env names that well-known library helpers read on the app's behalf (analysis-rules 7.1).

Some libraries read their configuration from the environment themselves, so the
app's code never spells the name: Deno KV OAuth's ``createGitHubOAuthConfig()``
reads ``GITHUB_CLIENT_ID`` and ``GITHUB_CLIENT_SECRET`` and throws when one is
missing. Like the framework conventions of analysis-rules 7.1 item 5, such
helpers are a small table: the import the file must make, the call, and the
names the call requires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from odiac.analysis.context import EnvRead
from odiac.analysis.evidence import Evidence

if TYPE_CHECKING:
    from odiac.analysis.source_index import SourceIndex


@dataclass(frozen=True)
class Helper:
    """A library call that reads (and requires) env names itself."""

    library: re.Pattern[str]  # an import of the library, searched in the same file
    call: re.Pattern[str]  # the call site; group ``p`` picks a row of ``names``
    names: dict[str, tuple[str, ...]]
    note: str


def _oauth(prefix: str, *extra: str) -> tuple[str, ...]:
    return (f"{prefix}_CLIENT_ID", f"{prefix}_CLIENT_SECRET", *extra)


# Deno KV OAuth: each create<Provider>OAuthConfig() calls getRequiredEnv() on these names.
_KV_OAUTH = {
    "GitHub": _oauth("GITHUB"),
    "GitLab": _oauth("GITLAB"),
    "Google": _oauth("GOOGLE"),
    "Discord": _oauth("DISCORD"),
    "Facebook": _oauth("FACEBOOK"),
    "Slack": _oauth("SLACK"),
    "Twitter": _oauth("TWITTER"),
    "Spotify": _oauth("SPOTIFY"),
    "Dropbox": _oauth("DROPBOX"),
    "Notion": _oauth("NOTION"),
    "Patreon": _oauth("PATREON"),
    "LinkedIn": _oauth("LINKEDIN"),
    "Auth0": _oauth("AUTH0", "AUTH0_DOMAIN"),
    "Okta": _oauth("OKTA", "OKTA_DOMAIN"),
    "Logto": _oauth("LOGTO", "LOGTO_DOMAIN"),
    "Clerk": _oauth("CLERK", "CLERK_DOMAIN"),
    "AzureAd": _oauth("AZURE_AD", "AZURE_AD_TENANT_ID"),
}

HELPERS = (
    Helper(
        library=re.compile(r"""\bfrom\s+["'][^"'\n]*kv[_-]oauth\b"""),
        call=re.compile(r"\bcreate(?P<p>[A-Z]\w*?)OAuthConfig\s*\("),
        names=_KV_OAUTH,
        note="Deno KV OAuth",
    ),
)


def helper_reads(text: str, rel: str, index: SourceIndex) -> list[EnvRead]:
    """Required env reads implied by the library helpers called in ``text``."""
    reads: list[EnvRead] = []
    for helper in HELPERS:
        if not helper.library.search(text):
            continue
        for match in helper.call.finditer(text):
            names = helper.names.get(match["p"], ())
            line = index.line_of(rel, match.start())
            for name in names:
                reads.append(
                    EnvRead(
                        name=name,
                        source="code",
                        evidence=Evidence(
                            file=rel, line=line, note=f"read by {helper.note} {match[0][:-1]}()"
                        ),
                        required=True,
                    )
                )
    return reads
