"""Stand-ins for the design loop's collaborators: a structurer that returns a reference design's structure,
a retriever, a language model, critics and a validator, each scriptable to fail."""

from __future__ import annotations

from dataclasses import dataclass, field

from autochem.designer.clients import CritiqueOutcome, LocalCritic
from autochem.designer.loop import DesignerSettings, DesignLoop
from autochem.domain.design import Critique, ValidationReport, ValidationStatus
from autochem.domain.examples import reference_designs
from autochem.domain.issues import Issue, Severity
from autochem.inference.api import FinishReason, GenerationResult
from autochem.knowledge.retrieval import Citation, RetrievedChunk, RetrievedContext

NITRIC = reference_designs()["nitric acid"]


@dataclass
class Structured:
    flowsheet: object
    instrumentation: object
    assumptions: list[str] = field(default_factory=lambda: ["100 t/d basis"])
    citations: list = field(default_factory=list)
    facts: object = None


def fake_structurer(chemical, context, pfd, pid, chunks, *, production_t_per_day):
    fake_structurer.calls.append((chemical, pfd, len(chunks), production_t_per_day))
    return Structured(NITRIC.pfd.flowsheet, NITRIC.pid.instrumentation)


fake_structurer.calls = []


class FakeRetriever:
    description = "fake graph"

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.queries: list[str] = []

    async def retrieve(self, query, max_chunks=0):
        self.queries.append(query)
        if self.fail:
            raise ConnectionError("kg-builder refused the connection")
        chunk = RetrievedChunk(
            f"chunk-{len(self.queries)}",
            "chematlas://chematlas/nitric-acid",
            "Nitric acid",
            "Route",
            "Nitric acid is made by oxidising ammonia over platinum-rhodium gauze at 850-900 °C.",
            0.9,
            1,
        )
        return RetrievedContext(
            query, chunks=[chunk], citations=[Citation(1, chunk.doc_id, "Nitric acid", chunk.doc_id)]
        )


class FakeLM:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.requests = []

    async def generate(self, request):
        self.requests.append(request)
        if self.fail:
            raise ConnectionError("slm-inference is down")
        user = request.messages[-1].content
        text = (
            "Revised: " + user[-60:]
            if "Reviewers found" in user
            else "Ammonia is oxidised in a converter [1]."
        )
        return GenerationResult(text, [1, 2], FinishReason.STOP, 10, "smol-test")


class BlockingOnceCritic:
    """Blocking in the first round (an error on the P&ID), clean afterwards."""

    description = "scripted critic"

    def __init__(self) -> None:
        self.calls = 0

    async def critique(self, design, *, use_models=False):
        self.calls += 1
        if self.calls == 1:
            issue = Issue(
                severity=Severity.ERROR,
                path="pid.instrumentation.control_loops[TIC-101]",
                code="loop_without_final_element",
                message="TIC-101 has no final control element",
                suggestion="add a control valve on the coolant",
            )
            return CritiqueOutcome(Critique(summary="must be revised", issues=[issue]), True, {"error": 1})
        return CritiqueOutcome(Critique(summary="no blocking issue"), False, {"error": 0})


class FakeValidator:
    description = "fake simulator"

    def __init__(self, fail: bool = False, statuses=(ValidationStatus.PASSED,)) -> None:
        self.fail = fail
        self.statuses = list(statuses)
        self.calls = 0

    async def validate(self, design):
        self.calls += 1
        if self.fail:
            raise ConnectionError("dwsim-validator is down")
        status = self.statuses[min(self.calls - 1, len(self.statuses) - 1)]
        issues = []
        if status is ValidationStatus.FAILED:
            issues = [Issue(severity=Severity.ERROR, path="pfd.flowsheet.units[T-101]", code="mass_balance",
                            message="T-101 loses 3% of its feed")]  # fmt: skip
        return ValidationReport(status=status, simulator="fake", mass_balance_closure=1.0, issues=issues)


def make_loop(**overrides):
    parts = dict(
        structurer=fake_structurer,
        llm=FakeLM(),
        retriever=FakeRetriever(),
        critic=LocalCritic(),
        validator=FakeValidator(),
        settings=DesignerSettings(max_critique_rounds=2, max_validation_rounds=1),
        chemical_known=lambda name: name != "unobtainium oxide",
    )
    parts.update(overrides)
    return DesignLoop(**parts)
