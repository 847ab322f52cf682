from autochem.v1 import common_pb2 as _common_pb2
from autochem.v1 import critique_pb2 as _critique_pb2
from autochem.v1 import design_pb2 as _design_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DesignConstraints(_message.Message):
    __slots__ = ("production_rate", "focus", "max_critique_rounds", "max_validation_rounds", "skip_retrieval", "test_time_scaling", "llm_critique", "max_new_tokens")
    PRODUCTION_RATE_FIELD_NUMBER: _ClassVar[int]
    FOCUS_FIELD_NUMBER: _ClassVar[int]
    MAX_CRITIQUE_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    MAX_VALIDATION_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    SKIP_RETRIEVAL_FIELD_NUMBER: _ClassVar[int]
    TEST_TIME_SCALING_FIELD_NUMBER: _ClassVar[int]
    LLM_CRITIQUE_FIELD_NUMBER: _ClassVar[int]
    MAX_NEW_TOKENS_FIELD_NUMBER: _ClassVar[int]
    production_rate: _common_pb2.Quantity
    focus: str
    max_critique_rounds: int
    max_validation_rounds: int
    skip_retrieval: bool
    test_time_scaling: bool
    llm_critique: bool
    max_new_tokens: int
    def __init__(self, production_rate: _Optional[_Union[_common_pb2.Quantity, _Mapping]] = ..., focus: _Optional[str] = ..., max_critique_rounds: _Optional[int] = ..., max_validation_rounds: _Optional[int] = ..., skip_retrieval: _Optional[bool] = ..., test_time_scaling: _Optional[bool] = ..., llm_critique: _Optional[bool] = ..., max_new_tokens: _Optional[int] = ...) -> None: ...

class DesignRequest(_message.Message):
    __slots__ = ("chemical", "constraints", "request_id")
    CHEMICAL_FIELD_NUMBER: _ClassVar[int]
    CONSTRAINTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    chemical: str
    constraints: DesignConstraints
    request_id: str
    def __init__(self, chemical: _Optional[str] = ..., constraints: _Optional[_Union[DesignConstraints, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class DesignRound(_message.Message):
    __slots__ = ("round", "stage", "counts", "scores", "fixed", "status")
    class ScoresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    ROUND_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    FIXED_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    round: int
    stage: str
    counts: _critique_pb2.IssueCounts
    scores: _containers.ScalarMap[str, float]
    fixed: _containers.RepeatedScalarFieldContainer[str]
    status: str
    def __init__(self, round: _Optional[int] = ..., stage: _Optional[str] = ..., counts: _Optional[_Union[_critique_pb2.IssueCounts, _Mapping]] = ..., scores: _Optional[_Mapping[str, float]] = ..., fixed: _Optional[_Iterable[str]] = ..., status: _Optional[str] = ...) -> None: ...

class DesignResponse(_message.Message):
    __slots__ = ("design", "rounds", "stage_seconds", "notes", "retrieval_used", "validated", "confidence", "assumptions", "version", "request_id", "model_version")
    class StageSecondsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    DESIGN_FIELD_NUMBER: _ClassVar[int]
    ROUNDS_FIELD_NUMBER: _ClassVar[int]
    STAGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    RETRIEVAL_USED_FIELD_NUMBER: _ClassVar[int]
    VALIDATED_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    ASSUMPTIONS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    design: _design_pb2.Design
    rounds: _containers.RepeatedCompositeFieldContainer[DesignRound]
    stage_seconds: _containers.ScalarMap[str, float]
    notes: _containers.RepeatedScalarFieldContainer[str]
    retrieval_used: bool
    validated: bool
    confidence: str
    assumptions: _containers.RepeatedScalarFieldContainer[str]
    version: int
    request_id: str
    model_version: str
    def __init__(self, design: _Optional[_Union[_design_pb2.Design, _Mapping]] = ..., rounds: _Optional[_Iterable[_Union[DesignRound, _Mapping]]] = ..., stage_seconds: _Optional[_Mapping[str, float]] = ..., notes: _Optional[_Iterable[str]] = ..., retrieval_used: _Optional[bool] = ..., validated: _Optional[bool] = ..., confidence: _Optional[str] = ..., assumptions: _Optional[_Iterable[str]] = ..., version: _Optional[int] = ..., request_id: _Optional[str] = ..., model_version: _Optional[str] = ...) -> None: ...

class DesignUpdate(_message.Message):
    __slots__ = ("stage", "message", "fraction", "elapsed_s", "result")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_S_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    stage: str
    message: str
    fraction: float
    elapsed_s: float
    result: DesignResponse
    def __init__(self, stage: _Optional[str] = ..., message: _Optional[str] = ..., fraction: _Optional[float] = ..., elapsed_s: _Optional[float] = ..., result: _Optional[_Union[DesignResponse, _Mapping]] = ...) -> None: ...

class GetDesignRequest(_message.Message):
    __slots__ = ("design_id", "version")
    DESIGN_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    design_id: str
    version: int
    def __init__(self, design_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...
