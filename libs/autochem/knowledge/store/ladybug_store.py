"""Embedded graph store: ladybug (the maintained Kùzu fork), a Cypher database in a local directory.

One connection per store, guarded by a lock: the services call the store from worker threads.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import ladybug

from autochem.knowledge.store.base import NODE_LABELS, REL_TYPES, CypherGraphStore

_DDL = (
    "CREATE NODE TABLE IF NOT EXISTS Document(id STRING, title STRING, source_url STRING, chemical STRING, "
    "sha256 STRING, PRIMARY KEY(id))",
    "CREATE NODE TABLE IF NOT EXISTS Chunk(id STRING, doc_id STRING, idx INT64, text STRING, section STRING, "
    "extraction STRING, note STRING, emb FLOAT[{dim}], PRIMARY KEY(id))",
    "CREATE NODE TABLE IF NOT EXISTS Entity(id STRING, name STRING, type STRING, cas STRING, surfaces STRING, "
    "attrs STRING, emb FLOAT[{dim}], PRIMARY KEY(id))",
    "CREATE NODE TABLE IF NOT EXISTS Community(id STRING, level INT64, parent STRING, members STRING, title STRING, "
    "summary STRING, signature STRING, emb FLOAT[{dim}], size INT64, PRIMARY KEY(id))",
    "CREATE REL TABLE IF NOT EXISTS PART_OF(FROM Chunk TO Document)",
    "CREATE REL TABLE IF NOT EXISTS MENTIONED_IN(FROM Entity TO Chunk)",
    "CREATE REL TABLE IF NOT EXISTS RELATES(FROM Entity TO Entity, predicate STRING, chunk STRING)",
    "CREATE REL TABLE IF NOT EXISTS IN_COMMUNITY(FROM Entity TO Community)",
    "CREATE REL TABLE IF NOT EXISTS CHILD_OF(FROM Community TO Community)",
)

# (table, column, type) added since the first schema; constants, never input.
_ADDED_COLUMNS = (("Chunk", "note", "STRING"),)


class LadybugGraphStore(CypherGraphStore):
    name = "ladybug"

    def __init__(
        self, path: str | Path, *, dim: int = 384, batch_size: int = 2000, buffer_pool_mb: int = 512
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.dim = dim
        self.batch_size = batch_size
        self._db = ladybug.Database(str(self.path), buffer_pool_size=buffer_pool_mb * 1024 * 1024)
        self._conn = ladybug.Connection(self._db)
        self._lock = threading.RLock()

    def ensure_schema(self) -> None:
        for ddl in _DDL:
            self._run(ddl.replace("{dim}", str(self.dim)))
        # Columns added after a graph was first created (CREATE ... IF NOT EXISTS leaves old tables as they were).
        for table, column, ddl_type in _ADDED_COLUMNS:
            have = {r[0] for r in self._rows(f"CALL table_info('{table}') RETURN name")}
            if column not in have:
                self._run(f"ALTER TABLE {table} ADD {column} {ddl_type} DEFAULT ''")

    def _run(self, query: str, params: dict[str, Any] | None = None) -> None:
        with self._lock:
            self._conn.execute(query, params or {})

    def _rows(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        with self._lock:
            result = self._conn.execute(query, params or {})
            rows = []
            while result.has_next():
                rows.append(result.get_next())
            return rows

    def schema(self) -> list[str]:
        rows = self._rows("CALL show_tables() RETURN name, type")
        return sorted(f"{r[1]}:{r[0]}" for r in rows)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            self._db.close()


__all__ = ["NODE_LABELS", "REL_TYPES", "LadybugGraphStore"]
