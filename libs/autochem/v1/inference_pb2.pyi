from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Decoding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECODING_AUTO: _ClassVar[Decoding]
    DECODING_GREEDY: _ClassVar[Decoding]
    DECODING_SAMPLE: _ClassVar[Decoding]
    DECODING_LOOKAHEAD: _ClassVar[Decoding]

class FinishReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FINISH_REASON_UNSPECIFIED: _ClassVar[FinishReason]
    FINISH_REASON_STOP: _ClassVar[FinishReason]
    FINISH_REASON_LENGTH: _ClassVar[FinishReason]
    FINISH_REASON_CANCELLED: _ClassVar[FinishReason]
DECODING_AUTO: Decoding
DECODING_GREEDY: Decoding
DECODING_SAMPLE: Decoding
DECODING_LOOKAHEAD: Decoding
FINISH_REASON_UNSPECIFIED: FinishReason
FINISH_REASON_STOP: FinishReason
FINISH_REASON_LENGTH: FinishReason
FINISH_REASON_CANCELLED: FinishReason

class ChatMessage(_message.Message):
    __slots__ = ("role", "content")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    role: str
    content: str
    def __init__(self, role: _Optional[str] = ..., content: _Optional[str] = ...) -> None: ...

class SamplingParams(_message.Message):
    __slots__ = ("max_new_tokens", "temperature", "top_p", "top_k", "seed", "stop", "decoding", "logprobs", "lookahead_window", "lookahead_ngram")
    MAX_NEW_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    DECODING_FIELD_NUMBER: _ClassVar[int]
    LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    LOOKAHEAD_WINDOW_FIELD_NUMBER: _ClassVar[int]
    LOOKAHEAD_NGRAM_FIELD_NUMBER: _ClassVar[int]
    max_new_tokens: int
    temperature: float
    top_p: float
    top_k: int
    seed: int
    stop: _containers.RepeatedScalarFieldContainer[str]
    decoding: Decoding
    logprobs: bool
    lookahead_window: int
    lookahead_ngram: int
    def __init__(self, max_new_tokens: _Optional[int] = ..., temperature: _Optional[float] = ..., top_p: _Optional[float] = ..., top_k: _Optional[int] = ..., seed: _Optional[int] = ..., stop: _Optional[_Iterable[str]] = ..., decoding: _Optional[_Union[Decoding, str]] = ..., logprobs: _Optional[bool] = ..., lookahead_window: _Optional[int] = ..., lookahead_ngram: _Optional[int] = ...) -> None: ...

class TestTimeScaling(_message.Message):
    __slots__ = ("n", "top_k", "lambda_weight", "revise", "max_new_tokens")
    N_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    LAMBDA_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    REVISE_FIELD_NUMBER: _ClassVar[int]
    MAX_NEW_TOKENS_FIELD_NUMBER: _ClassVar[int]
    n: int
    top_k: int
    lambda_weight: float
    revise: bool
    max_new_tokens: int
    def __init__(self, n: _Optional[int] = ..., top_k: _Optional[int] = ..., lambda_weight: _Optional[float] = ..., revise: _Optional[bool] = ..., max_new_tokens: _Optional[int] = ...) -> None: ...

