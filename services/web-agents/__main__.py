"""web-agents service: the research agents (meta-agent, subtask DAG, expert agents, search backends).

    python services/web-agents          # settings from AUTOCHEM_* environment variables

Serves ``WebAgents.Research`` and consumes `chemicals.registered` → publishes `documents.harvested`
(documents in the artifact store). The embedder loads before the server reports SERVING; the language
model and the judge are connected on first use, and while they are unreachable research still answers
(extractive sub-answers, no refinement) and says so in ``degraded``.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from pydantic import Field

from autochem.agents.fetch import FetchSettings, SafeFetcher
from autochem.agents.research import MetaAgent, ResearchSettings
from autochem.agents.search import (
    CorpusSearchBackend,
    HttpFetchBackend,
    SerpApiSearchBackend,
    SerpApiSettings,
)
from autochem.agents.service import ChemicalRegisteredHandler, LazyJudge, WebAgentsServicer
from autochem.bus.consumer import EventConsumer
from autochem.bus.topics import TOPICS
from autochem.config import GrpcSettings, ServiceSettings
from autochem.critique.wiring import LazyGenerationBackend
from autochem.knowledge.embeddings import EmbeddingSettings, shared_embedder
from autochem.runtime import ServiceRuntime, run_service
from autochem.storage import ArtifactStore
from autochem.v1 import web_agents_pb2_grpc


class WebAgentsSettings(ServiceSettings):
    service_name: str = Field("web-agents", description="Name used in logs, metrics, traces.")
    grpc: GrpcSettings = Field(
        default_factory=lambda: GrpcSettings(port=50061, max_message_bytes=16 * 1024 * 1024),
        description="gRPC server settings (port 50061; 16 MiB responses so answers and traces fit).",
    )
    metrics_port: int = Field(9161, ge=0, le=65535, description="Prometheus /metrics port; 0 disables it.")
    search_backend: Literal["corpus", "serpapi", "both"] = Field(
        "corpus",
        description="Where candidates come from: corpus (the bundled ChemAtlas index, offline), serpapi "
        "(web search; result pages fetched through the SSRF-safe fetcher) or both.",
    )
    serpapi: SerpApiSettings = Field(
        default_factory=SerpApiSettings, description="SerpAPI (or compatible) key and endpoint."
    )
    fetch: FetchSettings = Field(
        default_factory=FetchSettings,
        description="Limits of page fetching (size, time, redirects, allow-list).",
    )
    corpus_candidate_documents: int = Field(
        4, ge=1, le=40, description="Corpus documents whose chunks are ranked per query."
    )
    corpus_warm_all_chunks: bool = Field(
        False, description="Embed every corpus chunk at start-up (slower start, faster first requests)."
    )
    embedding: EmbeddingSettings = Field(
        default_factory=EmbeddingSettings, description="Sentence embedder for routing and ranking."
    )
    llm_backend: Literal["none", "grpc"] = Field(
        "grpc",
        description="Language model for sub-answers: none (extractive answers) or grpc (slm-inference at llm_target).",
    )
    llm_target: str = Field("127.0.0.1:50067", description="host:port of slm-inference (llm_backend=grpc).")
    llm_timeout_s: float = Field(120.0, gt=0, description="Deadline of one generation call.")
    llm_model_version: str | None = Field(
        None, description="Model version to ask slm-inference for; None: whatever it serves."
    )
    judge_backend: Literal["none", "grpc", "local"] = Field(
        "grpc",
        description="Judge for refinement: none, grpc (reward-judge at judge_target) or local "
        "(the deterministic judge in this process).",
    )
    judge_target: str = Field(
        "127.0.0.1:50064", description="host:port of reward-judge (judge_backend=grpc)."
    )
    judge_timeout_s: float = Field(180.0, gt=0, description="Deadline of one judge call.")
    research: ResearchSettings = Field(
        default_factory=ResearchSettings,
        description="Research loop: subtasks, top_k, refinement rounds, concurrency, thresholds.",
    )
    store_documents: bool = Field(
        True, description="Store harvested documents in the artifact store (artifact_url) on Research too."
    )
    consume: bool = Field(True, description="Consume chemicals.registered (False: gRPC only).")
    consumer_group: str = Field("web-agents", description="Kafka consumer group for chemicals.registered.")
    research_timeout_s: float = Field(1800.0, gt=0, description="Longest research one event may take.")


def build_backends(settings: WebAgentsSettings, embedder) -> dict:
    backends: dict = {}
    if settings.search_backend in ("corpus", "both"):
        backends["corpus"] = CorpusSearchBackend(
            embedder, candidate_documents=settings.corpus_candidate_documents
        )
    if settings.search_backend in ("serpapi", "both"):
        backends["serpapi"] = HttpFetchBackend(
            SerpApiSearchBackend(settings.serpapi), SafeFetcher(settings.fetch)
        )
    return backends


def build_llm(settings: WebAgentsSettings):
    if settings.llm_backend == "none":
        return None

    def build_grpc():
        from autochem.inference.backends.grpc_client import GrpcSlmBackend

        return GrpcSlmBackend(
            settings.llm_target, timeout_s=settings.llm_timeout_s, model_version=settings.llm_model_version
        )

    return LazyGenerationBackend(build_grpc, f"slm-inference at {settings.llm_target}")


def build_judge(settings: WebAgentsSettings):
    if settings.judge_backend == "none":
        return None
    if settings.judge_backend == "grpc":

        def build_grpc():
            from autochem.judging.client import GrpcJudgeClient

            return GrpcJudgeClient(settings.judge_target, timeout_s=settings.judge_timeout_s)

        return LazyJudge(build_grpc, f"reward-judge at {settings.judge_target}")

    def build_local():
        from autochem.judging.deterministic import DeterministicJudge

        return DeterministicJudge()

    return LazyJudge(build_local, "deterministic judge")


def main() -> None:
    settings = WebAgentsSettings()
    store = ArtifactStore(settings.resolved_artifact_url())
    servicer = WebAgentsServicer(store=store if settings.store_documents else None)
    state: dict = {}

    async def ready() -> None:
        embedder = await asyncio.to_thread(shared_embedder, settings.embedding)
        backends = build_backends(settings, embedder)
        corpus = backends.get("corpus")
        if corpus is not None:
            await corpus.warm(all_chunks=settings.corpus_warm_all_chunks)
        agent = MetaAgent(
            embedder,
            backends,
            llm=build_llm(settings),
            judge=build_judge(settings),
            settings=settings.research,
            llm_name=settings.llm_backend,
            judge_name=settings.judge_backend,
        )
        servicer.attach(agent)
        state.update(agent=agent, loop=asyncio.get_running_loop())

    def consumers(runtime: ServiceRuntime):
        if not settings.consume:
            return []
        handler = ChemicalRegisteredHandler(
            state["agent"],
            state["loop"],
            runtime.artifacts,
            lambda event, key: runtime.publisher.publish(
                TOPICS["documents.harvested"], event, key=event.chemical, idempotency_key=key
            ),
            timeout_s=settings.research_timeout_s,
        )
        return [
            EventConsumer(
                settings.kafka,
                settings.consumer_group,
                [TOPICS["chemicals.registered"]],
                handler,
                runtime.engine,
                service_name=settings.service_name,
            )
        ]

    run_service(
        settings,
        register=lambda server: server.add(servicer, web_agents_pb2_grpc.add_WebAgentsServicer_to_server),
        consumers=consumers,
        ready=ready,
    )


if __name__ == "__main__":
    main()
