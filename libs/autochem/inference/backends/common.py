"""Pieces every backend shares: prompt rendering, context checks, incremental detokenization with stop
strings, entropy from top-k logprobs, and the one way a stream is collected into a result."""

from __future__ import annotations

import asyncio
import contextlib
import math
import threading
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

from autochem.errors import FailedPrecondition, InvalidArgument
from autochem.inference.api import (
    ChatMessage,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    SamplingParams,
    TokenEvent,
)


def chat_dicts(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.content} for m in messages]


def render_prompt(tokenizer, prompt: str | Sequence[ChatMessage]) -> str:
    """Raw text as is; chat messages through the tokenizer's chat template, ready for the assistant turn."""
    if isinstance(prompt, str):
        return prompt
    if tokenizer is None or not getattr(tokenizer, "chat_template", None):
        raise FailedPrecondition("chat messages need a tokenizer with a chat template; send a raw prompt")
    return tokenizer.apply_chat_template(chat_dicts(prompt), add_generation_prompt=True, tokenize=False)


def request_prompt(request: GenerationRequest) -> str | tuple[ChatMessage, ...]:
    return request.prompt or request.messages


def check_context(prompt_tokens: int, max_new_tokens: int, context_tokens: int) -> None:
    """The prompt and the longest possible completion must fit the model's context window."""
    if prompt_tokens >= context_tokens:
        raise InvalidArgument(
            "prompt", f"{prompt_tokens} tokens do not fit the model's {context_tokens}-token context"
        )
    if prompt_tokens + max_new_tokens > context_tokens:
        raise InvalidArgument(
            "params.max_new_tokens",
            f"prompt ({prompt_tokens} tokens) + max_new_tokens ({max_new_tokens}) exceeds the "
            f"model's {context_tokens}-token context",
        )


def estimate_tokens(text: str) -> int:
    """Token count when no tokenizer is at hand (remote servers): ~4 characters a token for English BPE.
    Only used for admission checks; the server enforces the real limit."""
    return max(1, math.ceil(len(text) / 4)) if text else 0


def count_tokens_or_estimate(tokenizer, text: str) -> int:
    """Exact count with the model's tokenizer when a remote backend was given one, else the estimate."""
    if tokenizer is not None:
        return len(tokenizer(text, add_special_tokens=False).input_ids)
    return estimate_tokens(text)


def entropy_from_top_logprobs(top_logprobs: Sequence[float]) -> float:
    """Entropy (nats) of a distribution known only through its top-k log-probabilities: the unseen mass
    is one extra outcome. A lower bound on the true entropy; exact when k covers the support."""
    probs = [math.exp(lp) for lp in top_logprobs if lp is not None and math.isfinite(lp)]
    rest = max(0.0, 1.0 - sum(probs))
    return -sum(p * math.log(p) for p in [*probs, rest] if p > 0.0)


class StopStringTracker:
    """Turns a growing completion text into safe-to-emit deltas.

    Holds back text that might be the start of a stop string (so a stop string is never streamed) and
    text ending in an incomplete UTF-8 sequence (U+FFFD from the detokenizer). ``feed`` takes the full
    decoded completion so far and returns (new text to emit, stopped)."""

    def __init__(self, stop: Sequence[str]) -> None:
        self.stop = tuple(stop)
        self.emitted = 0  # characters of the completion already handed out
        self.text = ""  # the completion, cut at the stop string once one is found

    def feed(self, full_text: str) -> tuple[str, bool]:
        # A stop string may straddle the last emitted position; search a little before it. The earliest
        # occurrence of any of them ends the text.
        hits = [at for s in self.stop if (at := full_text.find(s, max(0, self.emitted - len(s) + 1))) != -1]
        if hits:
            self.text = full_text[: min(hits)]
            return self._take(len(self.text)), True
        self.text = full_text
        # An incomplete UTF-8 sequence decodes as U+FFFD until its last byte arrives.
        complete = len(full_text.rstrip("\ufffd"))
        safe = complete
        for s in self.stop:
            for k in range(min(len(s) - 1, complete), 0, -1):
                if full_text[complete - k : complete] == s[:k]:
                    safe = min(safe, complete - k)
                    break
        return self._take(max(safe, self.emitted)), False

    def flush(self) -> str:
        """At the end of generation everything not cut by a stop string is final."""
        return self._take(len(self.text.rstrip("\ufffd")))

    def _take(self, upto: int) -> str:
        delta = self.text[self.emitted : upto]
        self.emitted = max(self.emitted, upto)
        return delta


