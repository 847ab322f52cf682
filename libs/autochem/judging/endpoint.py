# Chemistry text: en dashes in ranges (400–500 °C), minus signs, Greek letters of the paper's formulas.
# ruff: noqa: RUF002, RUF003
"""A judge backed by a reward model served behind an OpenAI-compatible chat-completions endpoint.

Wire format (NVIDIA's Nemotron-4-340B-Reward API, and servers imitating it):

request  POST {base_url}/chat/completions
         {"model": "nvidia/nemotron-4-340b-reward",
          "messages": [{"role": "user", "content": <question, plus the context under "Context:">},
                       {"role": "assistant", "content": <response to score>}]}
response {"choices": [{"message": {"role": "assistant",
                                   "content": "helpfulness:3.1,correctness:3.2,coherence:3.6,complexity:1.8,verbosity:1.9"},
                       "logprobs": {"content": [{"token": "helpfulness", "logprob": 3.1},
                                                {"token": "correctness", "logprob": 3.2}, ...]}}]}

The scores ride in ``logprobs.content`` (token = attribute name, logprob = the score, not a log
probability) and again as text in ``message.content``. We read the logprobs entries first and fill gaps
from the text, which may also be JSON-ish (``{"helpfulness": 3.1, ...}``) or use ``=``. Scores are raw
regression outputs on the 0–4 scale that may overshoot; they are clamped to 0–4 and the raw values kept in
details as ``raw.<attribute>``. A reply without all five attributes is an error, never a guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from autochem.errors import FailedPrecondition, ResourceExhausted, Unavailable
from autochem.judging.base import DEFAULT_LIMITS, InputLimits, JudgeBase, JudgeItem
from autochem.judging.scores import ATTRIBUTES, JudgeScores, RewardPolicy

DEFAULT_REWARD_MODEL = "nvidia/nemotron-4-340b-reward"
_PAIR = re.compile(r"[\"']?([A-Za-z_][A-Za-z_ ]*?)[\"']?\s*[:=]\s*([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)")


def _first_choice(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    choices = payload.get("choices") or []
    if not choices or not isinstance(choices[0], Mapping):
        raise FailedPrecondition("reward endpoint reply has no choices")
    return choices[0]


def parse_nemotron_scores(payload: Mapping[str, Any]) -> dict[str, float]:
    """The five attribute scores (raw, unclamped) from a chat-completions reply of a Nemotron-style reward
    model. Raises FailedPrecondition naming what is missing when the reply does not carry all five."""
    choice = _first_choice(payload)
    found: dict[str, float] = {}
    logprobs = choice.get("logprobs") or {}
    entries = logprobs.get("content") if isinstance(logprobs, Mapping) else None
    for entry in entries or []:
        if not isinstance(entry, Mapping):
            continue
        name = str(entry.get("token", "")).strip().lower()
        value = entry.get("logprob")
        if name in ATTRIBUTES and isinstance(value, int | float) and math.isfinite(value):
            found.setdefault(name, float(value))
    message = choice.get("message") or {}
    content = message.get("content") if isinstance(message, Mapping) else None
    if isinstance(content, str):
        for key, value in _PAIR.findall(content):
            name = key.strip().lower()
            number = float(value)
            if name in ATTRIBUTES and math.isfinite(number):
                found.setdefault(name, number)
    missing = [name for name in ATTRIBUTES if name not in found]
    if missing:
        snippet = (content or "")[:200] if isinstance(content, str) else ""
        raise FailedPrecondition(
            f"reward endpoint reply lacks attribute scores {missing} (content: {snippet!r}); "
            "is it a Nemotron-style multi-attribute reward model?"
        )
    return found


def reward_messages(item: JudgeItem) -> list[dict[str, str]]:
    user = item.prompt if item.context is None else f"{item.prompt}\n\nContext:\n{item.context}"
    return [{"role": "user", "content": user}, {"role": "assistant", "content": item.response}]


class RewardModelEndpointJudge(JudgeBase):
    """Scores from a remote multi-attribute reward model (Nemotron-4-340B-Reward or compatible)."""

    name = "endpoint"

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        model: str = DEFAULT_REWARD_MODEL,
        policy: RewardPolicy | None = None,
        limits: InputLimits = DEFAULT_LIMITS,
        timeout_s: float = 60.0,
        max_retries: int = 2,
        max_concurrency: int = 8,
        client: Any = None,
    ) -> None:
        super().__init__(policy, limits, max_concurrency=max_concurrency)
        self.model = model
        if client is None:
            import openai

            # Servers without auth still need a non-empty key for the client; "none" is what they ignore.
            client = openai.AsyncOpenAI(
                base_url=base_url, api_key=api_key or "none", timeout=timeout_s, max_retries=max_retries
            )
        self.client = client

    async def _call(self, item: JudgeItem) -> dict[str, Any]:
        import openai

        try:
            completion = await self.client.chat.completions.create(model=self.model, messages=reward_messages(item))
        except openai.RateLimitError as exc:
            raise ResourceExhausted(f"reward endpoint rate limit: {exc}") from exc
        except (openai.APIConnectionError, openai.APITimeoutError) as exc:
            raise Unavailable(f"reward endpoint unreachable: {exc}") from exc
        except openai.APIStatusError as exc:
            if exc.status_code >= 500:
                raise Unavailable(f"reward endpoint failed with HTTP {exc.status_code}") from exc
            raise FailedPrecondition(f"reward endpoint refused the request: HTTP {exc.status_code}: {exc}") from exc
        return completion.model_dump() if hasattr(completion, "model_dump") else dict(completion)

    async def _score_item(self, item: JudgeItem) -> JudgeScores:
        raw = parse_nemotron_scores(await self._call(item))
        details = {f"raw.{name}": value for name, value in raw.items()}
        flags = ("no_context",) if item.context is None else ()
        return self.policy.scores(self.name, raw, details, flags)

    async def close(self) -> None:
        close = getattr(self.client, "close", None)
        if close is not None:
            await close()
