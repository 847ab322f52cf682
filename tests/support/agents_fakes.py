"""Small stand-ins for the research agents' collaborators: an embedder, search backends, models, judges."""

from __future__ import annotations

import asyncio
import re
import zlib
from collections.abc import Callable, Sequence

import numpy as np

from autochem.agents.search import SearchHit
from autochem.errors import Unavailable
from autochem.inference.api import FinishReason, GenerationRequest, GenerationResult

_WORD = re.compile(r"[a-z0-9&]+")
_STOP = frozenset(
    "a an and the of in on for to with by from as at or is are be its it this that what how which their "
    "such main major".split()
)


class HashingEmbedder:
    """Bag of words hashed into ``dim`` buckets, L2-normalised: cosine is word overlap. Fast and fixed."""

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                if word in _STOP:
                    continue
                if len(word) > 4 and word.endswith("s"):
                    word = word[:-1]
                out[i, zlib.crc32(word.encode()) % self.dim] += 1.0
            norm = np.linalg.norm(out[i])
            if norm:
                out[i] /= norm
        return out


class StaticSearch:
    """Returns fixed hits (with text) for every query, and counts the calls."""

    def __init__(self, hits: Sequence[SearchHit], name: str = "static") -> None:
        self.name = name
        self.hits = list(hits)
        self.queries: list[str] = []

    async def search(self, query: str, k: int) -> list[SearchHit]:
        self.queries.append(query)
        return self.hits[:k]


def _result(text: str) -> GenerationResult:
    return GenerationResult(text=text, token_ids=[], finish_reason=FinishReason.STOP, prompt_tokens=0,
                            model_version="fake")  # fmt: skip


class ScriptedLM:
    """``generate`` answers ``reply(request)``; counts calls and keeps the requests."""

    def __init__(self, reply: Callable[[GenerationRequest], str] | None = None) -> None:
        self.reply = reply or (lambda request: "Ammonia is oxidised over platinum gauze at 900 °C [1].")
        self.requests: list[GenerationRequest] = []

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        self.requests.append(request)
        await asyncio.sleep(0)
        return _result(self.reply(request))


class EchoLM(ScriptedLM):
    """The worst case for injections: the answer repeats the whole prompt, sources included."""

    def __init__(self) -> None:
        super().__init__(lambda request: "\n".join(m.content for m in request.messages))


class DownLM:
    def __init__(self) -> None:
        self.calls = 0

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        self.calls += 1
        raise Unavailable("slm-inference at 127.0.0.1:1 is not reachable")


class ScriptedJudge:
    """Scores from ``plan(call_number, prompt, response)`` → dict; records every call."""

    def __init__(self, plan: Callable[[int, str, str], dict[str, float]]) -> None:
        self.plan = plan
        self.calls: list[tuple[str, str, str | None]] = []

    async def score(self, prompt: str, response: str, context: str | None = None) -> dict[str, float]:
        self.calls.append((prompt, response, context))
        return self.plan(len(self.calls), prompt, response)


def flat_scores(value: float) -> dict[str, float]:
    return {a: value for a in ("helpfulness", "correctness", "coherence", "complexity", "verbosity")}
