"""kg-builder service: documents → knowledge graph with communities; Graph RAG retrieval.

    python services/kg-builder          # settings from AUTOCHEM_* environment variables

Consumes `documents.harvested` (documents in the artifact store) and publishes `kg.updated`.
The embedded ladybug store is the default; AUTOCHEM_KNOWLEDGE__STORE=neo4j switches to Neo4j.
"""

from __future__ import annotations

import asyncio

from pydantic import Field

from autochem.bus.consumer import EventConsumer
from autochem.bus.topics import TOPICS
from autochem.config import GrpcSettings, ServiceSettings
from autochem.errors import InvalidArgument
from autochem.knowledge.factory import KnowledgeSettings, make_builder, make_retriever, make_store
from autochem.knowledge.service import KgBuilderServicer, KnowledgeService, harvested_handler
from autochem.runtime import run_service
from autochem.storage import ArtifactStore
from autochem.storage.artifacts import ArtifactRef
from autochem.v1 import kg_builder_pb2_grpc


class KgBuilderSettings(ServiceSettings):
    service_name: str = Field("kg-builder", description="Name used in logs, metrics, traces.")
    grpc: GrpcSettings = Field(
        default_factory=lambda: GrpcSettings(port=50062, max_message_bytes=32 * 1024 * 1024),
        description="gRPC server settings (port 50062; 32 MiB messages so a batch of documents fits).",
    )
    metrics_port: int = Field(9162, ge=0, le=65535, description="Prometheus /metrics port; 0 disables it.")
    knowledge: KnowledgeSettings = Field(
        default_factory=KnowledgeSettings, description="Graph store, extraction, retrieval."
    )
    consume: bool = Field(True, description="Consume documents.harvested (False: gRPC only).")
    consumer_group: str = Field("kg-builder", description="Kafka consumer group for documents.harvested.")


def artifact_loader(store: ArtifactStore, max_bytes: int):
    def load(ref_proto) -> bytes:
        ref = ArtifactRef.from_proto(ref_proto)
        if ref.size_bytes > max_bytes:
            raise InvalidArgument(
                "artifact.size_bytes", f"{ref.size_bytes} bytes exceeds the limit of {max_bytes}"
            )
        return store.get_bytes(ref)

    return load


def main() -> None:
    settings = KgBuilderSettings()
    if not settings.knowledge.ladybug_path.is_absolute():
        settings.knowledge.ladybug_path = settings.state_dir / "kg" / "graph.lbug"
    service = KnowledgeService()
    load = artifact_loader(
        ArtifactStore(settings.resolved_artifact_url()), settings.knowledge.build.max_document_bytes
    )
    servicer = KgBuilderServicer(service, load_artifact=load)
    loop_holder: list[asyncio.AbstractEventLoop] = []

    async def ready() -> None:
        store = make_store(settings.knowledge)
        builder = make_builder(settings.knowledge, store)
        retriever = await asyncio.to_thread(make_retriever, settings.knowledge, store, builder)
        service.attach(builder, retriever)
        loop_holder.append(asyncio.get_running_loop())

    def consumers(runtime):
        if not settings.consume:
            return []
        handler = harvested_handler(
            service,
            loop_holder[0],
            load,
            lambda event: runtime.publisher.publish(TOPICS["kg.updated"], event, key=event.chemical),
        )
        return [
            EventConsumer(
                settings.kafka,
                settings.consumer_group,
                [TOPICS["documents.harvested"]],
                handler,
                runtime.engine,
                service_name=settings.service_name,
            )
        ]

    run_service(
        settings,
        register=lambda server: server.add(servicer, kg_builder_pb2_grpc.add_KgBuilderServicer_to_server),
        consumers=consumers,
        ready=ready,
    )


if __name__ == "__main__":
    main()
