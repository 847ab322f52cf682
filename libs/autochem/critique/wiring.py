"""Lazy language-model and judge connections for the critique service.

The service must be SERVING at once on ``autochem up`` even when slm-inference or reward-judge are not up
yet, so nothing here connects or loads at construction: the first request that needs the model imports,
builds and starts it; a failure is raised to that request (which then reports the step as skipped) and
the next request tries again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from autochem.inference.api import GenerationRequest, GenerationResult


class LazyGenerationBackend:
    """A GenerationBackend (the ``generate`` part) that builds and starts the real one on first use."""

    def __init__(self, factory: Callable[[], Any], description: str) -> None:
        self._factory = factory
        self._backend: Any = None
        self._lock = asyncio.Lock()
        self.description = description

    async def _started(self) -> Any:
        async with self._lock:
            if self._backend is None:
                backend = self._factory()
                await backend.start()
                self._backend = backend
            return self._backend

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        backend = await self._started()
        try:
            return await backend.generate(request)
        except (ConnectionError, OSError):
            await self.reset()
            raise

    async def reset(self) -> None:
        async with self._lock:
            backend, self._backend = self._backend, None
        if backend is not None:
            await backend.close()

    async def close(self) -> None:
        await self.reset()


class LazyJudgeScorer:
    """A DesignScorer over any judge with ``async score(prompt, response)`` returning a mapping or an
    object with ``attributes()`` (the judging package's JudgeScores), built on first use."""

    def __init__(self, factory: Callable[[], Any], description: str) -> None:
        self._factory = factory
        self._judge: Any = None
        self.description = description

    async def __call__(self, prompt: str, response: str) -> Mapping[str, float]:
        if self._judge is None:
            judge = self._factory()
            start = getattr(judge, "start", None)
            if start is not None:
                await start()
            self._judge = judge
        scores = await self._judge.score(prompt, response)
        return scores.attributes() if hasattr(scores, "attributes") else dict(scores)
