"""A scoring-only GenerationBackend over an in-process transformers model, built for Likert judging.

The Likert judge asks five rating prompts per response that share everything but the closing rubric, and
needs only the next-token distribution after each prompt (the continuations are the single tokens
"0".."4"). This scorer therefore (1) keeps the KV cache of the previous prompt and re-runs only the tokens
after the longest common prefix, and (2) reads all single-token continuations from one forward pass.
Results equal a full forward per continuation (``HfGenerateBackend.continuation_logprobs``) up to float
rounding, at a fraction of the cost on CPU. ``generate``/``stream`` are not offered: use a real backend.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from autochem.errors import FailedPrecondition, InvalidArgument
from autochem.inference.api import ChatMessage, GenerationRequest, GenerationResult, ModelInfo, TokenEvent
from autochem.inference.models import ModelSource, load_causal_lm, load_tokenizer


def _render(tokenizer, prompt: str | Sequence[ChatMessage]) -> str:
    if isinstance(prompt, str):
        return prompt
    messages = [{"role": m.role, "content": m.content} for m in prompt]
    return tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)


class PrefixCachingScorer:
    backend_name = "local-scorer"

    def __init__(self, model, tokenizer, *, model_name: str = "local", model_version: str = "local") -> None:
        self._model = model
        self._tokenizer = tokenizer
        self._model_name = model_name
        self._model_version = model_version
        self._lock = asyncio.Lock()  # one forward at a time; the cache belongs to the last prompt
        self._cached_ids: list[int] = []
        self._cache = None
        self.max_context_tokens = int(getattr(model.config, "max_position_embeddings", 0) or 2048)

    @classmethod
    def from_source(cls, source: ModelSource, model_version: str = "base") -> PrefixCachingScorer:
        return cls(load_causal_lm(source), load_tokenizer(source), model_name=source.name, model_version=model_version)

    def info(self) -> ModelInfo:
        return ModelInfo(self.backend_name, self._model_name, self._model_version, self.max_context_tokens)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        async with self._lock:
            self._cache = None
            self._cached_ids = []

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False).input_ids)

    def stream(self, request: GenerationRequest) -> AsyncIterator[TokenEvent]:
        raise FailedPrecondition("PrefixCachingScorer only scores continuations; use a generation backend")

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        raise FailedPrecondition("PrefixCachingScorer only scores continuations; use a generation backend")

    async def continuation_logprobs(
        self, prompt: str | Sequence[ChatMessage], continuations: Sequence[str]
    ) -> list[float]:
        if not continuations:
            raise InvalidArgument("continuations", "at least one continuation")
        ids = self._tokenizer(_render(self._tokenizer, prompt), add_special_tokens=False).input_ids
        if not ids:
            raise InvalidArgument("prompt", "must not be empty")
        cont_ids = [self._tokenizer(c, add_special_tokens=False).input_ids for c in continuations]
        if len(ids) + max(len(c) for c in cont_ids) > self.max_context_tokens:
            raise InvalidArgument("prompt", f"does not fit the model's {self.max_context_tokens}-token context")
        async with self._lock:
            return await asyncio.to_thread(self._score_blocking, ids, cont_ids)

    def _next_token_logprobs(self, ids: list[int]):
        """log p(next token | ids), reusing the cached KV of the longest common prefix with the last prompt."""
        import torch
        from transformers import DynamicCache

        common = 0
        for a, b in zip(self._cached_ids, ids, strict=False):
            if a != b:
                break
            common += 1
        common = min(common, len(ids) - 1)  # at least one token must run to produce logits
        if self._cache is not None and common > 0:
            surplus = self._cache.get_seq_length() - common
            if surplus > 0:
                self._cache.crop(-surplus)  # this transformers wants a negative count of tokens to drop
        else:
            self._cache, common = DynamicCache(), 0
        try:
            out = self._model(
                input_ids=torch.tensor([ids[common:]]), past_key_values=self._cache, use_cache=True
            )
        except Exception:
            self._cache, self._cached_ids = None, []
            raise
        self._cache = out.past_key_values
        self._cached_ids = list(ids)
        return torch.log_softmax(out.logits[0, -1].float(), dim=-1)

    def _score_blocking(self, ids: list[int], cont_ids: list[list[int]]) -> list[float]:
        import torch

        with torch.inference_mode():
            next_logp = self._next_token_logprobs(ids)
            scores = []
            for cont in cont_ids:
                if len(cont) == 1:
                    scores.append(float(next_logp[cont[0]]))
                    continue
                # Multi-token continuation (not used by the Likert judge): one plain forward, cache untouched.
                full = torch.tensor([ids + cont])
                logits = self._model(full).logits[0, len(ids) - 1 : -1].float()
                logp = torch.log_softmax(logits, dim=-1)
                scores.append(float(logp[torch.arange(len(cont)), torch.tensor(cont)].sum()))
            return scores
