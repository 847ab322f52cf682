import datetime

from google.protobuf import any_pb2 as _any_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from autochem.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EventEnvelope(_message.Message):
    __slots__ = ("event_id", "type", "schema_version", "produced_at", "idempotency_key", "producer", "payload")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    PRODUCED_AT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    PRODUCER_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    type: str
    schema_version: int
    produced_at: _timestamp_pb2.Timestamp
    idempotency_key: str
    producer: str
    payload: _any_pb2.Any
    def __init__(self, event_id: _Optional[str] = ..., type: _Optional[str] = ..., schema_version: _Optional[int] = ..., produced_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., idempotency_key: _Optional[str] = ..., producer: _Optional[str] = ..., payload: _Optional[_Union[_any_pb2.Any, _Mapping]] = ...) -> None: ...

class ChemicalRegistered(_message.Message):
    __slots__ = ("name", "synonyms", "formula", "cas_number", "requested_by")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SYNONYMS_FIELD_NUMBER: _ClassVar[int]
    FORMULA_FIELD_NUMBER: _ClassVar[int]
    CAS_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    name: str
    synonyms: _containers.RepeatedScalarFieldContainer[str]
    formula: str
    cas_number: str
    requested_by: str
    def __init__(self, name: _Optional[str] = ..., synonyms: _Optional[_Iterable[str]] = ..., formula: _Optional[str] = ..., cas_number: _Optional[str] = ..., requested_by: _Optional[str] = ...) -> None: ...

class DocumentsHarvested(_message.Message):
    __slots__ = ("chemical", "documents")
    CHEMICAL_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    chemical: str
    documents: _containers.RepeatedCompositeFieldContainer[HarvestedDocument]
    def __init__(self, chemical: _Optional[str] = ..., documents: _Optional[_Iterable[_Union[HarvestedDocument, _Mapping]]] = ...) -> None: ...

class HarvestedDocument(_message.Message):
    __slots__ = ("artifact", "source_url", "title", "agent")
    ARTIFACT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_URL_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    artifact: _common_pb2.ArtifactRef
    source_url: str
    title: str
    agent: str
    def __init__(self, artifact: _Optional[_Union[_common_pb2.ArtifactRef, _Mapping]] = ..., source_url: _Optional[str] = ..., title: _Optional[str] = ..., agent: _Optional[str] = ...) -> None: ...

class KgUpdated(_message.Message):
    __slots__ = ("chemical", "entities_added", "relations_added", "communities_resummarized", "graph_version")
    CHEMICAL_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_ADDED_FIELD_NUMBER: _ClassVar[int]
    RELATIONS_ADDED_FIELD_NUMBER: _ClassVar[int]
    COMMUNITIES_RESUMMARIZED_FIELD_NUMBER: _ClassVar[int]
    GRAPH_VERSION_FIELD_NUMBER: _ClassVar[int]
    chemical: str
    entities_added: int
    relations_added: int
    communities_resummarized: int
    graph_version: str
    def __init__(self, chemical: _Optional[str] = ..., entities_added: _Optional[int] = ..., relations_added: _Optional[int] = ..., communities_resummarized: _Optional[int] = ..., graph_version: _Optional[str] = ...) -> None: ...

class DatasetsReady(_message.Message):
    __slots__ = ("chemical", "datasets")
    CHEMICAL_FIELD_NUMBER: _ClassVar[int]
    DATASETS_FIELD_NUMBER: _ClassVar[int]
    chemical: str
    datasets: _containers.RepeatedCompositeFieldContainer[NamedArtifact]
    def __init__(self, chemical: _Optional[str] = ..., datasets: _Optional[_Iterable[_Union[NamedArtifact, _Mapping]]] = ...) -> None: ...

class NamedArtifact(_message.Message):
    __slots__ = ("name", "artifact", "records")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARTIFACT_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    artifact: _common_pb2.ArtifactRef
    records: int
    def __init__(self, name: _Optional[str] = ..., artifact: _Optional[_Union[_common_pb2.ArtifactRef, _Mapping]] = ..., records: _Optional[int] = ...) -> None: ...

class ModelVersionReady(_message.Message):
    __slots__ = ("model_name", "version", "artifact", "base_model", "metrics")
    class MetricsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ARTIFACT_FIELD_NUMBER: _ClassVar[int]
    BASE_MODEL_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    model_name: str
    version: str
    artifact: _common_pb2.ArtifactRef
    base_model: str
    metrics: _containers.ScalarMap[str, float]
    def __init__(self, model_name: _Optional[str] = ..., version: _Optional[str] = ..., artifact: _Optional[_Union[_common_pb2.ArtifactRef, _Mapping]] = ..., base_model: _Optional[str] = ..., metrics: _Optional[_Mapping[str, float]] = ...) -> None: ...

class DesignCompleted(_message.Message):
    __slots__ = ("design_id", "chemical", "design")
    DESIGN_ID_FIELD_NUMBER: _ClassVar[int]
    CHEMICAL_FIELD_NUMBER: _ClassVar[int]
    DESIGN_FIELD_NUMBER: _ClassVar[int]
    design_id: str
    chemical: str
    design: _common_pb2.ArtifactRef
    def __init__(self, design_id: _Optional[str] = ..., chemical: _Optional[str] = ..., design: _Optional[_Union[_common_pb2.ArtifactRef, _Mapping]] = ...) -> None: ...

class ValidationCompleted(_message.Message):
    __slots__ = ("design_id", "passed", "report")
    DESIGN_ID_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    design_id: str
    passed: bool
    report: _common_pb2.ArtifactRef
    def __init__(self, design_id: _Optional[str] = ..., passed: _Optional[bool] = ..., report: _Optional[_Union[_common_pb2.ArtifactRef, _Mapping]] = ...) -> None: ...

class DeadLetter(_message.Message):
    __slots__ = ("error", "origin_topic", "origin_partition", "origin_offset", "attempts", "original_value")
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_TOPIC_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_PARTITION_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_OFFSET_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_VALUE_FIELD_NUMBER: _ClassVar[int]
    error: str
    origin_topic: str
    origin_partition: int
    origin_offset: int
    attempts: int
    original_value: bytes
    def __init__(self, error: _Optional[str] = ..., origin_topic: _Optional[str] = ..., origin_partition: _Optional[int] = ..., origin_offset: _Optional[int] = ..., attempts: _Optional[int] = ..., original_value: _Optional[bytes] = ...) -> None: ...
