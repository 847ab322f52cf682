from autochem.v1 import common_pb2 as _common_pb2
from autochem.v1 import design_pb2 as _design_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CritiqueOptions(_message.Message):
    __slots__ = ("use_llm", "use_judge", "max_issues")
    USE_LLM_FIELD_NUMBER: _ClassVar[int]
    USE_JUDGE_FIELD_NUMBER: _ClassVar[int]
    MAX_ISSUES_FIELD_NUMBER: _ClassVar[int]
    use_llm: bool
    use_judge: bool
    max_issues: int
    def __init__(self, use_llm: _Optional[bool] = ..., use_judge: _Optional[bool] = ..., max_issues: _Optional[int] = ...) -> None: ...

class CritiqueRequest(_message.Message):
    __slots__ = ("design", "options")
    DESIGN_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    design: _design_pb2.Design
    options: CritiqueOptions
    def __init__(self, design: _Optional[_Union[_design_pb2.Design, _Mapping]] = ..., options: _Optional[_Union[CritiqueOptions, _Mapping]] = ...) -> None: ...

class IssueCounts(_message.Message):
    __slots__ = ("info", "warning", "error", "blocking", "omitted")
    INFO_FIELD_NUMBER: _ClassVar[int]
    WARNING_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    BLOCKING_FIELD_NUMBER: _ClassVar[int]
    OMITTED_FIELD_NUMBER: _ClassVar[int]
    info: int
    warning: int
    error: int
    blocking: int
    omitted: int
    def __init__(self, info: _Optional[int] = ..., warning: _Optional[int] = ..., error: _Optional[int] = ..., blocking: _Optional[int] = ..., omitted: _Optional[int] = ...) -> None: ...

class CritiqueResponse(_message.Message):
    __slots__ = ("issues", "scores", "blocking", "counts", "summary")
    class ScoresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    ISSUES_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    BLOCKING_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    issues: _containers.RepeatedCompositeFieldContainer[_common_pb2.Issue]
    scores: _containers.ScalarMap[str, float]
    blocking: bool
    counts: IssueCounts
    summary: str
    def __init__(self, issues: _Optional[_Iterable[_Union[_common_pb2.Issue, _Mapping]]] = ..., scores: _Optional[_Mapping[str, float]] = ..., blocking: _Optional[bool] = ..., counts: _Optional[_Union[IssueCounts, _Mapping]] = ..., summary: _Optional[str] = ...) -> None: ...
