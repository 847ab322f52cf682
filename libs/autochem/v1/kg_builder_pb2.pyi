from autochem.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IngestDocument(_message.Message):
    __slots__ = ("doc_id", "title", "text", "raw", "source_url", "chemical", "metadata", "artifact")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    DOC_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    RAW_FIELD_NUMBER: _ClassVar[int]
    SOURCE_URL_FIELD_NUMBER: _ClassVar[int]
    CHEMICAL_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    ARTIFACT_FIELD_NUMBER: _ClassVar[int]
    doc_id: str
    title: str
    text: str
    raw: bytes
    source_url: str
    chemical: str
    metadata: _containers.ScalarMap[str, str]
    artifact: _common_pb2.ArtifactRef
    def __init__(self, doc_id: _Optional[str] = ..., title: _Optional[str] = ..., text: _Optional[str] = ..., raw: _Optional[bytes] = ..., source_url: _Optional[str] = ..., chemical: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ..., artifact: _Optional[_Union[_common_pb2.ArtifactRef, _Mapping]] = ...) -> None: ...

class IngestRequest(_message.Message):
    __slots__ = ("documents", "delete_doc_ids")
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    DELETE_DOC_IDS_FIELD_NUMBER: _ClassVar[int]
    documents: _containers.RepeatedCompositeFieldContainer[IngestDocument]
    delete_doc_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, documents: _Optional[_Iterable[_Union[IngestDocument, _Mapping]]] = ..., delete_doc_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class IngestResponse(_message.Message):
    __slots__ = ("added", "changed", "unchanged", "deleted", "duplicates", "chunks_processed", "entities_added", "entities_removed", "relations_added", "relations_removed", "communities_total", "communities_resummarized", "graph_version", "stage_seconds")
    class DuplicatesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class StageSecondsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    ADDED_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    CHUNKS_PROCESSED_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_ADDED_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_REMOVED_FIELD_NUMBER: _ClassVar[int]
    RELATIONS_ADDED_FIELD_NUMBER: _ClassVar[int]
    RELATIONS_REMOVED_FIELD_NUMBER: _ClassVar[int]
    COMMUNITIES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    COMMUNITIES_RESUMMARIZED_FIELD_NUMBER: _ClassVar[int]
    GRAPH_VERSION_FIELD_NUMBER: _ClassVar[int]
    STAGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    added: _containers.RepeatedScalarFieldContainer[str]
    changed: _containers.RepeatedScalarFieldContainer[str]
    unchanged: _containers.RepeatedScalarFieldContainer[str]
    deleted: _containers.RepeatedScalarFieldContainer[str]
    duplicates: _containers.ScalarMap[str, str]
    chunks_processed: int
    entities_added: int
    entities_removed: int
    relations_added: int
    relations_removed: int
    communities_total: int
    communities_resummarized: int
    graph_version: str
    stage_seconds: _containers.ScalarMap[str, float]
    def __init__(self, added: _Optional[_Iterable[str]] = ..., changed: _Optional[_Iterable[str]] = ..., unchanged: _Optional[_Iterable[str]] = ..., deleted: _Optional[_Iterable[str]] = ..., duplicates: _Optional[_Mapping[str, str]] = ..., chunks_processed: _Optional[int] = ..., entities_added: _Optional[int] = ..., entities_removed: _Optional[int] = ..., relations_added: _Optional[int] = ..., relations_removed: _Optional[int] = ..., communities_total: _Optional[int] = ..., communities_resummarized: _Optional[int] = ..., graph_version: _Optional[str] = ..., stage_seconds: _Optional[_Mapping[str, float]] = ...) -> None: ...

class RetrieveRequest(_message.Message):
    __slots__ = ("query", "top_k_communities", "max_chunks")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    TOP_K_COMMUNITIES_FIELD_NUMBER: _ClassVar[int]
    MAX_CHUNKS_FIELD_NUMBER: _ClassVar[int]
    query: str
    top_k_communities: int
    max_chunks: int
    def __init__(self, query: _Optional[str] = ..., top_k_communities: _Optional[int] = ..., max_chunks: _Optional[int] = ...) -> None: ...

class CommunityHit(_message.Message):
    __slots__ = ("community_id", "score", "title")
    COMMUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    community_id: str
    score: float
    title: str
    def __init__(self, community_id: _Optional[str] = ..., score: _Optional[float] = ..., title: _Optional[str] = ...) -> None: ...

