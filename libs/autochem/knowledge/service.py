"""kg-builder: the knowledge service object, its gRPC servicer and its `documents.harvested` handler.

:class:`KnowledgeService` owns the builder and the retriever and serialises ingests (one writer);
retrievals run concurrently with each other and read the vectors the last ingest published. Progress
of a running ingest is visible through ``Stats``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass

from autochem.errors import FailedPrecondition, InvalidArgument
from autochem.knowledge.builder import IngestReport, KnowledgeGraphBuilder
from autochem.knowledge.documents import SourceDocument, decode_document_bytes
from autochem.knowledge.retrieval import GraphRagRetriever, RetrievedContext
from autochem.rpc import require
from autochem.v1 import events_pb2, kg_builder_pb2, kg_builder_pb2_grpc


@dataclass
class Progress:
    running: bool = False
    stage: str = ""
    done: int = 0
    total: int = 0


class KnowledgeService:
    """Created empty when the server starts; :meth:`attach` fills it once the graph is open (the
    server reports NOT_SERVING until then)."""

    def __init__(
        self,
        builder: KnowledgeGraphBuilder | None = None,
        retriever: GraphRagRetriever | None = None,
        *,
        embedding_model: str = "all-MiniLM-L6-v2",
    ) -> None:
        self._builder = builder
        self._retriever = retriever
        self.embedding_model = embedding_model
        self.progress = Progress()
        self._ingest_lock = asyncio.Lock()
        self._progress_lock = threading.Lock()

    def attach(self, builder: KnowledgeGraphBuilder, retriever: GraphRagRetriever) -> None:
        self._builder, self._retriever = builder, retriever

    @property
    def builder(self) -> KnowledgeGraphBuilder:
        if self._builder is None:
            raise FailedPrecondition("the knowledge graph is still opening")
        return self._builder

    @property
    def retriever(self) -> GraphRagRetriever:
        if self._retriever is None:
            raise FailedPrecondition("the knowledge graph is still opening")
        return self._retriever

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        with self._progress_lock:
            self.progress = Progress(True, stage, done, total)

    async def ingest(self, documents: list[SourceDocument], delete_ids: list[str]) -> IngestReport:
        async with self._ingest_lock:
            self._on_progress("starting", 0, len(documents))
            try:
                report = await self.builder.ingest(documents, delete_ids, progress=self._on_progress)
                await asyncio.to_thread(self.retriever.refresh)
                return report
            finally:
                with self._progress_lock:
                    self.progress = Progress(False, "", 0, 0)

    async def retrieve(self, query: str, top_k: int | None, max_chunks: int | None) -> RetrievedContext:
        return await asyncio.to_thread(self.retriever.retrieve, query, top_k=top_k, max_chunks=max_chunks)

    def stats(self) -> dict:
        return {
            "counts": self.builder.store.counts(),
            "store": self.builder.store.name,
            "graph_version": _version(self.builder),
            "extractor": self.builder.extractor.name,
            "summarizer": self.builder.summarizer.name,
        }


def _version(builder: KnowledgeGraphBuilder) -> str:
    from autochem.knowledge.builder import graph_version

    return graph_version(builder.state)


def document_from_proto(
    doc: kg_builder_pb2.IngestDocument, index: int, load_artifact: Callable | None = None
) -> SourceDocument:
    field = f"documents[{index}]"
    sources = [bool(doc.text), bool(doc.raw), doc.HasField("artifact")]
    if sum(sources) != 1:
        raise InvalidArgument(f"{field}", "give exactly one of text, raw or artifact")
    if doc.text:
        text = doc.text
    elif doc.raw:
        text = decode_document_bytes(doc.raw, field=f"{field}.raw")
    else:
        if load_artifact is None:
            raise InvalidArgument(f"{field}.artifact", "this server has no artifact store configured")
        text = decode_document_bytes(load_artifact(doc.artifact), field=f"{field}.artifact")
    return SourceDocument(
        doc_id=doc.doc_id,
        title=doc.title,
        text=text,
        source_url=doc.source_url,
        chemical=doc.chemical,
        metadata=dict(doc.metadata),
    )


def report_to_proto(r: IngestReport) -> kg_builder_pb2.IngestResponse:
    return kg_builder_pb2.IngestResponse(
        added=r.added,
        changed=r.changed,
        unchanged=r.unchanged,
        deleted=r.deleted,
        duplicates=r.duplicates,
        chunks_processed=r.chunks_processed,
        entities_added=r.entities_added,
        entities_removed=r.entities_removed,
        relations_added=r.relations_added,
        relations_removed=r.relations_removed,
        communities_total=r.communities_total,
        communities_resummarized=r.communities_resummarized,
        graph_version=r.graph_version,
        stage_seconds=r.stage_seconds,
    )


def context_to_proto(ctx: RetrievedContext) -> kg_builder_pb2.RetrieveResponse:
    return kg_builder_pb2.RetrieveResponse(
        query=ctx.query,
        communities=[
            kg_builder_pb2.CommunityHit(community_id=c, score=s, title=t) for c, s, t in ctx.communities
        ],
        entities=ctx.entities,
        chunks=[
            kg_builder_pb2.RetrievedChunk(
                chunk_id=c.chunk_id,
                doc_id=c.doc_id,
                title=c.title,
                section=c.section,
                text=c.text,
                score=c.score,
                citation=c.citation,
            )
            for c in ctx.chunks
        ],
        facts=[
            kg_builder_pb2.RetrievedFact(
                subject=f.subject,
                predicate=f.predicate,
                object=f.object,
                chunk_id=f.chunk_id,
                citation=f.citation,
            )
            for f in ctx.facts
        ],
        citations=[
            kg_builder_pb2.SourceCitation(
                index=c.index, doc_id=c.doc_id, title=c.title, source_url=c.source_url
            )
            for c in ctx.citations
        ],
        context=ctx.as_prompt_context(),
    )


class KgBuilderServicer(kg_builder_pb2_grpc.KgBuilderServicer):
    def __init__(self, service: KnowledgeService, load_artifact: Callable | None = None) -> None:
        self.service = service
        self.load_artifact = load_artifact

    async def Ingest(self, request, context):
        if not request.documents and not request.delete_doc_ids:
            raise InvalidArgument("documents", "give documents to ingest or delete_doc_ids")
        docs = [document_from_proto(d, i, self.load_artifact) for i, d in enumerate(request.documents)]
        report = await self.service.ingest(docs, list(request.delete_doc_ids))
        return report_to_proto(report)

    async def Retrieve(self, request, context):
        require(request.query.strip(), "query", "is empty")
        if request.top_k_communities < 0 or request.max_chunks < 0:
            raise InvalidArgument(
                "top_k_communities" if request.top_k_communities < 0 else "max_chunks", "must be ≥ 0"
            )
        if request.top_k_communities > 100 or request.max_chunks > 100:
            raise InvalidArgument(
                "top_k_communities" if request.top_k_communities > 100 else "max_chunks", "must be ≤ 100"
            )
        ctx = await self.service.retrieve(
            request.query, request.top_k_communities or None, request.max_chunks or None
        )
        return context_to_proto(ctx)

    async def Stats(self, request, context):
        stats = await asyncio.to_thread(self.service.stats)
        p = self.service.progress
        return kg_builder_pb2.StatsResponse(
            counts=stats["counts"],
            store=stats["store"],
            graph_version=stats["graph_version"],
            embedding_model=self.service.embedding_model,
            extractor=stats["extractor"],
            summarizer=stats["summarizer"],
            progress=kg_builder_pb2.IngestProgress(
                running=p.running, stage=p.stage, done=p.done, total=p.total
            ),
        )


def harvested_handler(
    service: KnowledgeService,
    loop: asyncio.AbstractEventLoop,
    load_artifact: Callable,
    publish: Callable[[events_pb2.KgUpdated], None],
    *,
    timeout_s: float = 1800.0,
):
    """`documents.harvested` → ingest → `kg.updated`.

    Ingest is idempotent by content hash (a redelivered event finds every document unchanged), so the
    graph write need not share the ledger's transaction; the ledger still makes the event count once.
    """

    def handle(ctx) -> None:
        event: events_pb2.DocumentsHarvested = ctx.payload
        if not event.documents:
            raise InvalidArgument("payload.documents", "a documents.harvested event must carry documents")
        docs = []
        for i, d in enumerate(event.documents):
            if not d.HasField("artifact"):
                raise InvalidArgument(f"payload.documents[{i}].artifact", "missing")
            text = decode_document_bytes(load_artifact(d.artifact), field=f"payload.documents[{i}].artifact")
            docs.append(
                SourceDocument(
                    doc_id=d.source_url or d.artifact.sha256,
                    title=d.title or d.source_url,
                    text=text,
                    source_url=d.source_url,
                    chemical=event.chemical,
                    metadata={"agent": d.agent},
                )
            )
        report = asyncio.run_coroutine_threadsafe(service.ingest(docs, []), loop).result(timeout=timeout_s)
        publish(
            events_pb2.KgUpdated(
                chemical=event.chemical,
                entities_added=report.entities_added,
                relations_added=report.relations_added,
                communities_resummarized=report.communities_resummarized,
                graph_version=report.graph_version,
            )
        )

    return handle
