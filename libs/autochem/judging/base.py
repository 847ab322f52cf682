# Chemistry text: en dashes in ranges (400–500 °C), minus signs, Greek letters of the paper's formulas.
# ruff: noqa: RUF002, RUF003
"""The Judge interface, input limits, and the shared batch/preference logic of every backend."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from autochem.errors import InvalidArgument
from autochem.judging.scores import JudgeScores, PreferenceResult, RewardPolicy


@dataclass(frozen=True)
class JudgeItem:
    """One thing to score: the question, the response, and optionally the facts it should rest on."""

    prompt: str
    response: str
    context: str | None = None


@dataclass(frozen=True)
class InputLimits:
    """Bounds on what a caller may send. Judges see these texts whole (prompted to a model or scanned),
    so unbounded input would be unbounded latency and memory; the defaults fit a generous RAG answer."""

    max_prompt_chars: int = 8_000
    max_response_chars: int = 16_000
    max_context_chars: int = 32_000
    max_batch_items: int = 64

    def check_text(self, field_name: str, text: str | None, max_chars: int, *, required: bool) -> None:
        if text is None or not text.strip():
            if required:
                raise InvalidArgument(field_name, "must not be empty")
            return
        if len(text) > max_chars:
            raise InvalidArgument(field_name, f"at most {max_chars} characters (got {len(text)})")
        if "\x00" in text:
            raise InvalidArgument(field_name, "must not contain NUL characters")

    def check_item(self, item: JudgeItem, prefix: str = "") -> None:
        self.check_text(f"{prefix}prompt", item.prompt, self.max_prompt_chars, required=True)
        self.check_text(f"{prefix}response", item.response, self.max_response_chars, required=True)
        self.check_text(f"{prefix}context", item.context, self.max_context_chars, required=False)

    def check_batch(self, items: Sequence[JudgeItem], field_name: str = "items") -> None:
        if not items:
            raise InvalidArgument(field_name, "at least one item")
        if len(items) > self.max_batch_items:
            raise InvalidArgument(field_name, f"at most {self.max_batch_items} items (got {len(items)})")
        for i, item in enumerate(items):
            self.check_item(item, f"{field_name}[{i}].")


DEFAULT_LIMITS = InputLimits()


def normalize_context(context: str | None) -> str | None:
    """Blank context means "no context": judges then cannot check grounding and say so."""
    return context if context and context.strip() else None


@runtime_checkable
class Judge(Protocol):
    """Scores responses on the five attributes (0–4) and the weighted reward R.

    All methods are coroutines because the LM-backed judges wait on a model; invalid input raises
    autochem.errors.InvalidArgument naming the field.
    """

    name: str
    policy: RewardPolicy

    async def score(self, prompt: str, response: str, context: str | None = None) -> JudgeScores: ...

    async def score_batch(self, items: Sequence[JudgeItem]) -> list[JudgeScores]: ...

    async def preference(
        self, prompt: str, chosen: str, rejected: str, context: str | None = None
    ) -> PreferenceResult: ...


class JudgeBase(ABC):
    """Validation, batching and preference on top of one method a backend writes: ``_score_item``.

    ``max_concurrency`` bounds how many items of a batch are in flight at once (an LM backend batches
    them; the deterministic judge is CPU-bound and gains nothing, so it uses 1).
    """

    name = "judge"

    def __init__(
        self,
        policy: RewardPolicy | None = None,
        limits: InputLimits = DEFAULT_LIMITS,
        max_concurrency: int = 1,
    ) -> None:
        self.policy = (policy or RewardPolicy()).validate()
        self.limits = limits
        self.max_concurrency = max(1, max_concurrency)

    @abstractmethod
    async def _score_item(self, item: JudgeItem) -> JudgeScores:
        """Score one validated item (the only method a judge backend writes)."""

    async def score(self, prompt: str, response: str, context: str | None = None) -> JudgeScores:
        item = JudgeItem(prompt, response, normalize_context(context))
        self.limits.check_item(item)
        return await self._score_item(item)

    async def score_batch(self, items: Sequence[JudgeItem]) -> list[JudgeScores]:
        self.limits.check_batch(items)
        items = [JudgeItem(i.prompt, i.response, normalize_context(i.context)) for i in items]
        if self.max_concurrency == 1:
            return [await self._score_item(item) for item in items]
        gate = asyncio.Semaphore(self.max_concurrency)

        async def one(item: JudgeItem) -> JudgeScores:
            async with gate:
                return await self._score_item(item)

        return list(await asyncio.gather(*(one(item) for item in items)))

    async def preference(
        self, prompt: str, chosen: str, rejected: str, context: str | None = None
    ) -> PreferenceResult:
        context = normalize_context(context)
        self.limits.check_text("prompt", prompt, self.limits.max_prompt_chars, required=True)
        self.limits.check_text("chosen", chosen, self.limits.max_response_chars, required=True)
        self.limits.check_text("rejected", rejected, self.limits.max_response_chars, required=True)
        self.limits.check_text("context", context, self.limits.max_context_chars, required=False)
        chosen_scores = await self._score_item(JudgeItem(prompt, chosen, context))
        rejected_scores = await self._score_item(JudgeItem(prompt, rejected, context))
        return PreferenceResult.of(chosen_scores, rejected_scores, self.policy)
