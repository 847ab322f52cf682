"""designer service: the closed design loop, the public entry point (`Designer.DesignProcess`).

    python services/designer          # settings from AUTOCHEM_* environment variables

Serves at once: kg-builder, slm-inference, critique and dwsim-validator are called per request, and a
dependency that is down is skipped with a note in the response (no retrieval, extractive prose, no
review, unvalidated) instead of failing the design. Finished designs go to the memory (SQLite under the
state directory, or `database_url`), the artifact store and `designs.completed`.
"""

from __future__ import annotations

import threading
from typing import Literal

from pydantic import Field

from autochem.config import GrpcSettings, ServiceSettings
from autochem.designer.clients import GrpcCritic, GrpcRetriever, GrpcValidator
from autochem.designer.loop import DesignerSettings, DesignLoop
from autochem.designer.memory import DesignMemory
from autochem.designer.service import DesignerServicer
from autochem.designer.wiring import chemical_known, default_structurer, grpc_tts_generate
from autochem.runtime import run_service
from autochem.storage import ArtifactStore, make_engine
from autochem.v1 import designer_pb2_grpc


class DesignerServiceSettings(ServiceSettings):
    service_name: str = Field("designer", description="Name used in logs, metrics, traces.")
    grpc: GrpcSettings = Field(
        default_factory=lambda: GrpcSettings(port=50070, max_message_bytes=32 * 1024 * 1024),
        description="gRPC server settings (port 50070; 32 MiB so whole designs fit).",
    )
    metrics_port: int = Field(9170, ge=0, le=65535, description="Prometheus /metrics port; 0 disables it.")
    kg_target: str | None = Field(
        "127.0.0.1:50062",
        description="host:port of kg-builder for Graph RAG; None: design without retrieval.",
    )
    kg_timeout_s: float = Field(60.0, gt=0, description="Deadline of one retrieval call.")
    llm_backend: Literal["none", "grpc"] = Field(
        "grpc", description="Language model for the prose: none (extractive prose) or grpc (slm-inference)."
    )
    llm_target: str = Field("127.0.0.1:50067", description="host:port of slm-inference (llm_backend=grpc).")
    llm_timeout_s: float = Field(300.0, gt=0, description="Deadline of one generation call.")
    llm_model_version: str | None = Field(
        None, description="Model version to ask slm-inference for; None: whatever it serves."
    )
    critique_target: str | None = Field(
        "127.0.0.1:50068", description="host:port of the critique service; None: no review."
    )
    critique_timeout_s: float = Field(300.0, gt=0, description="Deadline of one critique call.")
    validator_target: str | None = Field(
        "127.0.0.1:50069", description="host:port of dwsim-validator; None: designs are unvalidated."
    )
    validator_timeout_s: float = Field(300.0, gt=0, description="Deadline of one validation call.")
    loop: DesignerSettings = Field(
        default_factory=DesignerSettings, description="Rounds, token budgets and retrieval sizes of the loop."
    )
    publish_events: bool = Field(True, description="Announce finished designs on designs.completed.")


def main() -> None:
    settings = DesignerServiceSettings()
    memory = DesignMemory(make_engine(settings.resolved_database_url()))
    store = ArtifactStore(settings.resolved_artifact_url())
    publisher_lock = threading.Lock()
    publisher: dict = {}

    def publish(event) -> None:
        from autochem.bus.producer import EventPublisher
        from autochem.bus.topics import TOPICS

        with publisher_lock:
            if "p" not in publisher:
                publisher["p"] = EventPublisher(settings.kafka, settings.service_name)
            publisher["p"].publish(TOPICS["designs.completed"], event, key=event.chemical)

    llm = None
    tts = None
    if settings.llm_backend == "grpc":
        from autochem.critique.wiring import LazyGenerationBackend
        from autochem.inference.backends.grpc_client import GrpcSlmBackend

        llm = LazyGenerationBackend(
            lambda: GrpcSlmBackend(
                settings.llm_target,
                timeout_s=settings.llm_timeout_s,
                model_version=settings.llm_model_version,
            ),
            f"slm-inference at {settings.llm_target}",
        )
        tts = grpc_tts_generate(settings.llm_target, settings.llm_timeout_s, settings.llm_model_version)
    loop = DesignLoop(
        structurer=default_structurer,
        llm=llm,
        retriever=GrpcRetriever(settings.kg_target, timeout_s=settings.kg_timeout_s)
        if settings.kg_target
        else None,
        critic=GrpcCritic(settings.critique_target, timeout_s=settings.critique_timeout_s)
        if settings.critique_target
        else None,
        validator=GrpcValidator(settings.validator_target, timeout_s=settings.validator_timeout_s)
        if settings.validator_target
        else None,
        settings=settings.loop,
        chemical_known=chemical_known,
        tts_generate=tts,
    )
    servicer = DesignerServicer(
        loop, memory, store=store, publish=publish if settings.publish_events else None
    )
    run_service(
        settings,
        register=lambda server: server.add(servicer, designer_pb2_grpc.add_DesignerServicer_to_server),
    )


if __name__ == "__main__":
    main()
