"""Artifact store (fsspec, content-addressed) and the relational ledger/memory database (SQLAlchemy)."""

from autochem.storage.artifacts import ArtifactRef, ArtifactStore
from autochem.storage.db import make_engine

__all__ = ["ArtifactRef", "ArtifactStore", "make_engine"]
