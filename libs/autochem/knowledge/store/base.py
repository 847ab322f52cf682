"""The graph-store interface and the Cypher both stores share.

Every value reaches the database as a query parameter; labels, relationship types and property
names are constants of this module, never built from input. Writes are batched ``UNWIND $rows``
statements. Schema (nodes): Document, Chunk, Entity, Community; (relationships) PART_OF
chunk→document, MENTIONED_IN entity→chunk (provenance), RELATES entity→entity (predicate, chunk),
IN_COMMUNITY entity→community, CHILD_OF community→community.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from autochem.knowledge.graph import (
    ChunkRecord,
    CommunityRecord,
    DocumentRecord,
    EntityRecord,
    GraphDiff,
    GraphState,
)

NODE_LABELS = ("Document", "Chunk", "Entity", "Community")
REL_TYPES = ("PART_OF", "MENTIONED_IN", "RELATES", "IN_COMMUNITY", "CHILD_OF")
DEFAULT_BATCH = 2000


@dataclass
class Vectors:
    """Embeddings to store alongside the records of a diff (id → vector)."""

    chunks: dict[str, np.ndarray]
    entities: dict[str, np.ndarray]
    communities: dict[str, np.ndarray]


@dataclass
class Subgraph:
    entities: list[dict[str, Any]]
    relations: list[dict[str, Any]]  # subject, predicate, object, chunk_id
    chunks: list[dict[str, Any]]  # chunk_id, doc_id, text, section, title, source_url


class GraphStore(Protocol):
    name: str

    def ensure_schema(self) -> None: ...
    def load_state(self) -> GraphState: ...
    def apply(self, diff: GraphDiff, vectors: Vectors) -> None: ...
    def community_vectors(self) -> tuple[list[str], list[int], np.ndarray]: ...
    def chunk_vectors(self) -> tuple[list[str], np.ndarray]: ...
    def community_subgraph(self, community_ids: Sequence[str], *, max_chunks: int) -> Subgraph: ...
    def entity_neighbourhood(self, entity_keys: Sequence[str], *, max_chunks: int) -> Subgraph: ...
    def chunks_by_id(self, chunk_ids: Sequence[str]) -> list[dict[str, Any]]: ...
    def counts(self) -> dict[str, int]: ...
    def schema(self) -> list[str]: ...
    def close(self) -> None: ...


def batched(rows: Sequence[Any], size: int = DEFAULT_BATCH) -> Iterable[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def vec(v: np.ndarray | None, dim: int) -> list[float]:
    return [0.0] * dim if v is None else [float(x) for x in v]


# --- statements shared by both stores (Cypher subset both dialects accept) ---------------------------

DELETE_RELATIONS = (
    "UNWIND $rows AS r MATCH (a:Entity {id: r.s})-[x:RELATES]->(b:Entity {id: r.o}) "
    "WHERE x.predicate = r.p AND x.chunk = r.c DELETE x"
)
DELETE_MENTIONS = (
    "UNWIND $rows AS r MATCH (e:Entity {id: r.e})-[x:MENTIONED_IN]->(c:Chunk {id: r.c}) DELETE x"
)
DELETE_NODES = {
    label: f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) DETACH DELETE n" for label in NODE_LABELS
}
ADD_RELATIONS = (
    "UNWIND $rows AS r MATCH (a:Entity {id: r.s}), (b:Entity {id: r.o}) "
    "CREATE (a)-[:RELATES {predicate: r.p, chunk: r.c}]->(b)"
)
ADD_MENTIONS = (
    "UNWIND $rows AS r MATCH (e:Entity {id: r.e}), (c:Chunk {id: r.c}) CREATE (e)-[:MENTIONED_IN]->(c)"
)
LINK_CHUNKS = (
    "UNWIND $rows AS r MATCH (c:Chunk {id: r.id}), (d:Document {id: r.doc_id}) MERGE (c)-[:PART_OF]->(d)"
)
CLEAR_COMMUNITY_LINKS = "UNWIND $ids AS i MATCH (c:Community {id: i})<-[x:IN_COMMUNITY]-(:Entity) DELETE x"
LINK_COMMUNITY_MEMBERS = (
    "UNWIND $rows AS r MATCH (e:Entity {id: r.e}), (c:Community {id: r.c}) CREATE (e)-[:IN_COMMUNITY]->(c)"
)
LINK_COMMUNITY_PARENTS = "UNWIND $rows AS r MATCH (c:Community {id: r.id}), (p:Community {id: r.parent}) MERGE (c)-[:CHILD_OF]->(p)"

READ_DOCUMENTS = "MATCH (d:Document) RETURN d.id, d.title, d.source_url, d.chemical, d.sha256"
READ_CHUNKS = "MATCH (c:Chunk) RETURN c.id, c.doc_id, c.idx, c.text, c.section, c.extraction, c.note"
READ_ENTITIES = "MATCH (e:Entity) RETURN e.id, e.name, e.type, e.cas, e.surfaces, e.attrs"
READ_RELATIONS = "MATCH (a:Entity)-[x:RELATES]->(b:Entity) RETURN a.id, x.predicate, b.id, x.chunk"
READ_MENTIONS = "MATCH (e:Entity)-[:MENTIONED_IN]->(c:Chunk) RETURN e.id, c.id"
READ_COMMUNITIES = (
    "MATCH (c:Community) RETURN c.id, c.level, c.parent, c.members, c.title, c.summary, c.signature"
)
READ_COMMUNITY_VECTORS = "MATCH (c:Community) RETURN c.id, c.level, c.emb"
READ_CHUNK_VECTORS = "MATCH (c:Chunk) RETURN c.id, c.emb"
SUBGRAPH_ENTITIES = "MATCH (e:Entity)-[:IN_COMMUNITY]->(c:Community) WHERE c.id IN $ids RETURN DISTINCT e.id, e.name, e.type, e.cas"
SUBGRAPH_RELATIONS = (
    "MATCH (a:Entity)-[x:RELATES]->(b:Entity) WHERE a.id IN $keys AND b.id IN $keys "
    "RETURN a.name, x.predicate, b.name, x.chunk LIMIT $limit"
)
ENTITY_ROWS = "MATCH (e:Entity) WHERE e.id IN $keys RETURN e.id, e.name, e.type, e.cas"
NEIGHBOUR_RELATIONS = (
    "MATCH (a:Entity)-[x:RELATES]-(b:Entity) WHERE a.id IN $keys "
    "RETURN a.name, x.predicate, b.name, x.chunk LIMIT $limit"
)
SOURCE_CHUNKS = (
    "MATCH (e:Entity)-[:MENTIONED_IN]->(c:Chunk)-[:PART_OF]->(d:Document) WHERE e.id IN $keys "
    "RETURN c.id, count(e) AS hits ORDER BY hits DESC, c.id LIMIT $limit"
)
CHUNK_ROWS = (
    "MATCH (c:Chunk)-[:PART_OF]->(d:Document) WHERE c.id IN $ids "
    "RETURN c.id, c.doc_id, c.text, c.section, d.title, d.source_url, c.idx"
)
COUNT_NODES = {label: f"MATCH (n:{label}) RETURN count(n)" for label in NODE_LABELS}
COUNT_RELS = {rel: f"MATCH ()-[r:{rel}]->() RETURN count(r)" for rel in REL_TYPES}


def state_from_rows(docs, chunks, entities, relations, mentions, communities) -> GraphState:
    state = GraphState()
    for r in docs:
        state.documents[r[0]] = DocumentRecord(*[x or "" for x in r])
    for r in chunks:
        state.chunks[r[0]] = ChunkRecord(r[0], r[1], int(r[2]), r[3], r[4] or "", r[5] or "", r[6] or "")
    for r in entities:
        state.entities[r[0]] = EntityRecord(
            r[0], r[1], r[2], r[3] or "", tuple(json.loads(r[4] or "[]")), r[5] or "{}"
        )
    state.relations = {(r[0], r[1], r[2], r[3]) for r in relations}
    state.mentions = {(r[0], r[1]) for r in mentions}
    for r in communities:
        state.communities[r[0]] = CommunityRecord(
            r[0], int(r[1]), r[2] or "", tuple(json.loads(r[3] or "[]")), r[4] or "", r[5] or "", r[6] or ""
        )
    return state


def entity_row(e: EntityRecord, v) -> dict[str, Any]:
    return {
        "id": e.key,
        "name": e.name,
        "type": e.type,
        "cas": e.cas,
        "surfaces": json.dumps(sorted(e.surfaces)),
        "attrs": e.attrs,
        "emb": v,
    }


def community_row(c: CommunityRecord, v) -> dict[str, Any]:
    return {
        "id": c.community_id,
        "level": c.level,
        "parent": c.parent_id,
        "members": json.dumps(list(c.members)),
        "title": c.title,
        "summary": c.summary,
        "signature": c.signature,
        "emb": v,
        "size": len(c.members),
    }


def chunk_row(c: ChunkRecord, v) -> dict[str, Any]:
    return {
        "id": c.chunk_id,
        "doc_id": c.doc_id,
        "idx": c.index,
        "text": c.text,
        "section": c.section,
        "extraction": c.extraction,
        "note": c.note,
        "emb": v,
    }


def document_row(d: DocumentRecord) -> dict[str, Any]:
    return {
        "id": d.doc_id,
        "title": d.title,
        "source_url": d.source_url,
        "chemical": d.chemical,
        "sha256": d.sha256,
    }


UPSERT = {
    "Document": "UNWIND $rows AS r MERGE (n:Document {id: r.id}) "
    "SET n.title = r.title, n.source_url = r.source_url, n.chemical = r.chemical, n.sha256 = r.sha256",
    "Chunk": "UNWIND $rows AS r MERGE (n:Chunk {id: r.id}) SET n.doc_id = r.doc_id, n.idx = r.idx, "
    "n.text = r.text, n.section = r.section, n.extraction = r.extraction, n.note = r.note, n.emb = r.emb",
    "Entity": "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) SET n.name = r.name, n.type = r.type, "
    "n.cas = r.cas, n.surfaces = r.surfaces, n.attrs = r.attrs, n.emb = r.emb",
    "Community": "UNWIND $rows AS r MERGE (n:Community {id: r.id}) SET n.level = r.level, n.parent = r.parent, "
    "n.members = r.members, n.title = r.title, n.summary = r.summary, n.signature = r.signature, "
    "n.emb = r.emb, n.size = r.size",
}


class CypherGraphStore:
    """Store logic written once over ``_run``/``_rows``; subclasses supply the connection and DDL."""

    name = "cypher"
    dim: int = 384
    batch_size: int = DEFAULT_BATCH

    def _run(self, query: str, params: dict[str, Any] | None = None) -> None:
        raise NotImplementedError

    def _rows(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        raise NotImplementedError

    def _write_batches(self, query: str, rows: Sequence[Any], key: str = "rows") -> None:
        for part in batched(list(rows), self.batch_size):
            self._run(query, {key: list(part)})

    def load_state(self) -> GraphState:
        return state_from_rows(
            self._rows(READ_DOCUMENTS),
            self._rows(READ_CHUNKS),
            self._rows(READ_ENTITIES),
            self._rows(READ_RELATIONS),
            self._rows(READ_MENTIONS),
            self._rows(READ_COMMUNITIES),
        )

    def apply(self, diff: GraphDiff, vectors: Vectors) -> None:
        d = self.dim
        # Edges first (their endpoints must still exist), then nodes; then new nodes, then new edges.
        self._write_batches(
            DELETE_RELATIONS,
            [{"s": s, "p": p, "o": o, "c": c} for s, p, o, c in sorted(diff.delete_relations)],
        )
        self._write_batches(DELETE_MENTIONS, [{"e": e, "c": c} for e, c in sorted(diff.delete_mentions)])
        self._write_batches(DELETE_NODES["Community"], sorted(diff.delete_communities), key="ids")
        self._write_batches(DELETE_NODES["Entity"], sorted(diff.delete_entities), key="ids")
        self._write_batches(DELETE_NODES["Chunk"], sorted(diff.delete_chunks), key="ids")
        self._write_batches(DELETE_NODES["Document"], sorted(diff.delete_documents), key="ids")
        self._write_batches(UPSERT["Document"], [document_row(x) for x in diff.upsert_documents])
        self._write_batches(
            UPSERT["Chunk"],
            [chunk_row(x, vec(vectors.chunks.get(x.chunk_id), d)) for x in diff.upsert_chunks],
        )
        self._write_batches(LINK_CHUNKS, [{"id": x.chunk_id, "doc_id": x.doc_id} for x in diff.upsert_chunks])
        self._write_batches(
            UPSERT["Entity"],
            [entity_row(x, vec(vectors.entities.get(x.key), d)) for x in diff.upsert_entities],
        )
        self._write_batches(
            ADD_RELATIONS, [{"s": s, "p": p, "o": o, "c": c} for s, p, o, c in sorted(diff.add_relations)]
        )
        self._write_batches(ADD_MENTIONS, [{"e": e, "c": c} for e, c in sorted(diff.add_mentions)])
        changed = [x for x in diff.upsert_communities]
        self._write_batches(CLEAR_COMMUNITY_LINKS, [x.community_id for x in changed], key="ids")
        self._write_batches(
            UPSERT["Community"],
            [community_row(x, vec(vectors.communities.get(x.community_id), d)) for x in changed],
        )
        self._write_batches(
            LINK_COMMUNITY_MEMBERS, [{"e": m, "c": x.community_id} for x in changed for m in x.members]
        )
        self._write_batches(
            LINK_COMMUNITY_PARENTS,
            [{"id": x.community_id, "parent": x.parent_id} for x in changed if x.parent_id],
        )

    def community_vectors(self) -> tuple[list[str], list[int], np.ndarray]:
        rows = self._rows(READ_COMMUNITY_VECTORS)
        if not rows:
            return [], [], np.zeros((0, self.dim), dtype=np.float32)
        return (
            [r[0] for r in rows],
            [int(r[1]) for r in rows],
            np.asarray([r[2] for r in rows], dtype=np.float32),
        )

    def chunk_vectors(self) -> tuple[list[str], np.ndarray]:
        rows = self._rows(READ_CHUNK_VECTORS)
        if not rows:
            return [], np.zeros((0, self.dim), dtype=np.float32)
        return [r[0] for r in rows], np.asarray([r[1] for r in rows], dtype=np.float32)

    def community_subgraph(
        self, community_ids: Sequence[str], *, max_chunks: int, max_relations: int = 200
    ) -> Subgraph:
        ents = self._rows(SUBGRAPH_ENTITIES, {"ids": list(community_ids)})
        keys = [r[0] for r in ents]
        return self._subgraph(ents, keys, SUBGRAPH_RELATIONS, max_chunks, max_relations)

    def entity_neighbourhood(
        self, entity_keys: Sequence[str], *, max_chunks: int, max_relations: int = 200
    ) -> Subgraph:
        ents = self._rows(ENTITY_ROWS, {"keys": list(entity_keys)})
        return self._subgraph(ents, [r[0] for r in ents], NEIGHBOUR_RELATIONS, max_chunks, max_relations)

    def _subgraph(self, ents, keys, relation_query, max_chunks, max_relations) -> Subgraph:
        rels = self._rows(relation_query, {"keys": keys, "limit": max_relations}) if keys else []
        chunk_ids = (
            [r[0] for r in self._rows(SOURCE_CHUNKS, {"keys": keys, "limit": max_chunks})] if keys else []
        )
        return Subgraph(
            entities=[{"key": r[0], "name": r[1], "type": r[2], "cas": r[3]} for r in ents],
            relations=[{"subject": r[0], "predicate": r[1], "object": r[2], "chunk_id": r[3]} for r in rels],
            chunks=self.chunks_by_id(chunk_ids),
        )

    def chunks_by_id(self, chunk_ids: Sequence[str]) -> list[dict[str, Any]]:
        if not chunk_ids:
            return []
        rows = self._rows(CHUNK_ROWS, {"ids": list(chunk_ids)})
        order = {c: i for i, c in enumerate(chunk_ids)}
        rows.sort(key=lambda r: order.get(r[0], 0))
        return [
            {
                "chunk_id": r[0],
                "doc_id": r[1],
                "text": r[2],
                "section": r[3],
                "title": r[4],
                "source_url": r[5],
                "index": r[6],
            }
            for r in rows
        ]

    def counts(self) -> dict[str, int]:
        out = {label: int(self._rows(q)[0][0]) for label, q in COUNT_NODES.items()}
        out.update({rel: int(self._rows(q)[0][0]) for rel, q in COUNT_RELS.items()})
        return out