class RetrievedChunk(_message.Message):
    __slots__ = ("chunk_id", "doc_id", "title", "section", "text", "score", "citation")
    CHUNK_ID_FIELD_NUMBER: _ClassVar[int]
    DOC_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    CITATION_FIELD_NUMBER: _ClassVar[int]
    chunk_id: str
    doc_id: str
    title: str
    section: str
    text: str
    score: float
    citation: int
    def __init__(self, chunk_id: _Optional[str] = ..., doc_id: _Optional[str] = ..., title: _Optional[str] = ..., section: _Optional[str] = ..., text: _Optional[str] = ..., score: _Optional[float] = ..., citation: _Optional[int] = ...) -> None: ...

class RetrievedFact(_message.Message):
    __slots__ = ("subject", "predicate", "object", "chunk_id", "citation")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    PREDICATE_FIELD_NUMBER: _ClassVar[int]
    OBJECT_FIELD_NUMBER: _ClassVar[int]
    CHUNK_ID_FIELD_NUMBER: _ClassVar[int]
    CITATION_FIELD_NUMBER: _ClassVar[int]
    subject: str
    predicate: str
    object: str
    chunk_id: str
    citation: int
    def __init__(self, subject: _Optional[str] = ..., predicate: _Optional[str] = ..., object: _Optional[str] = ..., chunk_id: _Optional[str] = ..., citation: _Optional[int] = ...) -> None: ...

class SourceCitation(_message.Message):
    __slots__ = ("index", "doc_id", "title", "source_url")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    DOC_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_URL_FIELD_NUMBER: _ClassVar[int]
    index: int
    doc_id: str
    title: str
    source_url: str
    def __init__(self, index: _Optional[int] = ..., doc_id: _Optional[str] = ..., title: _Optional[str] = ..., source_url: _Optional[str] = ...) -> None: ...

class RetrieveResponse(_message.Message):
    __slots__ = ("query", "communities", "entities", "chunks", "facts", "citations", "context")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    COMMUNITIES_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    CHUNKS_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    CITATIONS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    query: str
    communities: _containers.RepeatedCompositeFieldContainer[CommunityHit]
    entities: _containers.RepeatedScalarFieldContainer[str]
    chunks: _containers.RepeatedCompositeFieldContainer[RetrievedChunk]
    facts: _containers.RepeatedCompositeFieldContainer[RetrievedFact]
    citations: _containers.RepeatedCompositeFieldContainer[SourceCitation]
    context: str
    def __init__(self, query: _Optional[str] = ..., communities: _Optional[_Iterable[_Union[CommunityHit, _Mapping]]] = ..., entities: _Optional[_Iterable[str]] = ..., chunks: _Optional[_Iterable[_Union[RetrievedChunk, _Mapping]]] = ..., facts: _Optional[_Iterable[_Union[RetrievedFact, _Mapping]]] = ..., citations: _Optional[_Iterable[_Union[SourceCitation, _Mapping]]] = ..., context: _Optional[str] = ...) -> None: ...

class StatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class IngestProgress(_message.Message):
    __slots__ = ("running", "stage", "done", "total")
    RUNNING_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    running: bool
    stage: str
    done: int
    total: int
    def __init__(self, running: _Optional[bool] = ..., stage: _Optional[str] = ..., done: _Optional[int] = ..., total: _Optional[int] = ...) -> None: ...

class StatsResponse(_message.Message):
    __slots__ = ("counts", "store", "graph_version", "embedding_model", "extractor", "summarizer", "progress")
    class CountsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    STORE_FIELD_NUMBER: _ClassVar[int]
    GRAPH_VERSION_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_MODEL_FIELD_NUMBER: _ClassVar[int]
    EXTRACTOR_FIELD_NUMBER: _ClassVar[int]
    SUMMARIZER_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    counts: _containers.ScalarMap[str, int]
    store: str
    graph_version: str
    embedding_model: str
    extractor: str
    summarizer: str
    progress: IngestProgress
    def __init__(self, counts: _Optional[_Mapping[str, int]] = ..., store: _Optional[str] = ..., graph_version: _Optional[str] = ..., embedding_model: _Optional[str] = ..., extractor: _Optional[str] = ..., summarizer: _Optional[str] = ..., progress: _Optional[_Union[IngestProgress, _Mapping]] = ...) -> None: ...
