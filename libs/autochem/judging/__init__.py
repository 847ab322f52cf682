# Chemistry text: en dashes in ranges (400–500 °C), minus signs, Greek letters of the paper's formulas.
# ruff: noqa: RUF002, RUF003
"""Reward judging: five-attribute scores (helpfulness, correctness, coherence, complexity, verbosity, 0–4),
the weighted reward R, keep thresholds and DPO preference gaps — from lexical checks, a logprob-weighted
Likert LM judge, a Nemotron-style reward endpoint, or a weighted combination of them."""

from autochem.judging.base import DEFAULT_LIMITS, InputLimits, Judge, JudgeBase, JudgeItem
from autochem.judging.composite import CompositeJudge
from autochem.judging.deterministic import DeterministicJudge
from autochem.judging.endpoint import RewardModelEndpointJudge, parse_nemotron_scores
from autochem.judging.factory import JUDGE_KINDS, EndpointConfig, build_judge
from autochem.judging.likert import LikertLlmJudge, expected_likert
from autochem.judging.scores import (
    ATTRIBUTES,
    JudgeScores,
    PreferenceResult,
    RewardPolicy,
    RewardWeights,
    Thresholds,
)

__all__ = [
    "ATTRIBUTES",
    "DEFAULT_LIMITS",
    "JUDGE_KINDS",
    "CompositeJudge",
    "DeterministicJudge",
    "EndpointConfig",
    "InputLimits",
    "Judge",
    "JudgeBase",
    "JudgeItem",
    "JudgeScores",
    "LikertLlmJudge",
    "PreferenceResult",
    "RewardModelEndpointJudge",
    "RewardPolicy",
    "RewardWeights",
    "Thresholds",
    "build_judge",
    "expected_likert",
    "parse_nemotron_scores",
]
