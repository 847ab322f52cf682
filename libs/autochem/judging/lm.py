"""The language model behind the Likert judge, built from settings on first use.

Building lazily lets the reward-judge start (and serve deterministic-only work, health, reflection)
before slm-inference is up or the local weights are loaded; the first Likert request connects/loads.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Literal

from autochem.errors import FailedPrecondition
from autochem.inference.api import (
    ChatMessage,
    GenerationBackend,
    GenerationRequest,
    GenerationResult,
    ModelInfo,
    TokenEvent,
)

LmBackendKind = Literal["grpc", "local", "llama.cpp"]


def _import_backend(class_name: str, modules: Sequence[str]):
    """The backend class from the first module that has it (the backends package is still growing)."""
    for module in modules:
        try:
            found = getattr(importlib.import_module(module), class_name, None)
        except ImportError:
            continue
        if found is not None:
            return found
    raise FailedPrecondition(f"{class_name} is not available in this build (looked in {', '.join(modules)})")


def lm_backend_factory(
    kind: LmBackendKind,
    *,
    slm_inference_address: str = "127.0.0.1:50067",
    timeout_s: float = 120.0,
    model_path: str | None = None,
) -> Callable[[], GenerationBackend]:
    """A zero-argument function that builds (not starts) the backend ``kind`` names."""
    if kind == "grpc":

        def build_grpc() -> GenerationBackend:
            cls = _import_backend(
                "GrpcSlmBackend", ("autochem.inference.backends", "autochem.inference.backends.grpc_client")
            )
            return cls(slm_inference_address, timeout_s=timeout_s)

        return build_grpc
    if kind == "local":

        def build_local() -> GenerationBackend:
            from autochem.inference.models import default_model_source, model_source_from_path
            from autochem.judging.local_scorer import PrefixCachingScorer

            source = model_source_from_path(model_path) if model_path else default_model_source()
            return PrefixCachingScorer.from_source(source)

        return build_local
    if kind == "llama.cpp":

        def build_llama() -> GenerationBackend:
            from autochem.inference.models import default_model_source, model_source_from_path

            cls = _import_backend(
                "LlamaCppBackend",
                (
                    "autochem.inference.backends",
                    "autochem.inference.backends.llamacpp",
                    "autochem.inference.backends.llama_cpp",
                ),
            )
            source = model_source_from_path(model_path) if model_path else default_model_source()
            if source.gguf_path is None:
                raise FailedPrecondition("lm_backend 'llama.cpp' needs a GGUF file (lm_model_path)")
            return cls(source.gguf_path, model_version="base", model_name=source.name)

        return build_llama
    raise ValueError(f"unknown lm backend {kind!r}")


class LazyBackend:
    """A GenerationBackend that builds and starts the real one on first use (once, under a lock)."""

    def __init__(self, factory: Callable[[], GenerationBackend], description: str) -> None:
        self._factory = factory
        self._description = description
        self._backend: GenerationBackend | None = None
        self._lock = asyncio.Lock()

    async def backend(self) -> GenerationBackend:
        if self._backend is None:
            async with self._lock:
                if self._backend is None:
                    # Loading weights blocks for seconds: keep the event loop (health checks) responsive.
                    built = await asyncio.to_thread(self._factory)
                    await built.start()
                    self._backend = built
        return self._backend

    def info(self) -> ModelInfo:
        if self._backend is not None:
            return self._backend.info()
        return ModelInfo("lazy", self._description, "", 0)

    async def start(self) -> None:
        await self.backend()

    def stream(self, request: GenerationRequest) -> AsyncIterator[TokenEvent]:
        async def relay() -> AsyncIterator[TokenEvent]:
            async for event in (await self.backend()).stream(request):
                yield event

        return relay()

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        return await (await self.backend()).generate(request)

    async def continuation_logprobs(
        self, prompt: str | Sequence[ChatMessage], continuations: Sequence[str]
    ) -> list[float]:
        return await (await self.backend()).continuation_logprobs(prompt, continuations)

    def count_tokens(self, text: str) -> int:
        if self._backend is None:
            raise FailedPrecondition("the language model is not loaded yet")
        return self._backend.count_tokens(text)

    async def close(self) -> None:
        if self._backend is not None:
            await self._backend.close()
            self._backend = None
