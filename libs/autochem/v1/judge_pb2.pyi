from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RewardWeights(_message.Message):
    __slots__ = ("helpfulness", "correctness", "coherence", "complexity", "verbosity")
    HELPFULNESS_FIELD_NUMBER: _ClassVar[int]
    CORRECTNESS_FIELD_NUMBER: _ClassVar[int]
    COHERENCE_FIELD_NUMBER: _ClassVar[int]
    COMPLEXITY_FIELD_NUMBER: _ClassVar[int]
    VERBOSITY_FIELD_NUMBER: _ClassVar[int]
    helpfulness: float
    correctness: float
    coherence: float
    complexity: float
    verbosity: float
    def __init__(self, helpfulness: _Optional[float] = ..., correctness: _Optional[float] = ..., coherence: _Optional[float] = ..., complexity: _Optional[float] = ..., verbosity: _Optional[float] = ...) -> None: ...

class AttributeScores(_message.Message):
    __slots__ = ("helpfulness", "correctness", "coherence", "complexity", "verbosity")
    HELPFULNESS_FIELD_NUMBER: _ClassVar[int]
    CORRECTNESS_FIELD_NUMBER: _ClassVar[int]
    COHERENCE_FIELD_NUMBER: _ClassVar[int]
    COMPLEXITY_FIELD_NUMBER: _ClassVar[int]
    VERBOSITY_FIELD_NUMBER: _ClassVar[int]
    helpfulness: float
    correctness: float
    coherence: float
    complexity: float
    verbosity: float
    def __init__(self, helpfulness: _Optional[float] = ..., correctness: _Optional[float] = ..., coherence: _Optional[float] = ..., complexity: _Optional[float] = ..., verbosity: _Optional[float] = ...) -> None: ...

class JudgeBreakdown(_message.Message):
    __slots__ = ("judge", "weight", "scores", "reward", "details", "flags")
    class DetailsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    JUDGE_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    REWARD_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    judge: str
    weight: float
    scores: AttributeScores
    reward: float
    details: _containers.ScalarMap[str, float]
    flags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, judge: _Optional[str] = ..., weight: _Optional[float] = ..., scores: _Optional[_Union[AttributeScores, _Mapping]] = ..., reward: _Optional[float] = ..., details: _Optional[_Mapping[str, float]] = ..., flags: _Optional[_Iterable[str]] = ...) -> None: ...

class ScoreResult(_message.Message):
    __slots__ = ("scores", "reward", "passed", "breakdown", "flags")
    SCORES_FIELD_NUMBER: _ClassVar[int]
    REWARD_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    BREAKDOWN_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    scores: AttributeScores
    reward: float
    passed: bool
    breakdown: _containers.RepeatedCompositeFieldContainer[JudgeBreakdown]
    flags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, scores: _Optional[_Union[AttributeScores, _Mapping]] = ..., reward: _Optional[float] = ..., passed: _Optional[bool] = ..., breakdown: _Optional[_Iterable[_Union[JudgeBreakdown, _Mapping]]] = ..., flags: _Optional[_Iterable[str]] = ...) -> None: ...

class ScoreRequest(_message.Message):
    __slots__ = ("prompt", "response", "context", "weights", "keep_threshold")
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    KEEP_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    prompt: str
    response: str
    context: str
    weights: RewardWeights
    keep_threshold: float
    def __init__(self, prompt: _Optional[str] = ..., response: _Optional[str] = ..., context: _Optional[str] = ..., weights: _Optional[_Union[RewardWeights, _Mapping]] = ..., keep_threshold: _Optional[float] = ...) -> None: ...

class ScoreResponse(_message.Message):
    __slots__ = ("result", "weights", "keep_threshold")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    KEEP_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    result: ScoreResult
    weights: RewardWeights
    keep_threshold: float
    def __init__(self, result: _Optional[_Union[ScoreResult, _Mapping]] = ..., weights: _Optional[_Union[RewardWeights, _Mapping]] = ..., keep_threshold: _Optional[float] = ...) -> None: ...

class ScoreItem(_message.Message):
    __slots__ = ("prompt", "response", "context")
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    prompt: str
    response: str
    context: str
    def __init__(self, prompt: _Optional[str] = ..., response: _Optional[str] = ..., context: _Optional[str] = ...) -> None: ...

class ScoreBatchRequest(_message.Message):
    __slots__ = ("items", "weights", "keep_threshold")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    KEEP_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[ScoreItem]
    weights: RewardWeights
    keep_threshold: float
    def __init__(self, items: _Optional[_Iterable[_Union[ScoreItem, _Mapping]]] = ..., weights: _Optional[_Union[RewardWeights, _Mapping]] = ..., keep_threshold: _Optional[float] = ...) -> None: ...

class ScoreBatchResponse(_message.Message):
    __slots__ = ("results", "weights", "keep_threshold")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    KEEP_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[ScoreResult]
    weights: RewardWeights
    keep_threshold: float
    def __init__(self, results: _Optional[_Iterable[_Union[ScoreResult, _Mapping]]] = ..., weights: _Optional[_Union[RewardWeights, _Mapping]] = ..., keep_threshold: _Optional[float] = ...) -> None: ...

class PreferenceRequest(_message.Message):
    __slots__ = ("prompt", "chosen", "rejected", "context", "weights", "min_gap")
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    CHOSEN_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    MIN_GAP_FIELD_NUMBER: _ClassVar[int]
    prompt: str
    chosen: str
    rejected: str
    context: str
    weights: RewardWeights
    min_gap: float
    def __init__(self, prompt: _Optional[str] = ..., chosen: _Optional[str] = ..., rejected: _Optional[str] = ..., context: _Optional[str] = ..., weights: _Optional[_Union[RewardWeights, _Mapping]] = ..., min_gap: _Optional[float] = ...) -> None: ...

class PreferenceResponse(_message.Message):
    __slots__ = ("gap", "passed", "chosen", "rejected", "weights", "min_gap")
    GAP_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    CHOSEN_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    MIN_GAP_FIELD_NUMBER: _ClassVar[int]
    gap: float
    passed: bool
    chosen: ScoreResult
    rejected: ScoreResult
    weights: RewardWeights
    min_gap: float
    def __init__(self, gap: _Optional[float] = ..., passed: _Optional[bool] = ..., chosen: _Optional[_Union[ScoreResult, _Mapping]] = ..., rejected: _Optional[_Union[ScoreResult, _Mapping]] = ..., weights: _Optional[_Union[RewardWeights, _Mapping]] = ..., min_gap: _Optional[float] = ...) -> None: ...
