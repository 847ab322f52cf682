"""The process design as a whole: context, PFD, P&ID, critique, validation report and provenance.

Every part but the identity is optional: the closed loop fills a design in stages (context, then PFD, then
P&ID, then critique and validation), and None means "not produced yet", which is different from empty.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, Field, field_validator, model_validator

from autochem.domain.base import DomainModel, Identifier, Text
from autochem.domain.flowsheet import Flowsheet
from autochem.domain.instrumentation import Instrumentation
from autochem.domain.issues import Issue
from autochem.domain.units import Duration, HeatDuty


class ProcessContext(DomainModel):
    """What the process is, in prose: one summary and itemized facts per aspect."""

    summary: str = ""
    route: str = Field("", description="The chosen synthesis route and why.")
    reactions: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)
    purification: list[str] = Field(default_factory=list)
    by_products: list[str] = Field(default_factory=list)
    recycles: list[str] = Field(default_factory=list)
    heat_integration: list[str] = Field(default_factory=list)
    safety: list[str] = Field(default_factory=list)


class Pfd(DomainModel):
    description: str = ""
    flowsheet: Flowsheet


class Pid(DomainModel):
    description: str = ""
    instrumentation: Instrumentation


# Judge attribute scores use the 0-4 Likert scale (helpfulness, correctness, coherence, complexity, verbosity).
Score = Annotated[float, Field(ge=0.0, le=4.0)]


class Critique(DomainModel):
    summary: str = ""
    scores: dict[Identifier, Score] = Field(default_factory=dict)
    issues: list[Issue] = Field(default_factory=list)


class ValidationStatus(StrEnum):
    PASSED = "passed"
    PASSED_WITH_WARNINGS = "passed_with_warnings"
    FAILED = "failed"
    ERROR = "error"  # the simulation itself could not run
    SKIPPED = "skipped"


class LoopResult(DomainModel):
    """Closed-loop simulation of one control loop (setpoint step and load disturbance)."""

    path_key = "loop_id"

    loop_id: Identifier
    stable: bool | None = None
    overshoot: float | None = Field(
        None, ge=0, description="Peak overshoot as a fraction of the setpoint step."
    )
    settling_time: Duration | None = None
    rise_time: Duration | None = None
    iae: float | None = Field(None, ge=0, description="Integral of absolute error, in the loop's units x s.")
    messages: list[str] = Field(default_factory=list)


Closure = Annotated[float, Field(ge=0.0)]


class ValidationReport(DomainModel):
    """Physics validation. Mass closure is mass out / mass in (1.0 = closed); duties positive when heat is
    added to the process."""

    status: ValidationStatus
    simulator: str | None = None
    converged: bool | None = None
    mass_balance_closure: Closure | None = None
    unit_mass_balance_closure: dict[Identifier, Closure] = Field(default_factory=dict)
    energy_duties: dict[Identifier, HeatDuty] = Field(default_factory=dict)
    loop_results: list[LoopResult] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    validated_at: AwareDatetime | None = None

    @field_validator("validated_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None


class Citation(DomainModel):
    """The part of the design at ``path`` rests on these knowledge-graph facts, documents and chunks."""

    path: Text
    kg_fact_ids: list[Identifier] = Field(default_factory=list)
    document_uris: list[Identifier] = Field(default_factory=list)
    chunk_ids: list[Identifier] = Field(default_factory=list)
    quote: str | None = None

    @model_validator(mode="after")
    def _has_a_source(self) -> Citation:
        if not (self.kg_fact_ids or self.document_uris or self.chunk_ids):
            raise ValueError("a citation names at least one KG fact, document or chunk")
        return self


class Provenance(DomainModel):
    citations: list[Citation] = Field(default_factory=list)


class Design(DomainModel):
    id: Identifier
    chemical: Text
    created_at: AwareDatetime
    process_context: ProcessContext | None = None
    pfd: Pfd | None = None
    pid: Pid | None = None
    critique: Critique | None = None
    validation: ValidationReport | None = None
    provenance: Provenance | None = None

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # Timestamps travel as UTC instants (google.protobuf.Timestamp); normalizing here keeps JSON and
        # proto round trips identical.
        return value.astimezone(UTC)
