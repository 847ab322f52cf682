"""LocalEngineBackend: api.GenerationBackend over the paged engine (engine/scheduler.py).

Loading: stock transformers loads the weights (a GGUF is de-quantized to float32), a PEFT LoRA adapter
directory is merged into them (merge_and_unload) when given, and the engine copies them into its fused layout.
The scheduler runs on its own thread; each stream owns an asyncio.Queue fed from that thread with
``loop.call_soon_threadsafe``. Closing the stream (or cancelling the task consuming it) cancels the sequence,
whose blocks are freed at the engine's next step.

Device: 'cpu' (default) runs torch SDPA; on 'cuda' the weights and the block pool live on the GPU and
torch SDPA dispatches to its fused FlashAttention-2 / memory-efficient kernels. The flash_attn package's
paged kernels are not used: pick_attention_implementation() only decides whether the stock transformers model
used for loading is built with flash_attention_2; our forward reads the block pool through gathered slots.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import torch

from autochem.errors import FailedPrecondition, InvalidArgument
from autochem.inference.api import (
    ChatMessage,
    Decoding,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    ModelInfo,
    TokenEvent,
)
from autochem.inference.engine.scheduler import Finished, PagedEngine
from autochem.inference.engine.weights import extract_llama_weights
from autochem.inference.models import (
    ModelSource,
    load_causal_lm,
    load_tokenizer,
    pick_attention_implementation,
)

log = logging.getLogger(__name__)

DEFAULT_KV_BUDGET_BYTES = 256 * 1024 * 1024


def load_model_with_adapter(source: ModelSource, adapter_path: str | Path | None, device: str = "cpu"):
    """The transformers model with a LoRA adapter merged in (if any): the engine then sees plain weights."""
    attn = pick_attention_implementation(device)
    model = load_causal_lm(source, attn_implementation=attn if device.startswith("cuda") else None)
    if adapter_path is not None:
        from peft import PeftModel

        if not (Path(adapter_path) / "adapter_config.json").is_file():
            raise InvalidArgument("adapter_path", f"{adapter_path} has no adapter_config.json")
        model = PeftModel.from_pretrained(model, str(adapter_path)).merge_and_unload()
        model.eval()
    return model


class LocalEngineBackend:
    """The local model served by our engine. Counters: ``stats()`` (running, waiting, in_flight, free_blocks).

    ``weight_format="int8"`` (weight-only int8 matmuls) roughly doubles CPU decode speed but is no longer
    token-identical to transformers; ``weight_format="int4"`` (CPU only: torch's int4pack kernel, groups of
    32 as in the Q4_1 GGUF) reads half int8's bytes per token and measured ~1.3-1.5x int8's single-stream
    decode speed. With either, a sequence's greedy tokens can depend on what it is batched with (measured
    5/8 prompts batch-invariant with int4), so lookahead cannot promise greedy-identical output: on
    quantized weights a lookahead request is decoded as plain greedy (``forward_passes`` then equals the
    token count). ``kv_mode`` int8/int4 quantizes the KV cache (``kv_group_size`` None = the measured
    default per mode, see engine/kv_quant.py); ``num_threads`` sets torch's intra-op threads (on a busy
    2-core host one thread is often faster than two: OpenMP barriers stall when a core is taken by another
    process).
    """

    def __init__(
        self,
        source: ModelSource,
        *,
        kv_mode: str = "fp32",
        block_size: int = 16,
        kv_budget_bytes: int | None = None,
        num_blocks: int | None = None,
        max_batch: int = 8,
        device: str = "cpu",
        adapter_path: str | Path | None = None,
        kv_group_size: int | None = None,
        weight_format: str = "fp32",
        num_threads: int | None = None,
        model_version: str | None = None,
        model=None,
        tokenizer=None,
    ) -> None:
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise FailedPrecondition("device 'cuda' was asked for but torch sees no GPU")
        self.source = source
        self.kv_mode = kv_mode
        self.block_size = block_size
        self.kv_budget_bytes = kv_budget_bytes if (kv_budget_bytes or num_blocks) else DEFAULT_KV_BUDGET_BYTES
        self.num_blocks = num_blocks
        self.max_batch = max_batch
        self.device = device
        self.adapter_path = adapter_path
        self.kv_group_size = kv_group_size
        self.weight_format = weight_format
        self.num_threads = num_threads
        suffix = f"+{Path(adapter_path).name}" if adapter_path else ""
        self.model_version = model_version or f"{source.name}{suffix}"
        self._model = model  # an already-loaded transformers model (tests share one); adapter is not applied
        self._tokenizer = tokenizer
        self.engine: PagedEngine | None = None
        self._max_context = 0

    # --- lifecycle -------------------------------------------------------------------------------------

    def _build(self) -> PagedEngine:
        if self.num_threads:
            torch.set_num_threads(self.num_threads)
        tokenizer = self._tokenizer or load_tokenizer(self.source)
        model = self._model or load_model_with_adapter(self.source, self.adapter_path, self.device)
        weights = extract_llama_weights(model, device=self.device, weight_format=self.weight_format)
        self._model = None  # the engine keeps its own copy of the weights
        self._tokenizer = tokenizer
        eos = {tokenizer.eos_token_id} if tokenizer.eos_token_id is not None else set()
        eos |= {i for i in [getattr(model.generation_config, "eos_token_id", None)] if isinstance(i, int)}
        self._max_context = weights.max_positions
        return PagedEngine(
            weights,
            tokenizer,
            kv_mode=self.kv_mode,
            block_size=self.block_size,
            num_blocks=self.num_blocks,
            kv_budget_bytes=None if self.num_blocks else self.kv_budget_bytes,
            max_batch=self.max_batch,
            kv_group_size=self.kv_group_size,
            eos_token_ids=tuple(sorted(eos)),
            device=self.device,
        )

    async def start(self) -> None:
        if self.engine is None:
            self.engine = await asyncio.to_thread(self._build)
            self.engine.start()

    async def close(self) -> None:
        if self.engine is not None:
            engine, self.engine = self.engine, None
            await asyncio.to_thread(engine.stop)

    def _require(self) -> PagedEngine:
        if self.engine is None:
            raise FailedPrecondition("the local engine is not started (await backend.start())")
        return self.engine

    def info(self) -> ModelInfo:
        return ModelInfo(
            backend="local",
            model_name=self.source.name,
            model_version=self.model_version,
            max_context_tokens=self._max_context,
        )

    def stats(self) -> dict[str, int]:
        return self._require().stats()

    # --- prompts ---------------------------------------------------------------------------------------

    def _prompt_ids(self, prompt: str | Sequence[ChatMessage]) -> list[int]:
        tok = self._tokenizer
        if isinstance(prompt, str):
            return list(tok.encode(prompt, add_special_tokens=False))
        rendered = tok.apply_chat_template(
            [{"role": m.role, "content": m.content} for m in prompt],
            add_generation_prompt=True,
            tokenize=False,
        )
        return list(tok.encode(rendered, add_special_tokens=False))

    def count_tokens(self, text: str) -> int:
        self._require()
        return len(self._tokenizer.encode(text, add_special_tokens=False))

    # --- generation ------------------------------------------------------------------------------------

    async def _events(self, request: GenerationRequest) -> AsyncIterator[TokenEvent | Finished]:
        request.validate()
        if request.model_version is not None and request.model_version != self.model_version:
            raise InvalidArgument(
                "model_version", f"serving {self.model_version!r}, not {request.model_version!r}"
            )
        engine = self._require()
        ids = self._prompt_ids(request.prompt or request.messages)
        params = request.params
        if params.decoding == Decoding.LOOKAHEAD and self.weight_format != "fp32":
            # Lookahead's contract is greedy's exact output; only float32 weights keep it (see class doc).
            params = dataclasses.replace(params, decoding=Decoding.GREEDY)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()

        def sink(item) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, item)

        seq = engine.submit(ids, params, sink)
        done = False
        try:
            while True:
                item = await queue.get()
                if isinstance(item, BaseException):
                    done = True
                    raise item
                yield item
                if isinstance(item, Finished):
                    done = True
                    return
        finally:
            if not done:
                engine.cancel(seq)

    async def stream(self, request: GenerationRequest) -> AsyncIterator[TokenEvent]:
        events = self._events(request)
        try:
            async for item in events:
                if isinstance(item, TokenEvent):
                    yield item
        finally:
            await events.aclose()

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        events = self._events(request)
        try:
            async for item in events:
                if isinstance(item, Finished):
                    return GenerationResult(
                        text=item.text,
                        token_ids=item.token_ids,
                        finish_reason=item.finish_reason,
                        prompt_tokens=item.prompt_tokens,
                        model_version=self.model_version,
                        logprobs=item.logprobs,
                        entropies=item.entropies,
                        forward_passes=item.forward_passes,
                    )
        finally:
            await events.aclose()
        return GenerationResult("", [], FinishReason.CANCELLED, 0, self.model_version)  # pragma: no cover

    async def continuation_logprobs(
        self, prompt: str | Sequence[ChatMessage], continuations: Sequence[str]
    ) -> list[float]:
        engine = self._require()
        if isinstance(prompt, str) and not prompt.strip():
            raise InvalidArgument("prompt", "must not be blank")
        context = self._prompt_ids(prompt)
        scores = []
        for i, text in enumerate(continuations):
            cont = list(self._tokenizer.encode(text, add_special_tokens=False))
            if not cont:
                raise InvalidArgument(f"continuations[{i}]", "tokenizes to no tokens")
            fut = engine.run_job(lambda cont=cont: engine.score_continuation(context, cont))
            scores.append(await asyncio.wrap_future(fut))
        return scores
