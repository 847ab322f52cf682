"""Retrieval recall@k over the labelled queries: is a chunk of the right chemical's document in the top k?

    .venv/bin/python benchmarks/eval_retrieval.py [--k 5] [--graph PATH]

Builds the graph from the corpus into a scratch directory unless --graph points at a built one.
Also checks that every returned fact carries a source, and reports canonicalization precision and recall
on the labelled entity pairs (aliases that must merge, near-names that must not).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from autochem.knowledge.canonicalize import Canonicalizer
from autochem.knowledge.corpus import (
    CORPUS_URI_SCHEME,
    load_canonicalization_pairs,
    load_retrieval_queries,
)
from autochem.knowledge.embeddings import shared_embedder
from autochem.knowledge.factory import KnowledgeSettings, make_builder, make_retriever, make_store


def evaluate(retriever, queries, k: int) -> dict:
    hits, misses, unsourced = 0, [], 0
    by_kind = {"named": [0, 0], "unnamed": [0, 0]}
    for n, q in enumerate(queries):
        ctx = retriever.retrieve(q.query, max_chunks=k)
        want = f"{CORPUS_URI_SCHEME}chematlas/{q.chemical}"
        ok = any(c.doc_id == want for c in ctx.chunks[:k])
        unsourced += sum(
            1
            for f in ctx.facts
            if not (1 <= f.citation <= len(ctx.citations)) or not ctx.citations[f.citation - 1].source_url
        )
        kind = (
            "named" if n % 2 == 0 else "unnamed"
        )  # the files alternate: query 1 names the chemical, query 2 does not
        by_kind[kind][0] += ok
        by_kind[kind][1] += 1
        hits += ok
        if not ok:
            misses.append(
                {
                    "query": q.query,
                    "want": q.chemical,
                    "got": [c.doc_id.rsplit("/", 1)[-1] for c in ctx.chunks[:k]],
                }
            )
    return {
        "queries": len(queries),
        f"recall@{k}": round(hits / max(len(queries), 1), 4),
        "recall_named": round(by_kind["named"][0] / max(by_kind["named"][1], 1), 4),
        "recall_unnamed": round(by_kind["unnamed"][0] / max(by_kind["unnamed"][1], 1), 4),
        "facts_without_source": unsourced,
        "misses": misses,
    }


def canonicalization(pairs) -> dict:
    """Precision and recall of ``Canonicalizer.same_entity`` on labelled pairs, with the wrong calls."""
    canon = Canonicalizer(shared_embedder())
    tp = fp = fn = 0
    wrong = []
    for pair in pairs:
        same = canon.same_entity(pair.a, pair.b)
        tp += same and pair.same
        fp += same and not pair.same
        fn += (not same) and pair.same
        if same != pair.same:
            wrong.append({"a": pair.a, "b": pair.b, "labelled_same": pair.same})
    return {
        "pairs": len(pairs),
        "must_merge": sum(p.same for p in pairs),
        "precision": round(tp / max(tp + fp, 1), 4),
        "recall": round(tp / max(tp + fn, 1), 4),
        "wrong": wrong,
    }


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--graph", type=Path, default=None)
    args = ap.parse_args()
    graph = args.graph or Path(tempfile.mkdtemp()) / "graph.lbug"
    settings = KnowledgeSettings(ladybug_path=graph)
    store = make_store(settings)
    if args.graph is None:
        from autochem.jobs.kg_jobs import corpus_documents

        t0 = time.perf_counter()
        await make_builder(settings, store).ingest(corpus_documents())
        print(f"built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    result = evaluate(make_retriever(settings, store), load_retrieval_queries(), args.k)
    result["canonicalization"] = canonicalization(load_canonicalization_pairs())
    print(json.dumps(result, indent=2))
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
