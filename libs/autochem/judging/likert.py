# Chemistry text: en dashes in ranges (400–500 °C), minus signs, Greek letters of the paper's formulas.
# ruff: noqa: RUF002, RUF003
"""LLM-as-a-judge with logprob-weighted Likert scores.

For each attribute the model reads a rubric, the question, the reference facts and the answer, and is
asked for one digit 0–4. Instead of sampling a digit we read log p("0") … log p("4") through
``GenerationBackend.continuation_logprobs``, renormalize over the five (softmax) and take the expected
value Σ k·p_k. That turns a small model's hesitation into a graded score instead of a coin flip, and costs
one forward pass per attribute (no decoding). ``<attribute>.digit_mass`` in details is the probability the
model put on the five digits at all — low mass means it did not follow the format and the score is weak.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass

from autochem.inference.api import ChatMessage, GenerationBackend
from autochem.judging.base import DEFAULT_LIMITS, InputLimits, JudgeBase, JudgeItem
from autochem.judging.scores import ATTRIBUTES, JudgeScores, RewardPolicy

LIKERT_DIGITS: tuple[str, ...] = ("0", "1", "2", "3", "4")

SYSTEM_PROMPT = (
    "You review answers about chemical process engineering: production routes, reactors, catalysts, "
    "operating conditions, separations, instrumentation and control. You grade strictly and reply with a "
    "single digit."
)

# Our rubric per attribute: what it means, then what each level looks like (HelpSteer2 semantics, own words).
RUBRICS: dict[str, tuple[str, tuple[str, str, str, str, str]]] = {
    "helpfulness": (
        "how well the answer gives the asker what the question asks for",
        (
            "does not address the question, or refuses",
            "touches the topic but misses what was asked",
            "answers part of the question",
            "answers the question with small gaps",
            "answers the question fully and directly",
        ),
    ),
    "correctness": (
        "whether every fact in the answer (chemicals, catalysts, temperatures, pressures, equipment, control "
        "actions) is true and agrees with the reference facts",
        (
            "mostly wrong or contradicts the reference facts",
            "several wrong facts",
            "one clear factual error",
            "correct with a minor imprecision",
            "every stated fact is correct and supported",
        ),
    ),
    "coherence": (
        "how clear, consistent and complete the writing is",
        (
            "unreadable, broken off or self-contradictory",
            "hard to follow or stops mid-sentence",
            "understandable but disorganized",
            "clear with minor awkwardness",
            "perfectly clear, consistent and complete",
        ),
    ),
    "complexity": (
        "how much chemical engineering expertise is needed to write the answer",
        (
            "anyone could write it",
            "basic school chemistry",
            "some technical training",
            "a process engineer's knowledge",
            "deep specialist knowledge",
        ),
    ),
    "verbosity": (
        "how much detail the answer gives relative to what was asked",
        (
            "a few words",
            "terse, one short sentence",
            "brief but sufficient",
            "detailed",
            "very long and elaborate",
        ),
    ),
}


@dataclass(frozen=True)
class LikertConfig:
    """How much text goes into a rating prompt. SmolLM2 reads 8k tokens, but prompt cost grows with length
    and a small model loses the thread in long prompts, so long inputs are cut (and flagged)."""

    max_context_chars: int = 4_000
    max_response_chars: int = 4_000
    max_prompt_chars: int = 2_000


def expected_likert(logprobs: Sequence[float]) -> tuple[float, float, list[float]]:
    """(Σ k·p_k, probability mass on the digits, p_k) from log p of "0".."4" (softmax over the five)."""
    if len(logprobs) != len(LIKERT_DIGITS):
        raise ValueError(f"need {len(LIKERT_DIGITS)} logprobs, got {len(logprobs)}")
    finite = [lp if math.isfinite(lp) else -math.inf for lp in logprobs]
    top = max(finite)
    if top == -math.inf:
        raise ValueError("the model gave every digit zero probability")
    exps = [math.exp(lp - top) for lp in finite]
    total = sum(exps)
    probs = [e / total for e in exps]
    expected = sum(k * p for k, p in enumerate(probs))
    mass = math.exp(top) * total  # Σ exp(lp), computed without underflow
    return expected, min(1.0, mass), probs


def _cut(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    return text[:limit].rstrip() + " […]", True


def rating_messages(attribute: str, item: JudgeItem, config: LikertConfig) -> tuple[list[ChatMessage], bool]:
    """The chat prompt for one attribute. The material comes first and the rubric last: all five prompts of
    one item then share a long prefix (a backend with prefix caching computes it once), and a small model
    reads the instruction right before it answers."""
    definition, levels = RUBRICS[attribute]
    prompt, cut_p = _cut(item.prompt.strip(), config.max_prompt_chars)
    response, cut_r = _cut(item.response.strip(), config.max_response_chars)
    context, cut_c = _cut(item.context.strip(), config.max_context_chars) if item.context else ("", False)
    material = f"Question:\n{prompt}\n\n"
    material += f"Reference facts:\n{context}\n\n" if context else "Reference facts: none given.\n\n"
    material += f"Answer to review:\n{response}\n\n"
    scale = "\n".join(f"{k} = {text}" for k, text in enumerate(levels))
    instruction = (
        f"Rate the answer's {attribute}: {definition}.\n{scale}\nReply with a single digit from 0 to 4."
    )
    messages = [ChatMessage("system", SYSTEM_PROMPT), ChatMessage("user", material + instruction)]
    return messages, cut_p or cut_r or cut_c


class LikertLlmJudge(JudgeBase):
    """One logprob-weighted Likert rating per attribute from any GenerationBackend (local, llama.cpp, the
    slm-inference service, an OpenAI-compatible server)."""

    name = "likert"

    def __init__(
        self,
        backend: GenerationBackend,
        policy: RewardPolicy | None = None,
        limits: InputLimits = DEFAULT_LIMITS,
        config: LikertConfig | None = None,
        max_concurrency: int = 4,
    ) -> None:
        super().__init__(policy, limits, max_concurrency=max_concurrency)
        self.backend = backend
        self.config = config or LikertConfig()

    async def _rate(self, attribute: str, item: JudgeItem) -> tuple[float, float, bool]:
        messages, trimmed = rating_messages(attribute, item, self.config)
        logprobs = await self.backend.continuation_logprobs(messages, LIKERT_DIGITS)
        expected, mass, _ = expected_likert(logprobs)
        return expected, mass, trimmed

    async def _score_item(self, item: JudgeItem) -> JudgeScores:
        ratings = await asyncio.gather(*(self._rate(attribute, item) for attribute in ATTRIBUTES))
        attributes = {name: r[0] for name, r in zip(ATTRIBUTES, ratings, strict=True)}
        details = {f"{name}.digit_mass": r[1] for name, r in zip(ATTRIBUTES, ratings, strict=True)}
        flags: list[str] = []
        if any(r[2] for r in ratings):
            flags.append("input_trimmed")
        if min(details.values()) < 0.2:
            flags.append("low_digit_mass")
        if item.context is None:
            flags.append("no_context")
        return self.policy.scores(self.name, attributes, details, tuple(flags))
