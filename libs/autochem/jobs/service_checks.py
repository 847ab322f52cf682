"""Calls the running services make on the reference design, for the main job's summary."""

from __future__ import annotations

from dataclasses import dataclass

from autochem.domain import Design, design_to_proto
from autochem.rpc import make_channel
from autochem.stack.registry import by_name
from autochem.v1 import (
    critique_pb2,
    critique_pb2_grpc,
    inference_pb2,
    inference_pb2_grpc,
    web_agents_pb2,
    web_agents_pb2_grpc,
)


@dataclass
class CritiqueSummary:
    blocking: bool
    counts: dict[str, int]
    scores: dict[str, float]
    top_issues: list[str]
    summary: str


async def critique_via_service(
    design: Design, *, use_models: bool = True, timeout_s: float = 300.0, host: str = "127.0.0.1"
) -> CritiqueSummary:
    """Critique over gRPC: the rules, plus (``use_models``) the LLM review through slm-inference and the
    reward-judge's scores."""
    target = f"{host}:{by_name('critique').grpc_port}"
    async with make_channel(target, max_message_bytes=16 << 20, default_timeout_s=timeout_s) as channel:
        reply = await critique_pb2_grpc.CritiqueServiceStub(channel).Critique(
            critique_pb2.CritiqueRequest(
                design=design_to_proto(design),
                options=critique_pb2.CritiqueOptions(use_llm=use_models, use_judge=use_models),
            ),
            timeout=timeout_s,
        )
    counts = {name: getattr(reply.counts, name) for name in ("blocking", "error", "warning", "info")}
    return CritiqueSummary(
        blocking=reply.blocking,
        counts=counts,
        scores=dict(reply.scores),
        top_issues=[f"{i.code} at {i.path}: {i.message}" for i in reply.issues[:3]],
        summary=reply.summary,
    )


async def describe_via_service(
    chemical: str, *, max_new_tokens: int = 64, timeout_s: float = 300.0, host: str = "127.0.0.1"
) -> inference_pb2.GenerateResponse:
    """One greedy generation from slm-inference: a short description of how the chemical is made."""
    target = f"{host}:{by_name('slm-inference').grpc_port}"
    async with make_channel(target, max_message_bytes=16 << 20, default_timeout_s=timeout_s) as channel:
        return await inference_pb2_grpc.SlmInferenceStub(channel).Generate(
            inference_pb2.GenerateRequest(
                messages=[
                    inference_pb2.ChatMessage(
                        role="user", content=f"In two sentences, how is {chemical} produced industrially?"
                    )
                ],
                params=inference_pb2.SamplingParams(max_new_tokens=max_new_tokens, temperature=0.0),
            ),
            timeout=timeout_s,
        )


async def research_via_service(
    chemical: str,
    *,
    top_k: int = 2,
    refinement_rounds: int = 1,
    timeout_s: float = 600.0,
    host: str = "127.0.0.1",
) -> web_agents_pb2.ResearchResponse:
    """One research run by web-agents: plan, routed subtasks, harvested documents, judged rounds."""
    target = f"{host}:{by_name('web-agents').grpc_port}"
    async with make_channel(target, max_message_bytes=16 << 20, default_timeout_s=timeout_s) as channel:
        return await web_agents_pb2_grpc.WebAgentsStub(channel).Research(
            web_agents_pb2.ResearchRequest(
                chemical=chemical, top_k=top_k, refinement_rounds=refinement_rounds
            ),
            timeout=timeout_s,
        )
