"""Building and incrementally updating the knowledge graph (one function per pipeline step).

``ingest`` takes added/changed documents and deleted ids. Only added or changed documents are
chunked, extracted and embedded; their extractions are stored on the chunks, so canonicalization,
relations and provenance are recomputed from all stored extractions — which makes an incremental
update equal to a from-scratch build by construction — and only communities whose content changed
are re-summarized (a community's summary is keyed by a signature of what it was written from).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from pydantic import BaseModel, Field

from autochem.errors import InvalidArgument
from autochem.knowledge.canonicalize import CanonicalizationSettings, Canonicalizer
from autochem.knowledge.chemnames import ChemicalIdentity, ChemicalNameResolver
from autochem.knowledge.chunking import ChunkingSettings, chunk_document
from autochem.knowledge.communities import CommunitySettings, hierarchical_leiden
from autochem.knowledge.documents import DEFAULT_MAX_DOCUMENT_BYTES, SourceDocument, check_document
from autochem.knowledge.embeddings import Embedder
from autochem.knowledge.extraction import ChunkExtraction, Mention, Triple, TripleExtractor
from autochem.knowledge.graph import (
    ChunkRecord,
    CommunityRecord,
    DocumentRecord,
    EntityRecord,
    GraphState,
    diff_states,
)
from autochem.knowledge.store.base import GraphStore, Vectors
from autochem.knowledge.summarize import CommunityDigest, Summarizer, central_entities, digest_text

log = logging.getLogger(__name__)
ProgressFn = Callable[[str, int, int], None]


class KgBuildSettings(BaseModel):
    chunking: ChunkingSettings = Field(
        default_factory=ChunkingSettings, description="Sliding-window chunking."
    )
    canonicalization: CanonicalizationSettings = Field(
        default_factory=CanonicalizationSettings, description="Entity merging thresholds."
    )
    communities: CommunitySettings = Field(
        default_factory=CommunitySettings, description="Hierarchical Leiden."
    )
    max_document_bytes: int = Field(
        DEFAULT_MAX_DOCUMENT_BYTES, ge=1024, description="Largest document accepted."
    )
    max_documents_per_ingest: int = Field(500, ge=1, description="Largest batch one ingest call accepts.")


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)  # doc id → id of the document with the same text
    chunks_processed: int = 0
    entities_added: int = 0
    entities_removed: int = 0
    relations_added: int = 0
    relations_removed: int = 0
    communities_total: int = 0
    communities_resummarized: int = 0
    graph_version: str = ""
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def extraction_to_json(ex: ChunkExtraction) -> str:
    def m(x: Mention) -> list:
        return [x.surface, x.type, x.cas, [list(a) for a in x.attrs]]

    return json.dumps(
        {
            "m": [m(x) for x in ex.mentions],
            "t": [[m(t.subject), t.predicate, m(t.object)] for t in ex.triples],
        },
        sort_keys=True,
    )


def extraction_from_json(chunk_id: str, text: str) -> ChunkExtraction:
    data = json.loads(text or '{"m": [], "t": []}')

    def m(x: list) -> Mention:
        return Mention(x[0], x[1], x[2], tuple(tuple(a) for a in x[3]))

    return ChunkExtraction(
        chunk_id, [m(x) for x in data["m"]], [Triple(m(s), p, m(o)) for s, p, o in data["t"]]
    )


def enriched_chunk_text(title: str, section: str, text: str, note: str = "") -> str:
    """What a chunk is embedded as: its document, section and note first, so the chunk knows its context."""
    head = f"{title} — {section}" if section else title
    return f"{head} ({note}): {text}" if note else f"{head}: {text}"


class ChunkNoteWriter:
    """Asks the language model for one sentence relating a chunk to the rest of its document."""

    def __init__(self, backend, *, max_new_tokens: int = 48) -> None:
        self.backend = backend
        self.max_new_tokens = max_new_tokens
        self.calls = 0

    async def __call__(self, title: str, outline: str, text: str) -> str:
        from autochem.agents.quarantine import UNTRUSTED_PREAMBLE, quarantine_block
        from autochem.inference.api import GenerationRequest, SamplingParams

        prompt = (
            f"A document about {title} has these sections: {outline}. {UNTRUSTED_PREAMBLE}\n"
            f"{quarantine_block(text, 'chunk')}\n"
            "In one short sentence, say what this passage contributes to the document.\nNote:"
        )
        result = await self.backend.generate(
            GenerationRequest(
                prompt=prompt, params=SamplingParams(max_new_tokens=self.max_new_tokens, stop=("\n",))
            )
        )
        self.calls += 1
        return " ".join(result.text.split())[:300]


class KnowledgeGraphBuilder:
    def __init__(
        self,
        store: GraphStore,
        embedder: Embedder,
        extractor: TripleExtractor,
        summarizer: Summarizer,
        settings: KgBuildSettings | None = None,
        resolver: ChemicalNameResolver | None = None,
        note_writer: ChunkNoteWriter | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.extractor = extractor
        self.summarizer = summarizer
        self.settings = settings or KgBuildSettings()
        self.resolver = resolver or ChemicalNameResolver()
        self.canonicalizer = Canonicalizer(embedder, self.resolver, self.settings.canonicalization)
        self.note_writer = note_writer
        self._state: GraphState | None = None

    @property
    def state(self) -> GraphState:
        if self._state is None:
            self._state = self.store.load_state()
        return self._state

    async def ingest(
        self,
        documents: Sequence[SourceDocument],
        delete_ids: Sequence[str] = (),
        *,
        progress: ProgressFn | None = None,
    ) -> IngestReport:
        progress = progress or (lambda stage, done, total: None)
        report = IngestReport()
        timer = _StageTimer(report)
        if len(documents) > self.settings.max_documents_per_ingest:
            raise InvalidArgument(
                "documents",
                f"{len(documents)} documents exceed the limit of {self.settings.max_documents_per_ingest} per ingest",
            )
        for i, doc in enumerate(documents):
            check_document(doc, max_bytes=self.settings.max_document_bytes, field=f"documents[{i}]")
        old = self.state
        by_sha = {d.sha256: d.doc_id for d in old.documents.values()}
        incoming: dict[str, SourceDocument] = {}
        for doc in documents:
            sha = doc.content_sha256
            if doc.doc_id in incoming:
                if incoming[doc.doc_id].content_sha256 != sha:
                    raise InvalidArgument(
                        "documents", f"doc_id {doc.doc_id!r} appears twice with different text"
                    )
                report.duplicates[doc.doc_id] = doc.doc_id
                continue
            twin = by_sha.get(sha)
            if twin is not None and twin != doc.doc_id and twin not in delete_ids:
                report.duplicates[doc.doc_id] = twin  # same text already in the graph under another id
                continue
            prev = old.documents.get(doc.doc_id)
            if prev is not None and prev.sha256 == sha:
                report.unchanged.append(doc.doc_id)
                continue
            (report.changed if prev is not None else report.added).append(doc.doc_id)
            incoming[doc.doc_id] = doc
            by_sha[sha] = doc.doc_id
        report.deleted = sorted(d for d in set(delete_ids) if d in old.documents and d not in incoming)
        for doc in incoming.values():
            self._register_aliases(doc)

        # New state: old minus deleted/changed documents, plus (re)processed ones.
        gone = set(report.deleted) | set(report.changed)
        new = GraphState(
            documents={k: v for k, v in old.documents.items() if k not in gone},
            chunks={k: v for k, v in old.chunks.items() if v.doc_id not in gone},
        )
        new_vectors: dict[str, np.ndarray] = {}
        todo = list(incoming.values())
        with timer("chunk+extract"):
            total_chunks = 0
            for n, doc in enumerate(todo, 1):
                chunks = chunk_document(doc, self.settings.chunking)
                extractions = await self.extractor.extract(chunks, document_chemical=doc.chemical)
                new.documents[doc.doc_id] = DocumentRecord(
                    doc.doc_id, doc.title, doc.source_url, doc.chemical, doc.content_sha256
                )
                notes = await self._chunk_notes(doc, chunks)
                for chunk, ex, note in zip(chunks, extractions, notes, strict=True):
                    new.chunks[chunk.chunk_id] = ChunkRecord(
                        chunk.chunk_id,
                        doc.doc_id,
                        chunk.index,
                        chunk.text,
                        chunk.section,
                        extraction_to_json(ex),
                        note,
                    )
                total_chunks += len(chunks)
                progress("extract", n, len(todo))
            report.chunks_processed = total_chunks
        with timer("embed chunks"):
            fresh = [c for c in new.chunks.values() if c.chunk_id not in old.chunks]
            texts = [
                enriched_chunk_text(new.documents[c.doc_id].title, c.section, c.text, c.note) for c in fresh
            ]
            for c, v in zip(fresh, self.embedder.embed(texts) if texts else [], strict=True):
                new_vectors[c.chunk_id] = v
            progress("embed", len(fresh), len(fresh))

        with timer("canonicalize"):
            extractions = [extraction_from_json(c.chunk_id, c.extraction) for c in new.chunks.values()]
            mapping, entities = self.canonicalizer.canonicalize(m for ex in extractions for m in ex.mentions)
            for key, ent in entities.items():
                new.entities[key] = EntityRecord(
                    key,
                    ent.name,
                    ent.type,
                    ent.cas,
                    tuple(sorted(ent.surfaces)),
                    json.dumps(ent.attrs, sort_keys=True),
                )
            for ex in extractions:
                for m in ex.mentions:
                    new.mentions.add((mapping[(m.surface, m.type)], ex.chunk_id))
                for t in ex.triples:
                    s, o = (
                        mapping[(t.subject.surface, t.subject.type)],
                        mapping[(t.object.surface, t.object.type)],
                    )
                    if s != o:
                        new.relations.add((s, t.predicate, o, ex.chunk_id))
            progress("canonicalize", len(entities), len(entities))
        with timer("embed entities"):
            changed_entities = [e for k, e in new.entities.items() if old.entities.get(k) != e]
            entity_vectors = dict(
                zip(
                    [e.key for e in changed_entities],
                    self.embedder.embed([e.name for e in changed_entities]) if changed_entities else [],
                    strict=True,
                )
            )

        with timer("communities"):
            touched_chunks = {c for c in old.chunks if c not in new.chunks} | {
                c for c in new.chunks if c not in old.chunks
            }
            touched = {e for e, c in old.mentions | new.mentions if c in touched_chunks}
            previous = {
                m: c.community_id for c in old.communities.values() if c.level == 0 for m in c.members
            }
            edges = [(s, o, 1.0) for s, _, o, _ in new.relations]
            communities = hierarchical_leiden(
                sorted(new.entities),
                edges,
                self.settings.communities,
                previous_level0=previous or None,
                touched=touched,
            )
            progress("communities", len(communities), len(communities))
        with timer("summarize"):
            community_vectors: dict[str, np.ndarray] = {}
            new.communities, resummarized = await self._summaries(
                new, old, communities, community_vectors, progress
            )
        report.communities_total = len(new.communities)
        report.communities_resummarized = resummarized

        with timer("write"):
            diff = diff_states(old, new)
            self.store.apply(
                diff, Vectors(chunks=new_vectors, entities=entity_vectors, communities=community_vectors)
            )
        report.entities_added = len(set(new.entities) - set(old.entities))
        report.entities_removed = len(set(old.entities) - set(new.entities))
        report.relations_added = len(diff.add_relations)
        report.relations_removed = len(diff.delete_relations)
        report.graph_version = graph_version(new)
        self._state = new
        return report

    async def _chunk_notes(self, doc: SourceDocument, chunks) -> list[str]:
        if self.note_writer is None:
            return [""] * len(chunks)
        outline = ", ".join(dict.fromkeys(c.section for c in chunks if c.section))
        return [await self.note_writer(doc.title, outline, c.text) for c in chunks]

    async def _summaries(
        self, new: GraphState, old: GraphState, communities, vectors, progress
    ) -> tuple[dict[str, CommunityRecord], int]:
        by_pair: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        names = {k: e.name for k, e in new.entities.items()}
        member_of: dict[str, set[str]] = defaultdict(set)
        for c in communities:
            for m in c.members:
                member_of[m].add(c.community_id)
        for s, p, o, _ in sorted(new.relations):
            for cid in member_of[s] & member_of[o]:
                fact = (names[s], p, names[o])
                if fact not in by_pair[cid]:
                    by_pair[cid].append(fact)
        doc_titles = {d.doc_id: d.title for d in new.documents.values()}
        chunk_doc = {c.chunk_id: c.doc_id for c in new.chunks.values()}
        entity_docs: dict[str, Counter] = defaultdict(Counter)
        for e, c in new.mentions:
            entity_docs[e][doc_titles[chunk_doc[c]]] += 1
        out: dict[str, CommunityRecord] = {}
        pending: list[tuple[CommunityRecord, CommunityDigest]] = []
        moved: list[str] = []
        for c in communities:
            titles: Counter = Counter()
            for m in c.members:
                titles.update(entity_docs[m])
            local_degree: Counter[str] = Counter()
            for fs, _, fo in by_pair[c.community_id]:
                local_degree[fs] += 1
                local_degree[fo] += 1
            digest = CommunityDigest(
                community_id=c.community_id,
                level=c.level,
                # Ordered by degree inside the community, so a change elsewhere does not reorder it.
                entity_names=central_entities(
                    list(c.members), Counter({m: local_degree[names[m]] for m in c.members}), names
                ),
                facts=by_pair[c.community_id],
                source_titles=[t for t, _ in sorted(titles.items(), key=lambda kv: (-kv[1], kv[0]))],
            )
            # A summary is written from the digest, so the digest's text is its signature: a community whose
            # digest did not change keeps its summary even when documents elsewhere changed.
            signature = hashlib.sha256(json.dumps([c.level, digest_text(digest)]).encode()).hexdigest()[:24]
            prev = old.communities.get(c.community_id)
            if prev is not None and prev.signature == signature:
                if prev.parent_id == c.parent_id:
                    out[c.community_id] = prev
                else:  # same content under a re-split parent: keep the summary, move the record
                    out[c.community_id] = CommunityRecord(
                        c.community_id, c.level, c.parent_id, c.members, prev.title, prev.summary, signature
                    )
                    moved.append(c.community_id)
            else:
                pending.append(
                    (
                        CommunityRecord(c.community_id, c.level, c.parent_id, c.members, "", "", signature),
                        digest,
                    )
                )
        for n, (record, digest) in enumerate(pending, 1):
            title, summary = await self.summarizer.summarize(digest)
            out[record.community_id] = CommunityRecord(
                record.community_id,
                record.level,
                record.parent_id,
                record.members,
                title,
                summary,
                record.signature,
            )
            progress("summarize", n, len(pending))
        # Rows written this time need their vectors (moved ones re-embed an unchanged summary: cache hits).
        rewritten = [r.community_id for r, _ in pending] + moved
        if rewritten:
            texts = [out[cid].summary for cid in rewritten]
            for cid, v in zip(rewritten, self.embedder.embed(texts), strict=True):
                vectors[cid] = v
        return out, len(pending)

    def _register_aliases(self, doc: SourceDocument) -> None:
        cas = doc.metadata.get("cas", "")
        if cas and doc.chemical:
            ident = ChemicalIdentity(
                cas=cas, preferred_name=doc.chemical.lower(), formula=doc.metadata.get("formula", "")
            )
            known = self.resolver.resolve(doc.chemical)
            if known is None:
                self.resolver.add_alias(doc.chemical, ident)


def graph_version(state: GraphState) -> str:
    h = hashlib.sha256()
    for key in sorted(state.documents):
        h.update(f"{key}\x00{state.documents[key].sha256}\n".encode())
    return h.hexdigest()[:16]


class _StageTimer:
    def __init__(self, report: IngestReport) -> None:
        self.report = report

    def __call__(self, stage: str):
        timer = self

        class _Ctx:
            def __enter__(self):
                self.t0 = time.perf_counter()

            def __exit__(self, *exc):
                timer.report.stage_seconds[stage] = round(time.perf_counter() - self.t0, 3)

        return _Ctx()
