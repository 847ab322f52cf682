"""Plain transformers ``generate`` on a model from a ModelSource, one request at a time.

This is the reference backend and the "sequential plain transformers generate" baseline the optimized
local engine is measured against: no batching, no paged cache, stock ``model.generate``. Streaming,
cancellation, stop strings and per-token logprobs/entropies are added through generate's own hooks
(a streamer, a stopping criterion and a logits processor), so the decoding itself stays stock.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Sequence
from pathlib import Path

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
    check_context,
    render_prompt,
    request_prompt,
)
from autochem.inference.models import ModelSource, load_causal_lm, load_tokenizer

log = logging.getLogger(__name__)


class HfGenerateBackend(SingleSequenceWorkerBackend):
    """A GenerationBackend over stock ``transformers`` ``generate``.

    ``model``/``tokenizer`` may be passed in already loaded (tests share one copy between backends);
    otherwise :meth:`start` loads them from ``source``. ``adapter_path`` is a PEFT LoRA adapter directory
    merged into (a private copy of) the base weights.
    """

    backend_name = "hf"

    def __init__(
        self,
        source: ModelSource,
        *,
        model_version: str,
        adapter_path: str | Path | None = None,
        model=None,
        tokenizer=None,
    ) -> None:
        self.source = source
        self.model_version = model_version
        self.adapter_path = Path(adapter_path) if adapter_path else None
        self._model = model
        self._tokenizer = tokenizer
        self._max_context = 0
        # Generation is sequential by design (the baseline); the lock also keeps torch's global RNG,
        # seeded per request, private to one request.
        super().__init__()

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        if self._model is None or self._tokenizer is None or self.adapter_path is not None:
            await asyncio.to_thread(self._load)
        self._max_context = int(getattr(self._model.config, "max_position_embeddings", 0) or 2048)

    def _load(self) -> None:
        if self._tokenizer is None:
            self._tokenizer = load_tokenizer(self.source)
        if self._model is None:
            self._model = load_causal_lm(self.source)
        elif self.adapter_path is not None:
            self._model = copy.deepcopy(self._model)  # merging must not touch a model shared with others
        if self.adapter_path is not None:
            from peft import PeftModel

            self._model = PeftModel.from_pretrained(self._model, str(self.adapter_path)).merge_and_unload()
            self._model.eval()
            log.info("merged LoRA adapter %s into %s", self.adapter_path, self.source.name)

    async def close(self) -> None:
        async with self._one_at_a_time:  # let a running generate finish with its weights
            self._model = None

    def info(self) -> ModelInfo:
        return ModelInfo(self.backend_name, self.source.name, self.model_version, self._max_context)

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False).input_ids)

    # ------------------------------------------------------------------ generation

    def _prompt_ids(self, request: GenerationRequest) -> list[int]:
        request.validate()
        text = render_prompt(self._tokenizer, request_prompt(request))
        ids = self._tokenizer(text, add_special_tokens=False).input_ids
        check_context(len(ids), request.params.max_new_tokens, self._max_context)
        return ids

    def _generate_blocking(self, job: WorkerJob) -> None:
        import torch
        from transformers import (
            GenerationConfig,
            LogitsProcessorList,
            StoppingCriteriaList,
            TemperatureLogitsWarper,
            TopKLogitsWarper,
            TopPLogitsWarper,
        )

        model, tokenizer, params = self._model, self._tokenizer, job.params
        if model is None:
            raise RuntimeError("backend is closed")
        eos_ids = _eos_ids(model, tokenizer)
        recorder = _DistributionRecorder(params.logprobs)
        processors = [recorder]
        if not params.greedy:
            # Our own warpers after the recorder: logprobs and entropies describe the model's distribution,
            # not the temperature-scaled, truncated one that is sampled from.
            processors.append(TemperatureLogitsWarper(params.temperature))
            if params.top_k:
                processors.append(TopKLogitsWarper(params.top_k))
            if params.top_p < 1.0:
                processors.append(TopPLogitsWarper(params.top_p))
        config = GenerationConfig(
            max_new_tokens=params.max_new_tokens,
            do_sample=not params.greedy,
            eos_token_id=eos_ids,
            pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos_ids[0],
        )
        streamer = _EventStreamer(job, tokenizer, eos_ids, recorder)
        if params.seed is not None:
            torch.manual_seed(params.seed)
        with torch.inference_mode():
            model.generate(
                torch.tensor([job.prompt_ids]),
                attention_mask=torch.ones(1, len(job.prompt_ids), dtype=torch.long),
                generation_config=config,
                logits_processor=LogitsProcessorList(processors),
                stopping_criteria=StoppingCriteriaList([_StopWhen(job, streamer)]),
                streamer=streamer,
            )
        streamer.finish()

    # ------------------------------------------------------------------ scoring

    async def continuation_logprobs(
        self, prompt: str | Sequence[ChatMessage], continuations: Sequence[str]
    ) -> list[float]:
        text = render_prompt(self._tokenizer, prompt)
        prompt_ids = self._tokenizer(text, add_special_tokens=False).input_ids
        async with self._one_at_a_time:
            return await asyncio.to_thread(self._score_blocking, prompt_ids, list(continuations))

    def _score_blocking(self, prompt_ids: list[int], continuations: list[str]) -> list[float]:
        import torch

        scores = []
        with torch.inference_mode():
            for continuation in continuations:
                # Tokenized apart from the prompt: the continuation's tokens are exactly the ones scored.
                cont_ids = self._tokenizer(continuation, add_special_tokens=False).input_ids
                ids = torch.tensor([prompt_ids + cont_ids])
                logits = self._model(ids).logits[0, len(prompt_ids) - 1 : -1].float()
                logp = torch.log_softmax(logits, dim=-1)
                scores.append(float(logp[torch.arange(len(cont_ids)), torch.tensor(cont_ids)].sum()))
        return scores


def _eos_ids(model, tokenizer) -> list[int]:
    configured = model.generation_config.eos_token_id if model.generation_config else None
    ids = configured if isinstance(configured, list) else [configured] if configured is not None else []
    if tokenizer.eos_token_id is not None and tokenizer.eos_token_id not in ids:
        ids.append(tokenizer.eos_token_id)
    return ids


class _DistributionRecorder:
    """First logits processor: keeps log-softmax of the raw logits of the current step (scores pass through)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.logprobs = None
        self.entropy = 0.0

    def __call__(self, input_ids, scores):
        if self.enabled:
            import torch

            logp = torch.log_softmax(scores[0].float(), dim=-1)
            self.logprobs = logp
            self.entropy = float(-(logp.exp() * logp).nan_to_num().sum())
        return scores


