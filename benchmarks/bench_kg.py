"""Knowledge-graph benchmark: build throughput on the corpus, retrieval latency at the paper's scale.

    .venv/bin/python benchmarks/bench_kg.py [--queries 200] [--skip-build]

1. Build: the ChemAtlas corpus from scratch into a scratch ladybug store (domain extractor, digest
   summaries), in chunks/s, next to the baseline of a plain vector index (chunk + embed only) in the
   same run.
2. Retrieval: a generated graph of ~10,600 nodes and ~30,000 edges (entities, chunks, documents,
   communities found by hierarchical Leiden) in the embedded store; Graph RAG latency p50/p95 next to
   the baseline of dense-only chunk search over the same store, as a ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from autochem.knowledge.builder import graph_version  # noqa: F401  (import cost paid before timing)
from autochem.knowledge.chunking import chunk_document
from autochem.knowledge.communities import CommunitySettings, hierarchical_leiden
from autochem.knowledge.corpus import load_retrieval_queries
from autochem.knowledge.embeddings import shared_embedder
from autochem.knowledge.factory import KnowledgeSettings, make_builder, make_retriever, make_store
from autochem.knowledge.graph import ChunkRecord, CommunityRecord, DocumentRecord, EntityRecord, GraphDiff
from autochem.knowledge.store.base import Vectors


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


async def bench_build(workdir: Path) -> dict:
    from autochem.jobs.kg_jobs import corpus_documents

    docs = corpus_documents()
    embedder = shared_embedder()
    embedder.embed(["warm-up"])
    # Baseline: a plain vector index (chunk + embed), with a cold cache like the graph build.
    embedder._cache.clear()
    t0 = time.perf_counter()
    chunks = [c for d in docs for c in chunk_document(d)]
    embedder.embed([f"{c.section}: {c.text}" for c in chunks])
    baseline_s = time.perf_counter() - t0
    embedder._cache.clear()
    settings = KnowledgeSettings(ladybug_path=workdir / "build.lbug")
    store = make_store(settings)
    t0 = time.perf_counter()
    report = await make_builder(settings, store).ingest(docs)
    build_s = time.perf_counter() - t0
    counts = store.counts()
    store.close()
    return {
        "documents": len(docs),
        "chunks": report.chunks_processed,
        "graph_build_s": round(build_s, 2),
        "graph_build_chunks_per_s": round(report.chunks_processed / build_s, 1),
        "baseline_vector_index_s": round(baseline_s, 2),
        "baseline_vector_index_chunks_per_s": round(len(chunks) / baseline_s, 1),
        "graph_build_time_ratio_vs_vector_index": round(build_s / baseline_s, 2),
        "stage_seconds": report.stage_seconds,
        "graph": counts,
    }


def generate_graph(
    store,
    *,
    entities: int = 8700,
    chunks: int = 1000,
    documents: int = 100,
    relations: int = 11200,
    seed: int = 11,
    dim: int = 384,
) -> dict:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)

    def unit(n):
        v = nrng.standard_normal((n, dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    groups = 300  # planted topics so communities exist
    ent_group = [rng.randrange(groups) for _ in range(entities)]
    by_group: dict[int, list[int]] = {}
    for i, g in enumerate(ent_group):
        by_group.setdefault(g, []).append(i)
    docs = [
        DocumentRecord(f"doc{d}", f"Document {d}", f"https://example.org/doc{d}", f"chem{d}", f"{d:064x}")
        for d in range(documents)
    ]
    chunk_recs = [
        ChunkRecord(
            f"c{c}",
            f"doc{c % documents}",
            c // documents,
            f"synthetic chunk {c} about topic {c % groups}",
            "Section",
            "{}",
        )
        for c in range(chunks)
    ]
    ent_recs = [
        EntityRecord(f"chemical:e{i}", f"entity {i}", "chemical", "", (f"entity {i}",), "{}")
        for i in range(entities)
    ]
    rels = set()
    while len(rels) < relations:
        a = rng.randrange(entities)
        b = rng.choice(by_group[ent_group[a]]) if rng.random() < 0.85 else rng.randrange(entities)
        if a != b:
            rels.add(
                (
                    f"chemical:e{a}",
                    rng.choice(["feeds", "converts_to", "related_to", "operates_at"]),
                    f"chemical:e{b}",
                    f"c{ent_group[a] % chunks}",
                )
            )
    mentions = {
        (f"chemical:e{i}", f"c{(ent_group[i] + k * groups) % chunks}")
        for i in range(entities)
        for k in range(1)
    }
    comms = hierarchical_leiden(
        [e.key for e in ent_recs],
        [(s, o, 1.0) for s, _, o, _ in rels],
        CommunitySettings(max_cluster_size=150, max_levels=2),
    )
    comm_recs = [
        CommunityRecord(
            c.community_id, c.level, c.parent_id, c.members, f"community {c.community_id}", "synthetic", "sig"
        )
        for c in comms
    ]
    cv, ev, qv = unit(len(chunk_recs)), unit(len(ent_recs)), unit(len(comm_recs))
    store.apply(
        GraphDiff(
            upsert_documents=docs,
            upsert_chunks=chunk_recs,
            upsert_entities=ent_recs,
            add_relations=rels,
            add_mentions=mentions,
            upsert_communities=comm_recs,
        ),
        Vectors(
            chunks={c.chunk_id: cv[i] for i, c in enumerate(chunk_recs)},
            entities={e.key: ev[i] for i, e in enumerate(ent_recs)},
            communities={c.community_id: qv[i] for i, c in enumerate(comm_recs)},
        ),
    )
    return store.counts()


def bench_retrieval(workdir: Path, n_queries: int) -> dict:
    settings = KnowledgeSettings(ladybug_path=workdir / "scale.lbug")
    store = make_store(settings)
    t0 = time.perf_counter()
    counts = generate_graph(store)
    load_s = time.perf_counter() - t0
    nodes = sum(counts[k] for k in ("Document", "Chunk", "Entity", "Community"))
    edges = sum(counts[k] for k in ("PART_OF", "MENTIONED_IN", "RELATES", "IN_COMMUNITY", "CHILD_OF"))
    retriever = make_retriever(settings, store)
    embedder = retriever.embedder
    queries = [q.query for q in load_retrieval_queries()]
    queries = (queries * (n_queries // len(queries) + 1))[:n_queries]
    embedder.embed(queries)  # embeddings cached: latency below is the graph's, not the encoder's
    graph_ms, dense_ms = [], []
    for q in queries[:10]:
        retriever.retrieve(q)  # warm-up
    for q in queries:
        t = time.perf_counter()
        retriever.retrieve(q)
        graph_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        qv = embedder.embed([q])[0]
        top = np.argsort(-(retriever._chunk_vecs @ qv))[:5]
        store.chunks_by_id([retriever._chunk_ids[i] for i in top])
        dense_ms.append((time.perf_counter() - t) * 1000)
    store.close()
    return {
        "nodes": nodes,
        "edges": edges,
        "graph_load_s": round(load_s, 1),
        "queries": len(queries),
        "graph_rag_p50_ms": round(pct(graph_ms, 50), 1),
        "graph_rag_p95_ms": round(pct(graph_ms, 95), 1),
        "baseline_dense_p50_ms": round(pct(dense_ms, 50), 1),
        "baseline_dense_p95_ms": round(pct(dense_ms, 95), 1),
        "graph_rag_p50_ratio_vs_dense": round(
            statistics.median(graph_ms) / max(statistics.median(dense_ms), 1e-6), 1
        ),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--skip-build", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-kg-"))
    result = {}
    if not args.skip_build:
        result["build"] = asyncio.run(bench_build(work))
    result["retrieval"] = bench_retrieval(work, args.queries)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
