"""Knowledge-graph jobs behind `autochem kg …` and the main job: build from the corpus, query.

Each job runs either in this process (the embedded graph under the state directory) or against a
running kg-builder (``target`` host:port), in which case progress comes from its Stats RPC.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import grpc

from autochem.knowledge.documents import SourceDocument
from autochem.knowledge.factory import KnowledgeSettings, make_builder, make_retriever, make_store
from autochem.rpc.client import make_channel
from autochem.v1 import kg_builder_pb2, kg_builder_pb2_grpc

ProgressFn = Callable[[str, int, int], None]


def corpus_documents(*, include_heldout: bool = False) -> list[SourceDocument]:
    from autochem.knowledge.corpus import load_corpus, load_heldout

    docs = [d.to_source_document() for d in load_corpus()]
    if include_heldout:
        docs += [d.to_source_document() for d in load_heldout()]
    return docs


async def build_in_process(
    settings: KnowledgeSettings,
    documents: Sequence[SourceDocument],
    progress: ProgressFn | None = None,
    delete_ids: Sequence[str] = (),
):
    store = make_store(settings)
    try:
        builder = make_builder(settings, store)
        return await builder.ingest(list(documents), list(delete_ids), progress=progress)
    finally:
        store.close()


def query_in_process(
    settings: KnowledgeSettings, query: str, *, top_k: int | None = None, max_chunks: int | None = None
):
    store = make_store(settings)
    try:
        return make_retriever(settings, store).retrieve(query, top_k=top_k, max_chunks=max_chunks)
    finally:
        store.close()


def _to_proto(doc: SourceDocument) -> kg_builder_pb2.IngestDocument:
    return kg_builder_pb2.IngestDocument(
        doc_id=doc.doc_id,
        title=doc.title,
        text=doc.text,
        source_url=doc.source_url,
        chemical=doc.chemical,
        metadata=doc.metadata,
    )


async def build_via_service(
    target: str,
    documents: Sequence[SourceDocument],
    progress: ProgressFn | None = None,
    *,
    timeout_s: float = 1800.0,
) -> kg_builder_pb2.IngestResponse:
    """Ingest through kg-builder, polling its Stats for progress while the call runs."""
    async with make_channel(target, max_message_bytes=64 * 1024 * 1024) as channel:
        stub = kg_builder_pb2_grpc.KgBuilderStub(channel)
        call = asyncio.ensure_future(
            stub.Ingest(
                kg_builder_pb2.IngestRequest(documents=[_to_proto(d) for d in documents]), timeout=timeout_s
            )
        )
        while not call.done():
            await asyncio.wait([call], timeout=0.5)
            if progress is not None and not call.done():
                try:
                    stats = await stub.Stats(kg_builder_pb2.StatsRequest(), timeout=5)
                except grpc.aio.AioRpcError:
                    continue  # progress is best effort; the Ingest call decides success
                if stats.progress.running:
                    progress(stats.progress.stage, stats.progress.done, stats.progress.total)
        return await call


async def query_via_service(
    target: str, query: str, *, top_k: int = 0, max_chunks: int = 0, timeout_s: float = 60.0
) -> kg_builder_pb2.RetrieveResponse:
    async with make_channel(target, max_message_bytes=32 * 1024 * 1024) as channel:
        stub = kg_builder_pb2_grpc.KgBuilderStub(channel)
        return await stub.Retrieve(
            kg_builder_pb2.RetrieveRequest(query=query, top_k_communities=top_k, max_chunks=max_chunks),
            timeout=timeout_s,
        )


async def stats_via_service(target: str) -> kg_builder_pb2.StatsResponse:
    async with make_channel(target, max_message_bytes=32 * 1024 * 1024) as channel:
        return await kg_builder_pb2_grpc.KgBuilderStub(channel).Stats(
            kg_builder_pb2.StatsRequest(), timeout=30
        )
