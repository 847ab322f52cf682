"""Builds the knowledge pipeline's parts from one settings model (shared by kg-builder and the CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from autochem.knowledge.builder import ChunkNoteWriter, KgBuildSettings, KnowledgeGraphBuilder
from autochem.knowledge.embeddings import EmbeddingSettings, shared_embedder
from autochem.knowledge.extraction import CombinedExtractor, DomainTripleExtractor, LlmTripleExtractor
from autochem.knowledge.retrieval import GraphRagRetriever, RetrievalSettings
from autochem.knowledge.summarize import DigestSummarizer, LlmSummarizer


class KnowledgeSettings(BaseModel):
    store: Literal["ladybug", "neo4j"] = Field(
        "ladybug", description="Graph store: embedded ladybug or Neo4j."
    )
    ladybug_path: Path = Field(
        Path(".autochem/kg/graph.lbug"), description="Directory file of the embedded graph DB."
    )
    neo4j_uri: str = Field("bolt://127.0.0.1:7687", description="Neo4j Bolt URI (store=neo4j).")
    neo4j_user: str = Field("neo4j", description="Neo4j user (store=neo4j).")
    neo4j_password: SecretStr = Field(SecretStr(""), description="Neo4j password (store=neo4j).")
    neo4j_database: str = Field("neo4j", description="Neo4j database name (store=neo4j).")
    extractor: Literal["domain", "llm", "domain+llm"] = Field(
        "domain",
        description="Triple extraction: the deterministic domain extractor, the language model (slm-inference), or both.",
    )
    chunk_notes: bool = Field(
        False,
        description="Enrich each chunk with an LLM-written note relating it to its document (slm-inference).",
    )
    summarizer: Literal["digest", "llm"] = Field(
        "digest",
        description="Community summaries: deterministic digest, or language-model prose plus the digest.",
    )
    llm_target: str = Field("127.0.0.1:50067", description="slm-inference host:port for the LLM steps.")
    llm_timeout_s: float = Field(120.0, gt=0, description="Deadline of one LLM call.")
    build: KgBuildSettings = Field(
        default_factory=KgBuildSettings, description="Chunking, canonicalization, communities."
    )
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, description="Graph RAG parameters."
    )
    embedding: EmbeddingSettings = Field(
        default_factory=EmbeddingSettings, description="Sentence embedding model."
    )


def make_store(settings: KnowledgeSettings):
    if settings.store == "neo4j":
        from autochem.knowledge.store.neo4j_store import Neo4jGraphStore

        store = Neo4jGraphStore(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
        )
    else:
        from autochem.knowledge.store.ladybug_store import LadybugGraphStore

        store = LadybugGraphStore(settings.ladybug_path)
    store.ensure_schema()
    return store


def make_llm(settings: KnowledgeSettings):
    from autochem.inference.backends.grpc_client import GrpcSlmBackend

    return GrpcSlmBackend(settings.llm_target, timeout_s=settings.llm_timeout_s)


def make_builder(settings: KnowledgeSettings, store, *, llm=None) -> KnowledgeGraphBuilder:
    embedder = shared_embedder(settings.embedding)
    needs_llm = settings.extractor != "domain" or settings.summarizer == "llm" or settings.chunk_notes
    if needs_llm and llm is None:
        llm = make_llm(settings)
    domain = DomainTripleExtractor()
    extractor = {
        "domain": lambda: domain,
        "llm": lambda: LlmTripleExtractor(llm),
        "domain+llm": lambda: CombinedExtractor([domain, LlmTripleExtractor(llm)]),
    }[settings.extractor]()
    summarizer = LlmSummarizer(llm) if settings.summarizer == "llm" else DigestSummarizer()
    notes = ChunkNoteWriter(llm) if settings.chunk_notes else None
    return KnowledgeGraphBuilder(
        store, embedder, extractor, summarizer, settings.build, resolver=domain.resolver, note_writer=notes
    )


def make_retriever(
    settings: KnowledgeSettings, store, builder: KnowledgeGraphBuilder | None = None
) -> GraphRagRetriever:
    return GraphRagRetriever(
        store,
        shared_embedder(settings.embedding),
        settings.retrieval,
        resolver=builder.resolver if builder else None,
    )
