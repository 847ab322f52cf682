"""web-agents: the gRPC servicer (proto <-> domain), the `chemicals.registered` handler and the lazy
judge connection.

``Research`` answers with the research result; when the service has an artifact store, each harvested
document's text is stored there and the response carries its reference. The event handler runs the same
research for a registered chemical, stores the documents and publishes ``documents.harvested`` (one
event per chemical, references only: DESIGN §3, large artifacts never travel in Kafka messages).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autochem.agents.research import (
    HarvestedDoc,
    MetaAgent,
    ResearchOptions,
    ResearchResult,
    check_chemical,
)
from autochem.errors import FailedPrecondition, InvalidArgument, Unavailable
from autochem.storage import ArtifactRef, ArtifactStore
from autochem.v1 import events_pb2, web_agents_pb2, web_agents_pb2_grpc

log = logging.getLogger(__name__)

TEXT_MEDIA_TYPE = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class StoredDocument:
    harvested: HarvestedDoc
    artifact: ArtifactRef


def store_documents(store: ArtifactStore, documents: Sequence[HarvestedDoc]) -> list[StoredDocument]:
    """Each document's text in the content-addressed store (the same text is written once)."""
    return [
        StoredDocument(d, store.put_bytes(d.document.text.encode("utf-8"), TEXT_MEDIA_TYPE))
        for d in documents
    ]


def harvested_event(
    chemical: str, stored: Sequence[StoredDocument]
) -> tuple[events_pb2.DocumentsHarvested, str]:
    """The `documents.harvested` payload and its idempotency key (same documents, same key)."""
    event = events_pb2.DocumentsHarvested(
        chemical=chemical,
        documents=[
            events_pb2.HarvestedDocument(
                artifact=s.artifact.to_proto(),
                source_url=s.harvested.document.source_url,
                title=s.harvested.document.title,
                agent=s.harvested.agent,
            )
            for s in stored
        ],
    )
    digest = hashlib.sha256(
        "\n".join([chemical.casefold(), *sorted(s.artifact.sha256 for s in stored)]).encode()
    ).hexdigest()
    return event, f"documents.harvested:{digest}"


# ------------------------------------------------------------------------------------------ servicer


def options_from_proto(request: web_agents_pb2.ResearchRequest, agent: MetaAgent) -> ResearchOptions:
    """Zero means "service default" for the counts; a negative count is INVALID_ARGUMENT."""
    for name in ("max_subtasks", "top_k"):
        if getattr(request, name) < 0:
            raise InvalidArgument(name, "must be 0 (service default) or positive")
    overrides: dict[str, Any] = {
        "max_subtasks": request.max_subtasks or None,
        "top_k": request.top_k or None,
        "refinement_rounds": request.refinement_rounds if request.HasField("refinement_rounds") else None,
        "backends": tuple(b.strip() for b in request.backends) or None,
    }
    return agent.default_options(**overrides)


class WebAgentsServicer(web_agents_pb2_grpc.WebAgentsServicer):
    """``agent`` may be attached after the server starts (the embedder loads in the ready hook)."""

    def __init__(self, agent: MetaAgent | None = None, *, store: ArtifactStore | None = None) -> None:
        self._agent = agent
        self.store = store

    def attach(self, agent: MetaAgent) -> None:
        self._agent = agent

    @property
    def agent(self) -> MetaAgent:
        if self._agent is None:
            raise FailedPrecondition("the research agents are still starting")
        return self._agent

    async def Research(
        self, request: web_agents_pb2.ResearchRequest, context
    ) -> web_agents_pb2.ResearchResponse:
        agent = self.agent
        options = options_from_proto(request, agent)
        chemical, focus = agent.check_request(request.chemical, request.focus, options)
        result = await agent.research(chemical, focus, options)
        stored = None
        if self.store is not None:
            stored = await asyncio.to_thread(store_documents, self.store, result.documents)
        return result_to_proto(result, stored)