class GenerateRequest(_message.Message):
    __slots__ = ("prompt", "messages", "model_version", "params", "test_time_scaling", "request_id")
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    TEST_TIME_SCALING_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    prompt: str
    messages: _containers.RepeatedCompositeFieldContainer[ChatMessage]
    model_version: str
    params: SamplingParams
    test_time_scaling: TestTimeScaling
    request_id: str
    def __init__(self, prompt: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[ChatMessage, _Mapping]]] = ..., model_version: _Optional[str] = ..., params: _Optional[_Union[SamplingParams, _Mapping]] = ..., test_time_scaling: _Optional[_Union[TestTimeScaling, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class TtsCandidate(_message.Message):
    __slots__ = ("text", "weighted_entropy", "mean_logprob", "score", "kept", "revised_text", "answer")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    WEIGHTED_ENTROPY_FIELD_NUMBER: _ClassVar[int]
    MEAN_LOGPROB_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    KEPT_FIELD_NUMBER: _ClassVar[int]
    REVISED_TEXT_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    text: str
    weighted_entropy: float
    mean_logprob: float
    score: float
    kept: bool
    revised_text: str
    answer: str
    def __init__(self, text: _Optional[str] = ..., weighted_entropy: _Optional[float] = ..., mean_logprob: _Optional[float] = ..., score: _Optional[float] = ..., kept: _Optional[bool] = ..., revised_text: _Optional[str] = ..., answer: _Optional[str] = ...) -> None: ...

class TestTimeScalingResult(_message.Message):
    __slots__ = ("candidates", "answer", "votes", "weighting", "chosen_text")
    class VotesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    VOTES_FIELD_NUMBER: _ClassVar[int]
    WEIGHTING_FIELD_NUMBER: _ClassVar[int]
    CHOSEN_TEXT_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[TtsCandidate]
    answer: str
    votes: _containers.ScalarMap[str, int]
    weighting: str
    chosen_text: str
    def __init__(self, candidates: _Optional[_Iterable[_Union[TtsCandidate, _Mapping]]] = ..., answer: _Optional[str] = ..., votes: _Optional[_Mapping[str, int]] = ..., weighting: _Optional[str] = ..., chosen_text: _Optional[str] = ...) -> None: ...

class GenerateResponse(_message.Message):
    __slots__ = ("text", "token_ids", "logprobs", "entropies", "finish_reason", "prompt_tokens", "completion_tokens", "model_version", "forward_passes", "test_time_scaling", "request_id")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TOKEN_IDS_FIELD_NUMBER: _ClassVar[int]
    LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    ENTROPIES_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    FORWARD_PASSES_FIELD_NUMBER: _ClassVar[int]
    TEST_TIME_SCALING_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    text: str
    token_ids: _containers.RepeatedScalarFieldContainer[int]
    logprobs: _containers.RepeatedScalarFieldContainer[float]
    entropies: _containers.RepeatedScalarFieldContainer[float]
    finish_reason: FinishReason
    prompt_tokens: int
    completion_tokens: int
    model_version: str
    forward_passes: int
    test_time_scaling: TestTimeScalingResult
    request_id: str
    def __init__(self, text: _Optional[str] = ..., token_ids: _Optional[_Iterable[int]] = ..., logprobs: _Optional[_Iterable[float]] = ..., entropies: _Optional[_Iterable[float]] = ..., finish_reason: _Optional[_Union[FinishReason, str]] = ..., prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., model_version: _Optional[str] = ..., forward_passes: _Optional[int] = ..., test_time_scaling: _Optional[_Union[TestTimeScalingResult, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GenerateChunk(_message.Message):
    __slots__ = ("text", "token_ids", "logprobs", "entropies", "finish_reason", "completion_tokens", "model_version", "request_id")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TOKEN_IDS_FIELD_NUMBER: _ClassVar[int]
    LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    ENTROPIES_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    text: str
    token_ids: _containers.RepeatedScalarFieldContainer[int]
    logprobs: _containers.RepeatedScalarFieldContainer[float]
    entropies: _containers.RepeatedScalarFieldContainer[float]
    finish_reason: FinishReason
    completion_tokens: int
    model_version: str
    request_id: str
    def __init__(self, text: _Optional[str] = ..., token_ids: _Optional[_Iterable[int]] = ..., logprobs: _Optional[_Iterable[float]] = ..., entropies: _Optional[_Iterable[float]] = ..., finish_reason: _Optional[_Union[FinishReason, str]] = ..., completion_tokens: _Optional[int] = ..., model_version: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ScoreContinuationsRequest(_message.Message):
    __slots__ = ("prompt", "messages", "continuations", "model_version")
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    CONTINUATIONS_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    prompt: str
    messages: _containers.RepeatedCompositeFieldContainer[ChatMessage]
    continuations: _containers.RepeatedScalarFieldContainer[str]
    model_version: str
    def __init__(self, prompt: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[ChatMessage, _Mapping]]] = ..., continuations: _Optional[_Iterable[str]] = ..., model_version: _Optional[str] = ...) -> None: ...

class ScoreContinuationsResponse(_message.Message):
    __slots__ = ("logprobs", "model_version")
    LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    logprobs: _containers.RepeatedScalarFieldContainer[float]
    model_version: str
    def __init__(self, logprobs: _Optional[_Iterable[float]] = ..., model_version: _Optional[str] = ...) -> None: ...

class ListModelsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ModelInfo(_message.Message):
    __slots__ = ("backend", "model_name", "model_version", "max_context_tokens", "current", "in_flight")
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    MAX_CONTEXT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    backend: str
    model_name: str
    model_version: str
    max_context_tokens: int
    current: bool
    in_flight: int
    def __init__(self, backend: _Optional[str] = ..., model_name: _Optional[str] = ..., model_version: _Optional[str] = ..., max_context_tokens: _Optional[int] = ..., current: _Optional[bool] = ..., in_flight: _Optional[int] = ...) -> None: ...

class ListModelsResponse(_message.Message):
    __slots__ = ("models", "current_version")
    MODELS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[ModelInfo]
    current_version: str
    def __init__(self, models: _Optional[_Iterable[_Union[ModelInfo, _Mapping]]] = ..., current_version: _Optional[str] = ...) -> None: ...
