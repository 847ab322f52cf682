"""The one interface every language-model backend implements, and the request/response types.

Backends: the local engine (transformers weights, paged int8/int4 KV cache, continuous batching,
lookahead decoding), llama.cpp, TGI, OpenAI-compatible servers, and the slm-inference gRPC service
itself (so judges and the designer call a remote model exactly like a local one).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from autochem.errors import InvalidArgument

# Bounds on sampling parameters: anything outside is a caller error (INVALID_ARGUMENT), not a model error.
MAX_NEW_TOKENS_LIMIT = 8192
MAX_STOP_SEQUENCES = 16
MAX_STOP_CHARS = 200


class Decoding(StrEnum):
    AUTO = "auto"  # greedy when temperature == 0, else sampling
    GREEDY = "greedy"
    SAMPLE = "sample"
    LOOKAHEAD = "lookahead"  # greedy-equivalent output, fewer forward passes


class FinishReason(StrEnum):
    STOP = "stop"  # end-of-sequence token or a stop string
    LENGTH = "length"  # max_new_tokens reached
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ChatMessage:
    role: str  # system | user | assistant
    content: str


@dataclass(frozen=True)
class SamplingParams:
    max_new_tokens: int = 256
    temperature: float = 0.0
    top_p: float = 1.0
    top_k: int = 0  # 0: no top-k cut
    seed: int | None = None
    stop: tuple[str, ...] = ()
    decoding: Decoding = Decoding.AUTO
    logprobs: bool = False  # per generated token: log p(token) and the entropy of the distribution
    lookahead_window: int = 0  # lookahead N (Jacobi iterations kept); 0: backend default
    lookahead_ngram: int = 0  # lookahead L (n-gram size); 0: backend default

    def validate(self) -> None:
        """Raise InvalidArgument naming the first absurd parameter."""
        if not 1 <= self.max_new_tokens <= MAX_NEW_TOKENS_LIMIT:
            raise InvalidArgument("params.max_new_tokens", f"must be in 1..{MAX_NEW_TOKENS_LIMIT}")
        if not (math.isfinite(self.temperature) and 0.0 <= self.temperature <= 5.0):
            raise InvalidArgument("params.temperature", "must be a finite number in 0..5")
        if not (math.isfinite(self.top_p) and 0.0 < self.top_p <= 1.0):
            raise InvalidArgument("params.top_p", "must be in (0, 1]")
        if not 0 <= self.top_k <= 100_000:
            raise InvalidArgument("params.top_k", "must be in 0..100000")
        if self.seed is not None and not 0 <= self.seed < 2**63:
            raise InvalidArgument("params.seed", "must be a non-negative 63-bit integer")
        if len(self.stop) > MAX_STOP_SEQUENCES:
            raise InvalidArgument("params.stop", f"at most {MAX_STOP_SEQUENCES} stop sequences")
        for i, s in enumerate(self.stop):
            if not s or len(s) > MAX_STOP_CHARS:
                raise InvalidArgument(f"params.stop[{i}]", f"must be 1..{MAX_STOP_CHARS} characters")
        if self.decoding in (Decoding.GREEDY, Decoding.LOOKAHEAD) and self.temperature not in (0.0,):
            raise InvalidArgument("params.temperature", f"{self.decoding} decoding needs temperature 0")
        if self.decoding is Decoding.SAMPLE and self.temperature == 0.0:
            raise InvalidArgument("params.temperature", "sampling needs temperature > 0")
        if not 0 <= self.lookahead_window <= 64 or not 0 <= self.lookahead_ngram <= 16:
            raise InvalidArgument("params.lookahead_window", "lookahead window must be 0..64 and n-gram 0..16")

    @property
    def greedy(self) -> bool:
        return self.decoding in (Decoding.GREEDY, Decoding.LOOKAHEAD) or (
            self.decoding is Decoding.AUTO and self.temperature == 0.0
        )


@dataclass(frozen=True)
class GenerationRequest:
    """A prompt (raw text, used as is) or chat messages (rendered with the model's chat template)."""

    prompt: str = ""
    messages: tuple[ChatMessage, ...] = ()
    params: SamplingParams = field(default_factory=SamplingParams)
    model_version: str | None = None  # None: whatever version is being served
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def validate(self) -> None:
        if bool(self.prompt) == bool(self.messages):
            raise InvalidArgument("prompt", "give exactly one of prompt or messages, non-empty")
        if self.prompt and not self.prompt.strip():
            raise InvalidArgument("prompt", "must not be blank")
        for i, m in enumerate(self.messages):
            if m.role not in ("system", "user", "assistant"):
                raise InvalidArgument(f"messages[{i}].role", "must be system, user or assistant")
            if not m.content.strip():
                raise InvalidArgument(f"messages[{i}].content", "must not be blank")
        self.params.validate()


@dataclass
class TokenEvent:
    """One streamed step: one or more new tokens (lookahead may accept several at once)."""

    token_ids: list[int]
    text: str  # the text these tokens add (may be "" while a multi-byte character is incomplete)
    logprobs: list[float] | None = None
    entropies: list[float] | None = None


@dataclass
class GenerationResult:
    text: str
    token_ids: list[int]
    finish_reason: FinishReason
    prompt_tokens: int
    model_version: str
    logprobs: list[float] | None = None
    entropies: list[float] | None = None
    forward_passes: int = 0  # how many model forward calls produced this (lookahead < tokens)


@dataclass(frozen=True)
class ModelInfo:
    backend: str  # "local", "llama.cpp", "tgi", "openai", "grpc"
    model_name: str
    model_version: str
    max_context_tokens: int


@runtime_checkable
class GenerationBackend(Protocol):
    """What a language model offers the rest of the system.

    ``stream`` yields TokenEvents; closing the async iterator (or cancelling the task consuming it)
    cancels the request and frees its resources. ``generate`` collects a stream. ``continuation_logprobs``
    returns, for each continuation, log p(continuation | prompt) summed over its tokens — what the
    logprob-weighted Likert judge needs. Invalid requests raise autochem.errors.InvalidArgument;
    overload raises ResourceExhausted; an unknown model version raises InvalidArgument on model_version.
    """

    def info(self) -> ModelInfo: ...

    async def start(self) -> None: ...

    def stream(self, request: GenerationRequest) -> AsyncIterator[TokenEvent]: ...

    async def generate(self, request: GenerationRequest) -> GenerationResult: ...

    async def continuation_logprobs(
        self, prompt: str | Sequence[ChatMessage], continuations: Sequence[str]
    ) -> list[float]: ...

    def count_tokens(self, text: str) -> int: ...

    async def close(self) -> None: ...
