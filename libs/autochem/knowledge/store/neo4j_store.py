"""Cluster graph store: Neo4j 5 over Bolt with the official driver.

Uniqueness constraints (which also index ``id``) are created on start, plus vector indexes on the
embeddings where the server supports them. Every statement is parameterized and writes are batched
``UNWIND`` statements run in managed write transactions (retried by the driver on transient errors).
"""

from __future__ import annotations

from typing import Any

from autochem.knowledge.store.base import NODE_LABELS, CypherGraphStore

_CONSTRAINTS = tuple(
    f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
    for label in NODE_LABELS
)
_INDEXES = (
    "CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name)",
    "CREATE INDEX chunk_doc IF NOT EXISTS FOR (n:Chunk) ON (n.doc_id)",
    "CREATE INDEX relates_predicate IF NOT EXISTS FOR ()-[r:RELATES]-() ON (r.predicate)",
)


def _vector_index(label: str, dim: int) -> str:
    return (
        f"CREATE VECTOR INDEX {label.lower()}_emb IF NOT EXISTS FOR (n:{label}) ON (n.emb) "
        "OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine'}}"
    )


class Neo4jGraphStore(CypherGraphStore):
    name = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        *,
        database: str = "neo4j",
        dim: int = 384,
        batch_size: int = 2000,
        driver: Any = None,
    ) -> None:
        if driver is None:
            import neo4j

            driver = neo4j.GraphDatabase.driver(uri, auth=(user, password))
        self._driver = driver
        self.database = database
        self.dim = dim
        self.batch_size = batch_size

    def ensure_schema(self) -> None:
        for stmt in (*_CONSTRAINTS, *_INDEXES):
            self._run(stmt)
        for label in ("Chunk", "Entity", "Community"):
            self._run(_vector_index(label, self.dim), {"dim": self.dim})

    def _run(self, query: str, params: dict[str, Any] | None = None) -> None:
        self._driver.execute_query(query, parameters_=params or {}, database_=self.database)

    def _rows(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        records, _, _ = self._driver.execute_query(query, parameters_=params or {}, database_=self.database)
        return [list(r.values()) for r in records]

    def schema(self) -> list[str]:
        labels = [r[0] for r in self._rows("CALL db.labels() YIELD label RETURN label")]
        rels = [
            r[0]
            for r in self._rows("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType")
        ]
        return sorted([f"NODE:{x}" for x in labels] + [f"REL:{x}" for x in rels])

    def close(self) -> None:
        self._driver.close()
