"""What the design loop calls, behind small protocols: a retriever (kg-builder), a critic (critique) and a
validator (dwsim-validator), each with a gRPC client for the service and an in-process variant.

The loop never imports a service: these clients speak the services' protos (or call the library in
process for tests and the CLI's offline mode) and hand the loop domain objects.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from autochem.critique.critique import critique_design
from autochem.domain import Design, design_to_proto
from autochem.domain.convert import critique_from_proto, issue_from_proto
from autochem.domain.design import Critique, ValidationReport
from autochem.domain.issues import Issue, Severity
from autochem.knowledge.retrieval import Citation, Fact, RetrievedChunk, RetrievedContext
from autochem.rpc import make_channel
from autochem.v1 import critique_pb2, critique_pb2_grpc, kg_builder_pb2, kg_builder_pb2_grpc


class Retriever(Protocol):
    description: str

    async def retrieve(self, query: str, max_chunks: int = 0) -> RetrievedContext: ...


@dataclass
class CritiqueOutcome:
    critique: Critique
    blocking: bool
    counts: dict[str, int] = field(default_factory=dict)  # info / warning / error / blocking


class Critic(Protocol):
    description: str

    async def critique(self, design: Design, *, use_models: bool = False) -> CritiqueOutcome: ...


class Validator(Protocol):
    description: str

    async def validate(self, design: Design) -> ValidationReport: ...


def issue_counts(issues: Sequence[Issue]) -> dict[str, int]:
    """Issues per severity (every severity present, zero or not)."""
    counts = {s.value: 0 for s in Severity}
    for issue in issues:
        counts[issue.severity.value] += 1
    return counts


# ------------------------------------------------------------------------------------------ retrieval


def context_from_proto(reply: kg_builder_pb2.RetrieveResponse) -> RetrievedContext:
    return RetrievedContext(
        query=reply.query,
        communities=[(c.community_id, c.score, c.title) for c in reply.communities],
        entities=list(reply.entities),
        chunks=[
            RetrievedChunk(c.chunk_id, c.doc_id, c.title, c.section, c.text, c.score, c.citation)
            for c in reply.chunks
        ],
        facts=[Fact(f.subject, f.predicate, f.object, f.chunk_id, f.citation) for f in reply.facts],
        citations=[Citation(c.index, c.doc_id, c.title, c.source_url) for c in reply.citations],
    )


class GrpcRetriever:
    """kg-builder's ``Retrieve`` over gRPC (one channel, opened on first use)."""

    def __init__(self, target: str, *, timeout_s: float = 60.0) -> None:
        self.target = target
        self.timeout_s = timeout_s
        self.description = f"kg-builder at {target}"
        self._channel: Any = None

    async def retrieve(self, query: str, max_chunks: int = 0) -> RetrievedContext:
        if self._channel is None:
            self._channel = make_channel(self.target, max_message_bytes=32 << 20)
        reply = await kg_builder_pb2_grpc.KgBuilderStub(self._channel).Retrieve(
            kg_builder_pb2.RetrieveRequest(query=query, max_chunks=max_chunks), timeout=self.timeout_s
        )
        return context_from_proto(reply)

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None


class InProcessRetriever:
    """A GraphRagRetriever in this process (the CLI's offline mode, tests)."""

    def __init__(self, retriever: Any, description: str = "in-process graph") -> None:
        self.retriever = retriever
        self.description = description

    async def retrieve(self, query: str, max_chunks: int = 0) -> RetrievedContext:
        kwargs = {"max_chunks": max_chunks} if max_chunks else {}
        return await asyncio.to_thread(self.retriever.retrieve, query, **kwargs)


# -------------------------------------------------------------------------------------------- critique


class GrpcCritic:
    def __init__(self, target: str, *, timeout_s: float = 300.0) -> None:
        self.target = target
        self.timeout_s = timeout_s
        self.description = f"critique at {target}"

    async def critique(self, design: Design, *, use_models: bool = False) -> CritiqueOutcome:
        async with make_channel(self.target, max_message_bytes=16 << 20) as channel:
            reply = await critique_pb2_grpc.CritiqueServiceStub(channel).Critique(
                critique_pb2.CritiqueRequest(
                    design=design_to_proto(design),
                    options=critique_pb2.CritiqueOptions(use_llm=use_models, use_judge=use_models),
                ),
                timeout=self.timeout_s,
            )
        issues = [issue_from_proto(i) for i in reply.issues]
        critique = Critique(summary=reply.summary, scores=dict(reply.scores), issues=issues)
        counts = {n: getattr(reply.counts, n) for n in ("info", "warning", "error", "blocking")}
        return CritiqueOutcome(critique, reply.blocking, counts)


class LocalCritic:
    """The critique library in this process: the engineering rules (and the LLM review when given one)."""

    description = "critique rules in process"

    def __init__(self, llm: Any = None) -> None:
        self.llm = llm

    async def critique(self, design: Design, *, use_models: bool = False) -> CritiqueOutcome:
        report = await critique_design(design, llm=self.llm if use_models else None)
        critique = report.to_critique()
        return CritiqueOutcome(critique, report.blocking, issue_counts(critique.issues))


# -------------------------------------------------------------------------------------------- validation


class GrpcValidator:
    """dwsim-validator's ``Validate`` over gRPC."""

    def __init__(self, target: str, *, timeout_s: float = 300.0) -> None:
        self.target = target
        self.timeout_s = timeout_s
        self.description = f"dwsim-validator at {target}"

    async def validate(self, design: Design) -> ValidationReport:
        from autochem.domain.convert import validation_report_from_proto
        from autochem.v1 import validator_pb2, validator_pb2_grpc

        async with make_channel(self.target, max_message_bytes=32 << 20) as channel:
            reply = await validator_pb2_grpc.ValidatorStub(channel).Validate(
                validator_pb2.ValidateRequest(design=design_to_proto(design)), timeout=self.timeout_s
            )
        return validation_report_from_proto(reply)


class LocalValidator:
    """A simulation library object with ``validate_design(design) -> ValidationReport`` (the
    FlowsheetValidator of :mod:`autochem.simulation.validator`) run in a worker thread."""

    def __init__(self, validator: Any, description: str = "simulator in process") -> None:
        self.validator = validator
        self.description = description

    async def validate(self, design: Design) -> ValidationReport:
        return await asyncio.to_thread(self.validator.validate_design, design)


__all__ = [
    "Critic",
    "CritiqueOutcome",
    "GrpcCritic",
    "GrpcRetriever",
    "GrpcValidator",
    "InProcessRetriever",
    "LocalCritic",
    "LocalValidator",
    "Retriever",
    "Validator",
    "context_from_proto",
    "critique_from_proto",
    "issue_counts",
]