class _EventStreamer:
    """generate's streamer hook: turns each new token into a TokenEvent (runs on the worker thread)."""

    def __init__(
        self, job: WorkerJob, tokenizer, eos_ids: list[int], recorder: _DistributionRecorder
    ) -> None:
        self.job = job
        self.tokenizer = tokenizer
        self.eos_ids = set(eos_ids)
        self.recorder = recorder
        self.ids: list[int] = []
        self.tracker = StopStringTracker(job.params.stop)
        self.done = False
        self._prompt_seen = False

    def put(self, value) -> None:
        if not self._prompt_seen:  # generate hands the prompt over first
            self._prompt_seen = True
            return
        if self.done:
            return
        token = int(value.reshape(-1)[0])
        self.job.generated += 1
        if token in self.eos_ids:
            self.job.finish_reason = FinishReason.STOP
            self.done = True
            return
        self.ids.append(token)
        delta, stopped = self.tracker.feed(self.tokenizer.decode(self.ids, skip_special_tokens=True))
        event = TokenEvent(token_ids=[token], text=delta)
        if self.recorder.enabled and self.recorder.logprobs is not None:
            event.logprobs = [float(self.recorder.logprobs[token])]
            event.entropies = [self.recorder.entropy]
        if stopped:
            self.job.finish_reason = FinishReason.STOP
            self.done = True
        self.job.emit(event)

    def end(self) -> None:
        pass

    def finish(self) -> None:
        if self.job.cancel.is_set() and not self.done:
            self.job.finish_reason = FinishReason.CANCELLED
        if tail := self.tracker.flush():
            self.job.emit(TokenEvent(token_ids=[], text=tail))


class _StopWhen:
    """generate's stopping-criterion hook: the consumer cancelled, or EOS / a stop string was seen."""

    def __init__(self, job: WorkerJob, streamer: _EventStreamer) -> None:
        self.job = job
        self.streamer = streamer

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        return torch.full(
            (input_ids.shape[0],), self.job.cancel.is_set() or self.streamer.done, dtype=torch.bool
        )
