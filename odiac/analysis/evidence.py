"""The evidence ledger and review items (analysis-rules 0.1, analysis-rules 9.3).

Every non-empty analysis field names the file (and line) that supports it;
decisions without evidence are not recorded and the field stays empty.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from odiac.analysis.names import DecisionName, ReviewCode


class Evidence(BaseModel):
    """A place in the source tree: ``file`` relative to the root, 1-based ``line``."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int | None = None
    note: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where} ({self.note})" if self.note else where


class Decision(BaseModel):
    """One ledger row: ``service`` decided ``decision`` = ``value`` because of ``evidence``."""

    model_config = ConfigDict(frozen=True)

    service: str
    decision: DecisionName
    value: str
    evidence: tuple[Evidence, ...] = ()


class ReviewItem(BaseModel):
    """Something a human should look at; blocking items make ``odiac init`` leave TODOs."""

    model_config = ConfigDict(frozen=True)

    service: str
    code: ReviewCode
    severity: Literal["blocking", "warning"]
    message: str
    evidence: tuple[Evidence, ...] = ()
    key: str = ""  # the opendeploy.toml key path it concerns (``services.web.port``), if any


class Refusal(BaseModel):
    """A refused analysis (analysis-rules 11): one sentence and the matched paths, never content."""

    model_config = ConfigDict(frozen=True)

    refused: Literal[True] = True
    reason: str
    evidence: tuple[str, ...] = ()
