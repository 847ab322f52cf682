"""One problem found in a design: where (a path), what kind (a code), how bad, and what to do about it.

Field for field the same as ``autochem.v1.Issue`` in common.proto, so it converts losslessly. ``suggestion``
is a plain string there (no presence), hence ``""`` rather than None here.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    BLOCKING = "blocking"


class Issue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    severity: Severity
    path: str
    code: str
    message: str
    suggestion: str = ""

    def __str__(self) -> str:
        return f"{self.severity.value} {self.code} at {self.path or '<design>'}: {self.message}"
