"""Graph RAG retrieval: a grounded, cited context for a query.

Global path (the method): rank communities by cosine(query, summary embedding), take the top K,
and build the query subgraph from their entities, relations and source chunks. Local path: entities
named in the query (by name, surface form or CAS) and their neighbourhoods. Source chunks from both
paths, plus the chunks nearest the query, are ranked by cosine to the query; the best ones are
returned with the facts they support. Every fact carries the chunk it came from and that chunk's
document — the citation.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, Field

from autochem.errors import InvalidArgument
from autochem.knowledge.builder import enriched_chunk_text
from autochem.knowledge.chemnames import ChemicalNameResolver
from autochem.knowledge.embeddings import Embedder
from autochem.knowledge.store.base import GraphStore

MAX_QUERY_CHARS = 2000


class RetrievalSettings(BaseModel):
    top_k_communities: int = Field(5, ge=1, le=100, description="K: communities ranked by summary cosine.")
    max_chunks: int = Field(5, ge=1, le=100, description="Source chunks returned in the context.")
    max_facts: int = Field(40, ge=0, le=1000, description="Relations returned in the context.")
    dense_candidates: int = Field(
        20, ge=0, le=500, description="Chunks nearest the query added as candidates."
    )
    graph_candidates: int = Field(
        40, ge=1, le=1000, description="Source chunks taken from the query subgraph."
    )
    graph_bonus: float = Field(0.03, ge=0, le=1, description="Score added to chunks the subgraph supports.")
    entity_bonus: float = Field(
        0.06, ge=0, le=1, description="Score added to chunks that mention an entity named in the query."
    )
    community_level: int = Field(-1, ge=-1, description="Community level to rank (-1: leaf communities).")


@dataclass
class Citation:
    index: int
    doc_id: str
    title: str
    source_url: str


@dataclass
class Fact:
    subject: str
    predicate: str
    object: str
    chunk_id: str
    citation: int  # index into citations


@dataclass
class RetrievedChunk:
    chunk_id: str
    doc_id: str
    title: str
    section: str
    text: str
    score: float
    citation: int


@dataclass
class RetrievedContext:
    query: str
    communities: list[tuple[str, float, str]] = field(default_factory=list)  # id, score, title
    entities: list[str] = field(default_factory=list)  # entities named in the query (local search)
    chunks: list[RetrievedChunk] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)

    def as_prompt_context(self) -> str:
        """Numbered sources and facts, for a language model (citations as [n])."""
        lines = ["Sources:"]
        for c in self.chunks:
            lines.append(f"[{c.citation}] {c.title} — {c.section}: {c.text}")
        if self.facts:
            lines.append("Facts:")
            lines.extend(
                f"- {f.subject} {f.predicate.replace('_', ' ')} {f.object} [{f.citation}]" for f in self.facts
            )
        return "\n".join(lines)


class GraphRagRetriever:
    def __init__(
        self,
        store: GraphStore,
        embedder: Embedder,
        settings: RetrievalSettings | None = None,
        resolver: ChemicalNameResolver | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings or RetrievalSettings()
        self.resolver = resolver or ChemicalNameResolver()
        self._lock = threading.Lock()
        self.refresh()

    def refresh(self) -> None:
        """Reload the vectors and the name index after the graph changed."""
        cids, levels, cvecs = self.store.community_vectors()
        state_rows = self.store._rows("MATCH (c:Community) RETURN c.id, c.parent, c.title")
        parents = {r[1] for r in state_rows if r[1]}
        titles = {r[0]: r[2] for r in state_rows}
        level = self.settings.community_level
        keep = [
            i
            for i, (cid, lv) in enumerate(zip(cids, levels, strict=True))
            if (cid not in parents if level < 0 else lv == level)
        ]
        chunk_ids, chunk_vecs = self.store.chunk_vectors()
        names: dict[str, str] = {}
        for key, name, surfaces in self.store._rows(
            "MATCH (e:Entity) WHERE e.type IN $types RETURN e.id, e.name, e.surfaces",
            {"types": ["chemical", "process", "catalyst"]},
        ):
            for n in {name, *_json_list(surfaces)}:
                if len(n) >= 3:
                    names.setdefault(n.lower(), key)
        with self._lock:
            self._community_ids = [cids[i] for i in keep]
            self._community_vecs = (
                cvecs[keep]
                if len(keep)
                else np.zeros((0, cvecs.shape[1] if cvecs.ndim == 2 else 384), np.float32)
            )
            self._community_titles = titles
            self._chunk_ids = chunk_ids
            self._chunk_vecs = chunk_vecs
            self._chunk_row = {c: i for i, c in enumerate(chunk_ids)}
            self._names = names
            self._name_pattern = (
                re.compile(
                    r"(?<![\w-])("
                    + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                    + r")(?![\w-])",
                    re.I,
                )
                if names
                else None
            )

    def named_entities(self, query: str) -> list[str]:
        with self._lock:
            pattern, names = self._name_pattern, self._names
        keys = []
        if pattern is not None:
            for m in pattern.finditer(query):
                key = names.get(m.group(1).lower())
                if key and key not in keys:
                    keys.append(key)
        return keys

    def retrieve(
        self, query: str, *, top_k: int | None = None, max_chunks: int | None = None
    ) -> RetrievedContext:
        query = (query or "").strip()
        if not query:
            raise InvalidArgument("query", "is empty")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidArgument("query", f"{len(query)} characters exceeds the limit of {MAX_QUERY_CHARS}")
        s = self.settings
        top_k = top_k or s.top_k_communities
        max_chunks = max_chunks or s.max_chunks
        qv = self.embedder.embed([query])[0]
        ctx = RetrievedContext(query=query)
        with self._lock:
            cids, cvecs, titles = self._community_ids, self._community_vecs, self._community_titles
            chunk_ids, chunk_vecs, chunk_row = self._chunk_ids, self._chunk_vecs, self._chunk_row
        # Global: communities by summary cosine.
        if len(cids):
            scores = cvecs @ qv
            order = np.argsort(-scores)[:top_k]
            ctx.communities = [(cids[i], float(scores[i]), titles.get(cids[i], "")) for i in order]
        sub = self.store.community_subgraph(
            [c for c, _, _ in ctx.communities], max_chunks=s.graph_candidates, max_relations=s.max_facts * 4
        )
        # Local: entities named in the query.
        ctx.entities = self.named_entities(query)
        local = (
            self.store.entity_neighbourhood(
                ctx.entities, max_chunks=s.graph_candidates, max_relations=s.max_facts * 2
            )
            if ctx.entities
            else None
        )
        candidates: dict[str, float] = {}
        for c in sub.chunks:
            candidates[c["chunk_id"]] = s.graph_bonus
        local_chunks = {c["chunk_id"] for c in local.chunks} if local else set()
        for cid in local_chunks:
            candidates[cid] = candidates.get(cid, 0.0) + s.entity_bonus
        dense = chunk_vecs @ qv if len(chunk_ids) else np.zeros(0)
        for i in np.argsort(-dense)[: s.dense_candidates]:
            candidates.setdefault(chunk_ids[i], 0.0)
        scored = sorted(
            (
                (float(dense[chunk_row[c]]) + bonus if c in chunk_row else bonus, c)
                for c, bonus in candidates.items()
            ),
            key=lambda x: (-x[0], x[1]),
        )[:max_chunks]
        rows = {r["chunk_id"]: r for r in self.store.chunks_by_id([c for _, c in scored])}
        cite: dict[str, int] = {}
        for score, cid in scored:
            row = rows.get(cid)
            if row is None:
                continue
            n = cite.setdefault(row["doc_id"], len(cite) + 1)
            if n == len(ctx.citations) + 1:
                ctx.citations.append(Citation(n, row["doc_id"], row["title"], row["source_url"]))
            ctx.chunks.append(
                RetrievedChunk(
                    cid, row["doc_id"], row["title"], row["section"], row["text"], round(score, 4), n
                )
            )
        # Facts: those supported by returned chunks first, then the rest of the subgraph (each cited).
        relations = sub.relations + (local.relations if local else [])
        returned = {c.chunk_id for c in ctx.chunks}
        relations.sort(
            key=lambda r: (r["chunk_id"] not in returned, r["predicate"] in ("related_to", "involves"))
        )
        extra_rows = {
            r["chunk_id"]: r
            for r in self.store.chunks_by_id(
                sorted({r["chunk_id"] for r in relations[: s.max_facts]} - set(rows))
            )
        }
        rows.update(extra_rows)
        seen = set()
        for r in relations:
            if len(ctx.facts) >= s.max_facts:
                break
            key = (r["subject"], r["predicate"], r["object"])
            row = rows.get(r["chunk_id"])
            if key in seen or row is None:
                continue
            seen.add(key)
            n = cite.setdefault(row["doc_id"], len(cite) + 1)
            if n == len(ctx.citations) + 1:
                ctx.citations.append(Citation(n, row["doc_id"], row["title"], row["source_url"]))
            ctx.facts.append(Fact(r["subject"], r["predicate"], r["object"], r["chunk_id"], n))
        return ctx


def _json_list(text: str) -> list[str]:
    import json

    try:
        return [str(x) for x in json.loads(text or "[]")]
    except (ValueError, TypeError):
        return []


__all__ = ["GraphRagRetriever", "RetrievalSettings", "RetrievedContext", "enriched_chunk_text"]
