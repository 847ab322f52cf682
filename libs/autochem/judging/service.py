# Chemistry text: en dashes in ranges (400–500 °C), minus signs, Greek letters of the paper's formulas.
# ruff: noqa: RUF003
"""The RewardJudge gRPC servicer: proto ↔ domain only; the judging itself is the Judge's."""

from __future__ import annotations

from autochem.judging.base import Judge, JudgeItem
from autochem.judging.scores import (
    ATTRIBUTES,
    JudgeScores,
    RewardPolicy,
    RewardWeights,
    Thresholds,
    check_finite,
)
from autochem.v1 import judge_pb2, judge_pb2_grpc

THRESHOLD_BOUND = 1_000.0  # |τ| beyond this cannot be met or failed by any R on a 0–4 scale


def weights_from_proto(message: judge_pb2.RewardWeights, field_name: str) -> RewardWeights:
    return RewardWeights(**{name: getattr(message, name) for name in ATTRIBUTES}).validate(field_name)


def weights_to_proto(weights: RewardWeights) -> judge_pb2.RewardWeights:
    return judge_pb2.RewardWeights(**weights.as_dict())


def _breakdown(scores: JudgeScores, weight: float) -> judge_pb2.JudgeBreakdown:
    return judge_pb2.JudgeBreakdown(
        judge=scores.judge,
        weight=weight,
        scores=judge_pb2.AttributeScores(**scores.attributes()),
        reward=scores.reward,
        details=scores.details,
        flags=list(scores.flags),
    )


def result_to_proto(scores: JudgeScores) -> judge_pb2.ScoreResult:
    if scores.components:
        breakdown = [_breakdown(c, scores.details.get(f"weight.{c.judge}", 0.0)) for c in scores.components]
    else:
        breakdown = [_breakdown(scores, 1.0)]
    return judge_pb2.ScoreResult(
        scores=judge_pb2.AttributeScores(**scores.attributes()),
        reward=scores.reward,
        passed=scores.passed,
        breakdown=breakdown,
        flags=list(scores.flags),
    )


class RewardJudgeServicer(judge_pb2_grpc.RewardJudgeServicer):
    """Requests may override the configured weights and thresholds; scores are recomputed under them."""

    def __init__(self, judge: Judge) -> None:
        self.judge = judge

    def _policy(self, request, weights_field: str, threshold_field: str, gap: bool = False) -> RewardPolicy:
        base = self.judge.policy
        weights = (
            weights_from_proto(getattr(request, weights_field), weights_field)
            if request.HasField(weights_field)
            else base.weights
        )
        thresholds = base.thresholds
        if request.HasField(threshold_field):
            value = check_finite(getattr(request, threshold_field), threshold_field, -THRESHOLD_BOUND, THRESHOLD_BOUND)
            thresholds = (
                Thresholds(keep=thresholds.keep, preference_gap=value)
                if gap
                else Thresholds(keep=value, preference_gap=thresholds.preference_gap)
            )
        return RewardPolicy(weights, thresholds)

    async def Score(self, request: judge_pb2.ScoreRequest, context) -> judge_pb2.ScoreResponse:
        policy = self._policy(request, "weights", "keep_threshold")
        scores = await self.judge.score(request.prompt, request.response, request.context or None)
        return judge_pb2.ScoreResponse(
            result=result_to_proto(scores.with_policy(policy)),
            weights=weights_to_proto(policy.weights),
            keep_threshold=policy.thresholds.keep,
        )

    async def ScoreBatch(self, request: judge_pb2.ScoreBatchRequest, context) -> judge_pb2.ScoreBatchResponse:
        policy = self._policy(request, "weights", "keep_threshold")
        items = [JudgeItem(i.prompt, i.response, i.context or None) for i in request.items]
        results = await self.judge.score_batch(items)
        return judge_pb2.ScoreBatchResponse(
            results=[result_to_proto(s.with_policy(policy)) for s in results],
            weights=weights_to_proto(policy.weights),
            keep_threshold=policy.thresholds.keep,
        )

    async def Preference(self, request: judge_pb2.PreferenceRequest, context) -> judge_pb2.PreferenceResponse:
        policy = self._policy(request, "weights", "min_gap", gap=True)
        result = await self.judge.preference(
            request.prompt, request.chosen, request.rejected, request.context or None
        )
        chosen = result.chosen.with_policy(policy)
        rejected = result.rejected.with_policy(policy)
        gap = chosen.reward - rejected.reward
        return judge_pb2.PreferenceResponse(
            gap=gap,
            passed=gap >= policy.thresholds.preference_gap,
            chosen=result_to_proto(chosen),
            rejected=result_to_proto(rejected),
            weights=weights_to_proto(policy.weights),
            min_gap=policy.thresholds.preference_gap,
        )
