"""The Neo4j graph store through a stand-in driver (no Neo4j server on this machine).

The stand-in records every ``execute_query`` call the store makes and answers the shared Cypher from
an embedded ladybug database, so the store's write and read paths run against a real Cypher engine:
the graph written through the Neo4j store reads back equal, every value travels as a parameter, writes
are batched UNWIND statements, and the schema step creates the constraints and indexes.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from autochem.knowledge.graph import (
    ChunkRecord,
    CommunityRecord,
    DocumentRecord,
    EntityRecord,
    GraphDiff,
)
from autochem.knowledge.store.base import NODE_LABELS, Vectors
from autochem.knowledge.store.ladybug_store import LadybugGraphStore
from autochem.knowledge.store.neo4j_store import Neo4jGraphStore

DIM = 8
HOSTILE_NAMES = [
    "x'}) MATCH (n) DETACH DELETE n //",
    '"}) DETACH DELETE n RETURN 1 //',
    "'; DROP TABLE Entity; --",
    "}) CREATE (:Evil {pwned: true}) //",
    "$rows",
]


class _Record:
    def __init__(self, values: list) -> None:
        self._values = values

    def values(self) -> list:
        return list(self._values)


class RecordingDriver:
    """Speaks the slice of ``neo4j.Driver`` the store uses; DDL is recorded, everything else runs on ladybug."""

    def __init__(self, backing: LadybugGraphStore) -> None:
        self.backing = backing
        self.calls: list[tuple[str, dict, str]] = []
        self.closed = False

    def execute_query(self, query: str, parameters_: dict | None = None, database_: str | None = None):
        self.calls.append((query, dict(parameters_ or {}), database_))
        if query.startswith("CREATE CONSTRAINT") or query.startswith(("CREATE INDEX", "CREATE VECTOR INDEX")):
            return [], None, None
        rows = self.backing._rows(query, parameters_ or {})
        return [_Record(r) for r in rows], None, None

    def close(self) -> None:
        self.closed = True


@pytest.fixture()
def neo4j_store(tmp_path):
    backing = LadybugGraphStore(tmp_path / "backing.lbug", dim=DIM)
    backing.ensure_schema()
    driver = RecordingDriver(backing)
    store = Neo4jGraphStore(
        "bolt://unused", "neo4j", "unused", database="chem", dim=DIM, batch_size=2, driver=driver
    )
    yield store, driver
    backing.close()


def _diff() -> tuple[GraphDiff, Vectors]:
    doc = DocumentRecord("doc:1", "Nitric acid", "https://example.org/hno3", "nitric acid", "ab" * 32)
    chunks = [
        ChunkRecord(f"doc:1#{i}", "doc:1", i, f"chunk {i} text", "route", json.dumps({"i": i}))
        for i in range(3)
    ]
    entities = [
        EntityRecord(f"chemical:e{i}", name, "chemical", "", (name,), json.dumps({"note": name}))
        for i, name in enumerate(HOSTILE_NAMES)
    ]
    relations = {(f"chemical:e{i}", "reacts_with", f"chemical:e{i + 1}", "doc:1#0") for i in range(4)}
    mentions = {(f"chemical:e{i}", f"doc:1#{i % 3}") for i in range(len(HOSTILE_NAMES))}
    community = CommunityRecord(
        "c0:0", 0, "", tuple(e.key for e in entities), HOSTILE_NAMES[0], "summary " + HOSTILE_NAMES[1], "sig"
    )
    rng = np.random.default_rng(0)
    vectors = Vectors(
        chunks={c.chunk_id: rng.random(DIM) for c in chunks},
        entities={e.key: rng.random(DIM) for e in entities},
        communities={"c0:0": rng.random(DIM)},
    )
    diff = GraphDiff(
        upsert_documents=[doc],
        upsert_chunks=chunks,
        upsert_entities=entities,
        add_relations=relations,
        add_mentions=mentions,
        upsert_communities=[community],
    )
    return diff, vectors


def test_schema_creates_a_uniqueness_constraint_per_label_and_the_indexes(neo4j_store):
    store, driver = neo4j_store
    store.ensure_schema()
    queries = [q for q, _, _ in driver.calls]
    for label in NODE_LABELS:
        assert any(f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" in q for q in queries), label
    assert any("ON (n.name)" in q for q in queries)
    vector = [(q, p) for q, p, _ in driver.calls if q.startswith("CREATE VECTOR INDEX")]
    assert len(vector) == 3 and all(p == {"dim": DIM} for _, p in vector)
    assert all("IF NOT EXISTS" in q for q in queries)  # safe to run on every start
    assert {db for _, _, db in driver.calls} == {"chem"}


def test_graph_written_through_the_store_reads_back_equal_with_values_only_as_parameters(neo4j_store):
    store, driver = neo4j_store
    diff, vectors = _diff()
    store.apply(diff, vectors)

    state = store.load_state()
    assert set(state.entities) == {e.key for e in diff.upsert_entities}
    assert {e.name for e in state.entities.values()} == set(HOSTILE_NAMES)
    assert state.relations == diff.add_relations
    assert state.mentions == diff.add_mentions
    assert state.documents == {"doc:1": diff.upsert_documents[0]}
    assert state.communities["c0:0"].title == HOSTILE_NAMES[0]

    # No value ever lands in the statement text; writes are UNWIND batches of at most batch_size rows.
    for query, params, database in driver.calls:
        assert database == "chem"
        for name in HOSTILE_NAMES[:-1]:
            assert name not in query
        if query.startswith("UNWIND"):
            (batch,) = params.values()
            assert 1 <= len(batch) <= 2
    entity_writes = [
        p["rows"] for q, p, _ in driver.calls if q.startswith("UNWIND $rows AS r MERGE (n:Entity")
    ]
    assert len(entity_writes) == 3  # 5 entities in batches of 2
    assert sum(len(b) for b in entity_writes) == len(HOSTILE_NAMES)

    ids, emb = store.chunk_vectors()
    assert sorted(ids) == ["doc:1#0", "doc:1#1", "doc:1#2"] and emb.shape == (3, DIM)
    sub = store.community_subgraph(["c0:0"], max_chunks=5)
    assert {e["name"] for e in sub.entities} == set(HOSTILE_NAMES)
    assert {c["source_url"] for c in sub.chunks} == {"https://example.org/hno3"}


def test_deleting_through_the_store_removes_nodes_and_their_edges(neo4j_store):
    store, driver = neo4j_store
    diff, vectors = _diff()
    store.apply(diff, vectors)
    gone = "chemical:e0"
    store.apply(
        GraphDiff(
            delete_relations={r for r in diff.add_relations if gone in (r[0], r[2])},
            delete_mentions={m for m in diff.add_mentions if m[0] == gone},
            delete_entities={gone},
        ),
        Vectors({}, {}, {}),
    )
    state = store.load_state()
    assert gone not in state.entities
    assert all(gone not in (s, o) for s, _, o, _ in state.relations)
    assert all(e != gone for e, _ in state.mentions)
    store.close()
    assert driver.closed