def result_to_proto(
    result: ResearchResult, stored: Sequence[StoredDocument] | None = None
) -> web_agents_pb2.ResearchResponse:
    if stored is not None:
        documents = [
            events_pb2.HarvestedDocument(
                artifact=s.artifact.to_proto(),
                source_url=s.harvested.document.source_url,
                title=s.harvested.document.title,
                agent=s.harvested.agent,
            )
            for s in stored
        ]
    else:
        documents = [
            events_pb2.HarvestedDocument(
                source_url=d.document.source_url, title=d.document.title, agent=d.agent
            )
            for d in result.documents
        ]
    return web_agents_pb2.ResearchResponse(
        chemical=result.chemical,
        focus=result.focus,
        plan_source=result.plan_source,
        subtasks=[
            web_agents_pb2.ResearchSubtask(
                id=a.subtask.id,
                text=a.subtask.text,
                expert=a.expert,
                routing_score=a.routing_score,
                routing_scores=dict(a.routing_scores),
                depends_on=list(a.subtask.depends_on),
                answer=a.answer,
                sources=[
                    web_agents_pb2.ResearchSource(url=s.url, title=s.title, score=s.score, backend=s.backend)
                    for s in a.sources
                ],
                synthesized_by=a.synthesized_by,
                revisions=a.revisions,
                elapsed_s=a.elapsed_s,
            )
            for a in result.subtasks
        ],
        final_answer=result.final_answer,
        rounds=[
            web_agents_pb2.RefinementRound(
                round=r.round,
                scores=dict(r.scores),
                weakest_attribute=r.weakest_attribute,
                weakest_score=r.weakest_score,
                revised_subtasks=list(r.revised_subtasks),
            )
            for r in result.rounds
        ],
        final_round=result.final_round,
        documents=documents,
        trace=[
            web_agents_pb2.ToolUse(
                tool=t.tool,
                backend=t.backend,
                query=t.query,
                url=t.url,
                subtask_id=t.subtask_id,
                expert=t.expert,
                ok=t.ok,
                error=t.error,
                elapsed_ms=t.elapsed_ms,
            )
            for t in result.trace
        ],
        degraded=list(result.degraded),
        timings_s=dict(result.timings_s),
    )


# ------------------------------------------------------------------------------ chemicals.registered


class ChemicalRegisteredHandler:
    """`chemicals.registered` → research → documents in the artifact store → `documents.harvested`.

    Runs the research on the service's event loop (``loop``) and waits for it on the consumer's worker
    thread; the consumer keeps its group membership meanwhile. Research is deterministic for a given
    corpus and configuration, so a redelivery that got past the ledger publishes the same idempotency key.
    A registration whose research found nothing because every search failed is retried (Unavailable);
    one that simply found nothing is logged and settled.
    """

    def __init__(
        self,
        agent: MetaAgent,
        loop: asyncio.AbstractEventLoop,
        store: ArtifactStore,
        publish: Callable[[events_pb2.DocumentsHarvested, str], object],
        *,
        options: ResearchOptions | None = None,
        timeout_s: float = 1800.0,
    ) -> None:
        self.agent = agent
        self.loop = loop
        self.store = store
        self.publish = publish
        self.options = options
        self.timeout_s = timeout_s

    def __call__(self, ctx) -> None:
        event: events_pb2.ChemicalRegistered = ctx.payload
        chemical = check_chemical(event.name, "payload.name")
        future = asyncio.run_coroutine_threadsafe(
            self.agent.research(chemical, "", self.options, synonyms=list(event.synonyms)), self.loop
        )
        try:
            result = future.result(timeout=self.timeout_s)
        except TimeoutError:
            future.cancel()
            raise Unavailable(f"research on {chemical!r} took longer than {self.timeout_s:g} s") from None
        stored = store_documents(self.store, result.documents)
        if not stored:
            failures = [n for n in result.degraded if n.startswith("search backend")]
            if failures:
                raise Unavailable(f"no documents harvested for {chemical!r}: {'; '.join(failures)[:500]}")
            log.warning(
                "research on %r harvested no documents", chemical, extra={"degraded": result.degraded}
            )
            return
        payload, idempotency_key = harvested_event(chemical, stored)
        self.publish(payload, idempotency_key)
        log.info(
            "harvested %d documents for %r", len(stored), chemical,
            extra={"subtasks": len(result.subtasks), "degraded": len(result.degraded)},
        )  # fmt: skip


# ----------------------------------------------------------------------------------------- wiring


class LazyJudge:
    """A judge (``async score(prompt, response, context)``) built on first use, so the service serves at
    once even when reward-judge is not up yet; a failure reaches that request (which notes it) and the
    next request tries again."""

    def __init__(self, factory: Callable[[], Any], description: str) -> None:
        self._factory = factory
        self._judge: Any = None
        self.description = description

    async def score(self, prompt: str, response: str, context: str | None = None) -> Any:
        if self._judge is None:
            judge = self._factory()
            start = getattr(judge, "start", None)
            if start is not None:
                await start()
            self._judge = judge
        return await self._judge.score(prompt, response, context)
