"""A GenerationBackend over llama.cpp (llama-cpp-python) on a GGUF file, one request at a time.

The Llama object is created with ``logits_all``: per-token logprobs/entropies and continuation scoring
read the logits of every position (memory: n_ctx x vocab floats, ~0.8 GB at 4096 x 49152).
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from autochem.errors import FailedPrecondition
from autochem.inference.api import (
    ChatMessage,
    FinishReason,
    GenerationRequest,
    ModelInfo,
    TokenEvent,
)
from autochem.inference.backends.common import (
    SingleSequenceWorkerBackend,
    StopStringTracker,
    WorkerJob,
    chat_dicts,
    check_context,
    request_prompt,
)


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits.astype(np.float64) - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class LlamaCppBackend(SingleSequenceWorkerBackend):
    backend_name = "llama.cpp"

    def __init__(
        self,
        gguf_path: str | Path,
        *,
        model_version: str,
        model_name: str | None = None,
        n_ctx: int = 4096,
        n_threads: int | None = None,
    ) -> None:
        self.gguf_path = Path(gguf_path)
        self.model_version = model_version
        self.model_name = model_name or self.gguf_path.stem
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self._llm = None
        self._chat_formatter = None
        # One Llama context serves one sequence; the base class's worker lock keeps a cancelled request's
        # thread and the next request out of the context at the same time.
        super().__init__()

    async def start(self) -> None:
        await asyncio.to_thread(self._load)

    def _load(self) -> None:
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError as exc:
            raise FailedPrecondition(f"backend llama.cpp needs llama-cpp-python ({exc})") from exc
        self._llm = Llama(
            model_path=str(self.gguf_path),
            n_ctx=self.n_ctx,
            n_threads=self.n_threads,
            logits_all=True,
            verbose=False,
        )
        template = self._llm.metadata.get("tokenizer.chat_template")
        if template:
            eos = self._llm.detokenize([self._llm.token_eos()], special=True).decode(errors="replace")
            bos = self._llm.detokenize([self._llm.token_bos()], special=True).decode(errors="replace")
            self._chat_formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)

    async def close(self) -> None:
        async with self._one_at_a_time:
            await asyncio.to_thread(self._close_locked)

    def _close_locked(self) -> None:
        with self._worker_lock:  # waits for a cancelled request's thread to leave the context
            if self._llm is not None:
                self._llm.close()
                self._llm = None

    def info(self) -> ModelInfo:
        return ModelInfo(self.backend_name, self.model_name, self.model_version, self.n_ctx)

    def _tokenize(self, text: str) -> list[int]:
        # special=True: chat-template markers such as <|im_start|> are single tokens, as the model was trained.
        return self._llm.tokenize(text.encode(), add_bos=True, special=True)

    def count_tokens(self, text: str) -> int:
        return len(self._tokenize(text))

    def _render(self, prompt: str | Sequence[ChatMessage]) -> str:
        if isinstance(prompt, str):
            return prompt
        if self._chat_formatter is None:
            raise FailedPrecondition(f"{self.gguf_path.name} has no chat template; send a raw prompt")
        return self._chat_formatter(messages=chat_dicts(prompt)).prompt

    def _prompt_ids(self, request: GenerationRequest) -> list[int]:
        request.validate()
        ids = self._tokenize(self._render(request_prompt(request)))
        check_context(len(ids), request.params.max_new_tokens, self.n_ctx)
        return ids

    def _generate_blocking(self, job: WorkerJob) -> None:
        llm, p = self._llm, job.params
        if llm is None:
            raise RuntimeError("backend is closed")
        llm.set_seed(p.seed if p.seed is not None else random.getrandbits(31))
        eos = llm.token_eos()
        tracker = StopStringTracker(p.stop)
        ids: list[int] = []
        tokens = llm.generate(
            job.prompt_ids,
            top_k=p.top_k,
            top_p=p.top_p,
            min_p=0.0,
            temp=0.0 if p.greedy else p.temperature,  # llama.cpp samples greedily at temp 0
            repeat_penalty=1.0,
            reset=True,
        )
        try:
            for token in tokens:
                job.generated += 1
                if token == eos:
                    job.finish_reason = FinishReason.STOP
                    break
                ids.append(token)
                text = llm.detokenize(ids).decode("utf-8", errors="replace")
                delta, stopped = tracker.feed(text)
                event = TokenEvent(token_ids=[token], text=delta)
                if p.logprobs:
                    # The logits that produced this token are those of the last evaluated position.
                    logp = _log_softmax(llm.scores[llm.n_tokens - 1])
                    event.logprobs = [float(logp[token])]
                    event.entropies = [float(-(np.exp(logp) * logp).sum())]
                job.emit(event)
                if stopped:
                    job.finish_reason = FinishReason.STOP
                    break
                if job.cancel.is_set():
                    job.finish_reason = FinishReason.CANCELLED
                    break
                if len(ids) >= p.max_new_tokens:
                    break
        finally:
            tokens.close()
        if tail := tracker.flush():
            job.emit(TokenEvent(token_ids=[], text=tail))

    async def continuation_logprobs(
        self, prompt: str | Sequence[ChatMessage], continuations: Sequence[str]
    ) -> list[float]:
        prompt_ids = self._tokenize(self._render(prompt))
        cancel = threading.Event()
        async with self._one_at_a_time:
            try:
                return await run_on_daemon_thread(
                    self._score_blocking, prompt_ids, list(continuations), cancel
                )
            except asyncio.CancelledError:
                cancel.set()  # the caller went away: stop before the next continuation
                raise

    def _score_blocking(
        self, prompt_ids: list[int], continuations: list[str], cancel: threading.Event
    ) -> list[float]:
        with self._worker_lock:
            return self._score_locked(prompt_ids, continuations, cancel)

    def _score_locked(
        self, prompt_ids: list[int], continuations: list[str], cancel: threading.Event
    ) -> list[float]:
        llm = self._llm
        if llm is None:
            raise RuntimeError("backend is closed")
        encoded = [llm.tokenize(c.encode(), add_bos=False, special=False) for c in continuations]
        for cont_ids in encoded:
            check_context(len(prompt_ids), len(cont_ids), self.n_ctx)
        # The prompt is evaluated once; each continuation is evaluated from the prompt's cached state
        # (rewinding n_tokens drops the previous continuation from the KV cache in Llama.eval).
        n_prompt = len(prompt_ids)
        llm.reset()
        llm.eval(prompt_ids)
        last_prompt_logits = np.array(llm.scores[n_prompt - 1], copy=True)
        scores = []
        for cont_ids in encoded:
            if cancel.is_set():
                raise RuntimeError("scoring cancelled")
            llm.n_tokens = n_prompt
            llm.eval(cont_ids)
            rows = np.vstack(
                [last_prompt_logits[None, :], llm.scores[n_prompt : n_prompt + len(cont_ids) - 1]]
            )
            logp = _log_softmax(rows)
            scores.append(float(logp[np.arange(len(cont_ids)), cont_ids].sum()))
        return scores


def run_on_daemon_thread(fn, *args):
    """Run blocking ``fn(*args)`` on a daemon thread and await its result.

    Not the loop's default executor: interpreter shutdown joins executor threads, so a long llama.cpp
    evaluation whose caller already gave up would hold up a SIGTERM'd service for its whole duration.
    """
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result=None, error=None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def work() -> None:
        try:
            result = fn(*args)
        except BaseException as exc:  # handed to the awaiting coroutine
            outcome = {"error": exc}
        else:
            outcome = {"result": result}
        try:
            loop.call_soon_threadsafe(lambda: settle(**outcome))
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            pass

    threading.Thread(target=work, name="llama-cpp-score", daemon=True).start()
    return future
