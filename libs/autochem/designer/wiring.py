"""Pieces the designer service and the CLI wire into the loop: the structurer, the chemical-name check and
test-time-scaled generation through slm-inference."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autochem.inference.api import ChatMessage
from autochem.rpc import make_channel
from autochem.v1 import inference_pb2, inference_pb2_grpc


@functools.lru_cache(maxsize=1)
def _resolver():
    from autochem.knowledge.chemnames import ChemicalNameResolver

    return ChemicalNameResolver()


def chemical_known(name: str) -> bool:
    """Whether the chemical database (the ``chemicals`` package) knows the name, a synonym or formula."""
    return _resolver().resolve(name) is not None


def default_structurer(
    chemical: str,
    context_prose: str,
    pfd_prose: str,
    pid_prose: str,
    chunks: Sequence[Any],
    *,
    production_t_per_day: float,
):
    """The deterministic structurer (:mod:`autochem.designer.structure`) on the loop's inputs."""
    from autochem.designer.structure import structure_design
    from autochem.domain.units import Quantity

    return structure_design(
        chemical,
        context_prose,
        pfd_prose,
        pid_prose,
        list(chunks),
        production_rate=Quantity(value=production_t_per_day / 24.0, unit="t/h"),
    )


def grpc_tts_generate(target: str, timeout_s: float, model_version: str | None):
    """Generation with test-time scaling through slm-inference (N candidates, scored, top-K revised,
    majority vote); returns (text, model version)."""

    async def generate(messages: tuple[ChatMessage, ...], max_new_tokens: int, n: int, top_k: int):
        async with make_channel(target, max_message_bytes=16 << 20, default_timeout_s=timeout_s) as channel:
            reply = await inference_pb2_grpc.SlmInferenceStub(channel).Generate(
                inference_pb2.GenerateRequest(
                    messages=[inference_pb2.ChatMessage(role=m.role, content=m.content) for m in messages],
                    model_version=model_version or "",
                    params=inference_pb2.SamplingParams(
                        max_new_tokens=max_new_tokens, temperature=0.7, top_p=0.95
                    ),
                    test_time_scaling=inference_pb2.TestTimeScaling(
                        n=n, top_k=top_k, lambda_weight=0.5, revise=False, max_new_tokens=max_new_tokens
                    ),
                ),
                timeout=timeout_s,
            )
        return reply.text, reply.model_version

    return generate


@dataclass
class LocalDesignLoop:
    """The design loop on embedded defaults in this process, and what to close after it."""

    loop: Any
    store: Any
    llm: Any = None
    simulator: Any = None  # the warm FlowsheetValidator behind the loop's validator

    async def close(self) -> None:
        self.store.close()
        if self.llm is not None:
            await self.llm.close()


async def local_design_loop(graph_path: Path, *, use_llm: bool = True) -> LocalDesignLoop:
    """DesignLoop with everything in process: Graph RAG over the ladybug graph at ``graph_path``, the
    SmolLM2 GGUF on llama.cpp (or no model), the critique rules and a warm BioSTEAM validator. The loop the
    benchmarks time and evaluate; the designer service runs the same loop over gRPC clients."""
    import asyncio

    from autochem.designer.clients import InProcessRetriever, LocalCritic, LocalValidator
    from autochem.designer.loop import DesignLoop
    from autochem.knowledge.factory import KnowledgeSettings, make_retriever, make_store
    from autochem.simulation.validator import default_validator

    settings = KnowledgeSettings(ladybug_path=graph_path)
    store = make_store(settings)
    llm = None
    if use_llm:
        from autochem.inference.models import default_model_source
        from autochem.inference.serving import ModelVersionSpec, SlmInferenceSettings, create_backend

        llm = create_backend(
            SlmInferenceSettings(backend="llama.cpp", _env_file=None),
            ModelVersionSpec("smollm2-135m-q4_1", default_model_source()),
        )
        await llm.start()
    simulator = default_validator(None)
    await asyncio.to_thread(simulator.warm_up)
    loop = DesignLoop(
        structurer=default_structurer,
        llm=llm,
        retriever=InProcessRetriever(make_retriever(settings, store), "graph in process"),
        critic=LocalCritic(),
        validator=LocalValidator(simulator),
        chemical_known=chemical_known,
    )
    return LocalDesignLoop(loop, store, llm, simulator)
