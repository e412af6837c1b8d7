"""docs/security.md stays true: it lists every sensitive name the upload leaves out, the
opt-in for plain http, and what odiac writes into .opendeploy/.gitignore."""

from __future__ import annotations

from pathlib import Path

from odiac.gateway.insecure import OPT_IN
from odiac.source.rules import SENSITIVE_NAMES, SENSITIVE_PATHS
from odiac.statedir import GITIGNORE_TEXT

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_every_sensitive_name_and_path_is_documented() -> None:
    text = DOC.read_text()
    for name in (*SENSITIVE_NAMES, *SENSITIVE_PATHS):
        assert f"`{name}`" in text, name


def test_the_opt_in_and_the_gitignore_are_documented() -> None:
    text = DOC.read_text()
    assert f"`{OPT_IN}=1`" in text
    assert GITIGNORE_TEXT.splitlines()[-1] == "*"
    assert "`.opendeploy/.gitignore` holding `*`" in " ".join(text.split())
    assert "§" not in text
