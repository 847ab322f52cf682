"""Assemble the configured judge: one backend alone, or several combined by CompositeJudge."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from autochem.inference.api import GenerationBackend
from autochem.judging.base import DEFAULT_LIMITS, InputLimits, Judge
from autochem.judging.composite import CompositeJudge
from autochem.judging.deterministic import DeterministicJudge
from autochem.judging.endpoint import DEFAULT_REWARD_MODEL, RewardModelEndpointJudge
from autochem.judging.likert import LikertLlmJudge
from autochem.judging.scores import RewardPolicy

JUDGE_KINDS = ("deterministic", "likert", "endpoint")


@dataclass(frozen=True)
class EndpointConfig:
    base_url: str
    api_key: str | None = None
    model: str = DEFAULT_REWARD_MODEL
    timeout_s: float = 60.0


def build_judge(
    enabled: Sequence[str],
    *,
    policy: RewardPolicy,
    limits: InputLimits = DEFAULT_LIMITS,
    member_weights: Mapping[str, float] | None = None,
    lm_backend: GenerationBackend | None = None,
    endpoint: EndpointConfig | None = None,
    likert_concurrency: int = 4,
) -> Judge:
    if not enabled:
        raise ValueError("enable at least one judge backend")
    unknown = [k for k in enabled if k not in JUDGE_KINDS]
    if unknown:
        raise ValueError(f"unknown judge backends {unknown}; known: {JUDGE_KINDS}")
    members: list[tuple[Judge, float]] = []
    for kind in dict.fromkeys(enabled):
        if kind == "deterministic":
            judge: Judge = DeterministicJudge(policy, limits)
        elif kind == "likert":
            if lm_backend is None:
                raise ValueError("the likert judge needs a language-model backend")
            judge = LikertLlmJudge(lm_backend, policy, limits, max_concurrency=likert_concurrency)
        else:
            if endpoint is None:
                raise ValueError("the endpoint judge needs a reward endpoint URL")
            judge = RewardModelEndpointJudge(
                endpoint.base_url, endpoint.api_key, endpoint.model, policy, limits, timeout_s=endpoint.timeout_s
            )
        members.append((judge, (member_weights or {}).get(kind, 1.0)))
    if len(members) == 1:
        return members[0][0]
    return CompositeJudge(members, policy, limits)
