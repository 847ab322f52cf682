from autochem.v1 import events_pb2 as _events_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ResearchRequest(_message.Message):
    __slots__ = ("chemical", "focus", "max_subtasks", "top_k", "refinement_rounds", "backends")
    CHEMICAL_FIELD_NUMBER: _ClassVar[int]
    FOCUS_FIELD_NUMBER: _ClassVar[int]
    MAX_SUBTASKS_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    REFINEMENT_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    BACKENDS_FIELD_NUMBER: _ClassVar[int]
    chemical: str
    focus: str
    max_subtasks: int
    top_k: int
    refinement_rounds: int
    backends: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, chemical: _Optional[str] = ..., focus: _Optional[str] = ..., max_subtasks: _Optional[int] = ..., top_k: _Optional[int] = ..., refinement_rounds: _Optional[int] = ..., backends: _Optional[_Iterable[str]] = ...) -> None: ...

class ResearchSource(_message.Message):
    __slots__ = ("url", "title", "score", "backend")
    URL_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    url: str
    title: str
    score: float
    backend: str
    def __init__(self, url: _Optional[str] = ..., title: _Optional[str] = ..., score: _Optional[float] = ..., backend: _Optional[str] = ...) -> None: ...

class ResearchSubtask(_message.Message):
    __slots__ = ("id", "text", "expert", "routing_score", "routing_scores", "depends_on", "answer", "sources", "synthesized_by", "revisions", "elapsed_s")
    class RoutingScoresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    EXPERT_FIELD_NUMBER: _ClassVar[int]
    ROUTING_SCORE_FIELD_NUMBER: _ClassVar[int]
    ROUTING_SCORES_FIELD_NUMBER: _ClassVar[int]
    DEPENDS_ON_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    SYNTHESIZED_BY_FIELD_NUMBER: _ClassVar[int]
    REVISIONS_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_S_FIELD_NUMBER: _ClassVar[int]
    id: str
    text: str
    expert: str
    routing_score: float
    routing_scores: _containers.ScalarMap[str, float]
    depends_on: _containers.RepeatedScalarFieldContainer[str]
    answer: str
    sources: _containers.RepeatedCompositeFieldContainer[ResearchSource]
    synthesized_by: str
    revisions: int
    elapsed_s: float
    def __init__(self, id: _Optional[str] = ..., text: _Optional[str] = ..., expert: _Optional[str] = ..., routing_score: _Optional[float] = ..., routing_scores: _Optional[_Mapping[str, float]] = ..., depends_on: _Optional[_Iterable[str]] = ..., answer: _Optional[str] = ..., sources: _Optional[_Iterable[_Union[ResearchSource, _Mapping]]] = ..., synthesized_by: _Optional[str] = ..., revisions: _Optional[int] = ..., elapsed_s: _Optional[float] = ...) -> None: ...

class RefinementRound(_message.Message):
    __slots__ = ("round", "scores", "weakest_attribute", "weakest_score", "revised_subtasks")
    class ScoresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    ROUND_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    WEAKEST_ATTRIBUTE_FIELD_NUMBER: _ClassVar[int]
    WEAKEST_SCORE_FIELD_NUMBER: _ClassVar[int]
    REVISED_SUBTASKS_FIELD_NUMBER: _ClassVar[int]
    round: int
    scores: _containers.ScalarMap[str, float]
    weakest_attribute: str
    weakest_score: float
    revised_subtasks: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, round: _Optional[int] = ..., scores: _Optional[_Mapping[str, float]] = ..., weakest_attribute: _Optional[str] = ..., weakest_score: _Optional[float] = ..., revised_subtasks: _Optional[_Iterable[str]] = ...) -> None: ...

class ToolUse(_message.Message):
    __slots__ = ("tool", "backend", "query", "url", "subtask_id", "expert", "ok", "error", "elapsed_ms")
    TOOL_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    SUBTASK_ID_FIELD_NUMBER: _ClassVar[int]
    EXPERT_FIELD_NUMBER: _ClassVar[int]
    OK_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_MS_FIELD_NUMBER: _ClassVar[int]
    tool: str
    backend: str
    query: str
    url: str
    subtask_id: str
    expert: str
    ok: bool
    error: str
    elapsed_ms: float
    def __init__(self, tool: _Optional[str] = ..., backend: _Optional[str] = ..., query: _Optional[str] = ..., url: _Optional[str] = ..., subtask_id: _Optional[str] = ..., expert: _Optional[str] = ..., ok: _Optional[bool] = ..., error: _Optional[str] = ..., elapsed_ms: _Optional[float] = ...) -> None: ...

class ResearchResponse(_message.Message):
    __slots__ = ("chemical", "focus", "plan_source", "subtasks", "final_answer", "rounds", "final_round", "documents", "trace", "degraded", "timings_s")
    class TimingsSEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    CHEMICAL_FIELD_NUMBER: _ClassVar[int]
    FOCUS_FIELD_NUMBER: _ClassVar[int]
    PLAN_SOURCE_FIELD_NUMBER: _ClassVar[int]
    SUBTASKS_FIELD_NUMBER: _ClassVar[int]
    FINAL_ANSWER_FIELD_NUMBER: _ClassVar[int]
    ROUNDS_FIELD_NUMBER: _ClassVar[int]
    FINAL_ROUND_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    DEGRADED_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_S_FIELD_NUMBER: _ClassVar[int]
    chemical: str
    focus: str
    plan_source: str
    subtasks: _containers.RepeatedCompositeFieldContainer[ResearchSubtask]
    final_answer: str
    rounds: _containers.RepeatedCompositeFieldContainer[RefinementRound]
    final_round: int
    documents: _containers.RepeatedCompositeFieldContainer[_events_pb2.HarvestedDocument]
    trace: _containers.RepeatedCompositeFieldContainer[ToolUse]
    degraded: _containers.RepeatedScalarFieldContainer[str]
    timings_s: _containers.ScalarMap[str, float]
    def __init__(self, chemical: _Optional[str] = ..., focus: _Optional[str] = ..., plan_source: _Optional[str] = ..., subtasks: _Optional[_Iterable[_Union[ResearchSubtask, _Mapping]]] = ..., final_answer: _Optional[str] = ..., rounds: _Optional[_Iterable[_Union[RefinementRound, _Mapping]]] = ..., final_round: _Optional[int] = ..., documents: _Optional[_Iterable[_Union[_events_pb2.HarvestedDocument, _Mapping]]] = ..., trace: _Optional[_Iterable[_Union[ToolUse, _Mapping]]] = ..., degraded: _Optional[_Iterable[str]] = ..., timings_s: _Optional[_Mapping[str, float]] = ...) -> None: ...
