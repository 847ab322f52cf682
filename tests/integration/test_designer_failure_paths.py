"""The design loop with its real gRPC clients pointed at services that are down, and the real structurer,
critique rules and corpus text: kg-builder down → designed without retrieval and said so; dwsim-validator
down → returned unvalidated; critique down → unreviewed; a nonsense chemical → INVALID_ARGUMENT naming what
is missing, never a crash."""

from __future__ import annotations

import asyncio

import pytest

from autochem.designer.clients import GrpcCritic, GrpcRetriever, GrpcValidator, LocalCritic
from autochem.designer.loop import DesignConstraints, DesignLoop
from autochem.designer.wiring import chemical_known, default_structurer
from autochem.domain.design import ValidationStatus
from autochem.domain.validation import validate_design
from autochem.errors import InvalidArgument
from autochem.knowledge.corpus import load_corpus
from autochem.knowledge.retrieval import Citation, RetrievedChunk, RetrievedContext
from autochem.stack.broker import free_port

pytestmark = [pytest.mark.integration]


class CorpusSectionsRetriever:
    """Stands in for Graph RAG with the corpus document's own sections (no graph needed here)."""

    description = "corpus sections"

    def __init__(self, slug: str) -> None:
        self.doc = next(d for d in load_corpus() if d.slug == slug)

    async def retrieve(self, query, max_chunks=0):
        chunks = [
            RetrievedChunk(f"{self.doc.slug}#{i}", self.doc.source_url, self.doc.name, title, text, 1.0, 1)
            for i, (title, text) in enumerate(self.doc.sections.items())
        ]
        return RetrievedContext(
            query,
            chunks=chunks,
            citations=[Citation(1, self.doc.source_url, self.doc.name, self.doc.source_url)],
        )


def _down() -> str:
    return f"127.0.0.1:{free_port()}"  # nothing listens there


def test_kg_builder_down_designs_without_retrieval_and_validator_down_leaves_it_unvalidated():
    loop = DesignLoop(
        structurer=default_structurer,
        retriever=GrpcRetriever(_down(), timeout_s=3),
        critic=LocalCritic(),
        validator=GrpcValidator(_down(), timeout_s=3),
        chemical_known=chemical_known,
    )
    with pytest.raises(InvalidArgument) as info:
        # No retrieval and no model: nothing to structure from — a clear error naming what is missing.
        asyncio.run(loop.design("nitric acid"))
    assert (
        info.value.field == "chemical" and "no retrieval" in str(info.value) and "reaction" in str(info.value)
    )

    loop.retriever = CorpusSectionsRetriever("nitric-acid")
    outcome = asyncio.run(loop.design("nitric acid"))
    assert outcome.retrieval_used and not outcome.validated
    assert outcome.design.validation.status is ValidationStatus.SKIPPED
    assert any("validator unavailable" in n and "unvalidated" in n for n in outcome.notes), outcome.notes
    assert validate_design(outcome.design) == []
    assert outcome.design.critique is not None and not any(
        i.severity.value in ("error", "blocking") for i in outcome.design.critique.issues
    )


def test_critique_down_returns_the_design_unreviewed():
    loop = DesignLoop(
        structurer=default_structurer,
        retriever=CorpusSectionsRetriever("methanol"),
        critic=GrpcCritic(_down(), timeout_s=3),
        validator=None,
        chemical_known=chemical_known,
    )
    outcome = asyncio.run(loop.design("methanol", DesignConstraints(max_validation_rounds=0)))
    assert outcome.design.critique is None
    assert any("critique unavailable" in n for n in outcome.notes)
    assert outcome.design.pfd.flowsheet.reactions


def test_nonsense_chemical_is_invalid_argument_or_low_confidence_never_a_crash():
    loop = DesignLoop(
        structurer=default_structurer,
        retriever=CorpusSectionsRetriever("methanol"),
        critic=LocalCritic(),
        chemical_known=chemical_known,
    )
    with pytest.raises(InvalidArgument) as info:
        asyncio.run(loop.design("flurbodium quaxinate"))
    assert info.value.field == "chemical" and "flurbodium" in str(info.value)