async def collect_stream(
    events: AsyncIterator[TokenEvent],
    request: GenerationRequest,
    *,
    prompt_tokens: int,
    model_version: str,
    finish_reason: Callable[[], FinishReason],
    forward_passes: Callable[[], int] | None = None,
) -> GenerationResult:
    """Gather a backend's own stream into a GenerationResult (``finish_reason`` is read at the end)."""
    text: list[str] = []
    token_ids: list[int] = []
    logprobs: list[float] = []
    entropies: list[float] = []
    async for event in events:
        text.append(event.text)
        token_ids += event.token_ids
        logprobs += event.logprobs or []
        entropies += event.entropies or []
    wants = request.params.logprobs
    return GenerationResult(
        text="".join(text),
        token_ids=token_ids,
        finish_reason=finish_reason(),
        prompt_tokens=prompt_tokens,
        model_version=model_version,
        logprobs=logprobs if wants else None,
        entropies=entropies if wants and entropies else None,
        forward_passes=forward_passes() if forward_passes else len(token_ids),
    )


@dataclass
class WorkerJob:
    """One generate call: built on the event loop, run on a worker thread, streamed back through a queue."""

    prompt_ids: list[int]
    params: SamplingParams
    loop: asyncio.AbstractEventLoop
    events: asyncio.Queue = field(default_factory=asyncio.Queue)  # TokenEvent, then None at the end
    cancel: threading.Event = field(default_factory=threading.Event)
    finish_reason: FinishReason = FinishReason.LENGTH
    generated: int = 0

    def emit(self, event: TokenEvent | None) -> None:
        self.loop.call_soon_threadsafe(self.events.put_nowait, event)


class SingleSequenceWorkerBackend(ABC):
    """Streaming, cancellation and result collection for backends that run one sequence at a time on a
    worker thread (transformers ``generate``, a llama.cpp context).

    Subclasses set ``model_version`` and implement ``_prompt_ids(request)`` (validate, render, tokenize,
    check the context) and ``_generate_blocking(job)`` (runs on the worker thread, emits TokenEvents and
    sets ``job.finish_reason``/``job.generated``). ``_worker_lock`` is held by the worker thread for the
    whole generation: a request cancelled on the event loop may still be inside the model, and the next
    request must not enter it until that thread leaves.
    """

    model_version: str

    def __init__(self) -> None:
        self._one_at_a_time = asyncio.Lock()  # orders requests on the event loop
        self._worker_lock = threading.Lock()  # held by the thread that is inside the model

    @abstractmethod
    def _prompt_ids(self, request: GenerationRequest) -> list[int]:
        """Validate the request, render it, tokenize it and check it fits the context."""

    @abstractmethod
    def _generate_blocking(self, job: WorkerJob) -> None:
        """Run the generation on the worker thread, emitting TokenEvents through ``job.emit``."""

    def stream(self, request: GenerationRequest) -> AsyncIterator[TokenEvent]:
        return self._stream(request, None)

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        holder: list[WorkerJob] = []
        result = await collect_stream(
            self._stream(request, holder),
            request,
            prompt_tokens=0,
            model_version=self.model_version,
            finish_reason=lambda: holder[0].finish_reason,
        )
        result.prompt_tokens = len(holder[0].prompt_ids)
        result.forward_passes = holder[0].generated
        return result

    async def _stream(
        self, request: GenerationRequest, holder: list[WorkerJob] | None
    ) -> AsyncIterator[TokenEvent]:
        job = WorkerJob(self._prompt_ids(request), request.params, asyncio.get_running_loop())
        if holder is not None:
            holder.append(job)
        async with self._one_at_a_time:
            worker = asyncio.get_running_loop().run_in_executor(None, self._run_worker, job)
            try:
                while (event := await job.events.get()) is not None:
                    yield event
                await worker  # re-raises a failure of the worker thread
            finally:
                job.cancel.set()  # the consumer went away (closed, cancelled): stop at the next step
                if not worker.done():
                    with contextlib.suppress(BaseException):
                        await asyncio.shield(worker)

    def _run_worker(self, job: WorkerJob) -> None:
        try:
            with self._worker_lock:
                self._generate_blocking(job)
        finally:
            job.emit(None)
