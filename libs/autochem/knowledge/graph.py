"""The knowledge graph as plain records, and the difference between two versions of it.

Builders compute a new :class:`GraphState` from the chunks' stored extractions; the store applies
only the :class:`GraphDiff` against what it holds. Equality of two states (same documents, chunks,
entities, relations and provenance) is what the incremental-update test checks against a
from-scratch build.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocumentRecord:
    doc_id: str
    title: str
    source_url: str
    chemical: str
    sha256: str


@dataclass(frozen=True)
class ChunkRecord:
    chunk_id: str
    doc_id: str
    index: int
    text: str
    section: str
    extraction: str  # JSON of the chunk's mentions and triples before canonicalization
    note: str = ""  # LLM-written note relating the chunk to the rest of its document (when enabled)


@dataclass(frozen=True)
class EntityRecord:
    key: str
    name: str
    type: str
    cas: str
    surfaces: tuple[str, ...]
    attrs: str  # JSON object


@dataclass(frozen=True)
class CommunityRecord:
    community_id: str
    level: int
    parent_id: str
    members: tuple[str, ...]
    title: str
    summary: str
    signature: str  # hash of what the summary was written from


# (subject key, predicate, object key, chunk id): one edge per supporting chunk, so every fact cites.
RelationKey = tuple[str, str, str, str]
MentionKey = tuple[str, str]  # (entity key, chunk id)


@dataclass
class GraphState:
    documents: dict[str, DocumentRecord] = field(default_factory=dict)
    chunks: dict[str, ChunkRecord] = field(default_factory=dict)
    entities: dict[str, EntityRecord] = field(default_factory=dict)
    relations: set[RelationKey] = field(default_factory=set)
    mentions: set[MentionKey] = field(default_factory=set)
    communities: dict[str, CommunityRecord] = field(default_factory=dict)

    def content_equal(self, other: GraphState) -> bool:
        """Same documents, chunks, entities, relations and provenance (communities excluded)."""
        return (
            self.documents == other.documents
            and self.chunks == other.chunks
            and self.entities == other.entities
            and self.relations == other.relations
            and self.mentions == other.mentions
        )


@dataclass
class GraphDiff:
    delete_documents: set[str] = field(default_factory=set)
    upsert_documents: list[DocumentRecord] = field(default_factory=list)
    delete_chunks: set[str] = field(default_factory=set)
    upsert_chunks: list[ChunkRecord] = field(default_factory=list)
    delete_entities: set[str] = field(default_factory=set)
    upsert_entities: list[EntityRecord] = field(default_factory=list)
    delete_relations: set[RelationKey] = field(default_factory=set)
    add_relations: set[RelationKey] = field(default_factory=set)
    delete_mentions: set[MentionKey] = field(default_factory=set)
    add_mentions: set[MentionKey] = field(default_factory=set)
    delete_communities: set[str] = field(default_factory=set)
    upsert_communities: list[CommunityRecord] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(vars(self).values())


def diff_states(old: GraphState, new: GraphState) -> GraphDiff:
    def changed(a: dict, b: dict) -> list:
        return [v for k, v in sorted(b.items()) if a.get(k) != v]

    return GraphDiff(
        delete_documents=set(old.documents) - set(new.documents),
        upsert_documents=changed(old.documents, new.documents),
        delete_chunks=set(old.chunks) - set(new.chunks),
        upsert_chunks=changed(old.chunks, new.chunks),
        delete_entities=set(old.entities) - set(new.entities),
        upsert_entities=changed(old.entities, new.entities),
        delete_relations=old.relations - new.relations,
        add_relations=new.relations - old.relations,
        delete_mentions=old.mentions - new.mentions,
        add_mentions=new.mentions - old.mentions,
        delete_communities=set(old.communities) - set(new.communities),
        upsert_communities=changed(old.communities, new.communities),
    )
