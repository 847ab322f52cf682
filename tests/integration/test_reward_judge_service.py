"""The RewardJudge gRPC service in process (port 0): deterministic + logprob-weighted Likert judging on
the real SmolLM2-135M, request validation mapped to INVALID_ARGUMENT with the field, and a sanity check of
the deterministic judge on the judge evaluation pairs."""

# Chemistry text uses en dashes in ranges (400-500 degC).
# ruff: noqa: RUF001
from __future__ import annotations

import contextlib
import json
import math
from pathlib import Path

import grpc
import pytest
import pytest_asyncio

from autochem.config import GrpcSettings
from autochem.judging import (
    ATTRIBUTES,
    CompositeJudge,
    DeterministicJudge,
    InputLimits,
    LikertLlmJudge,
    RewardPolicy,
)
from autochem.judging.local_scorer import PrefixCachingScorer
from autochem.judging.service import RewardJudgeServicer
from autochem.rpc import GrpcServer, bad_request_details, make_channel
from autochem.v1 import judge_pb2 as pb
from autochem.v1 import judge_pb2_grpc

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

PAIRS = Path(__file__).resolve().parents[1] / "data" / "judge_pairs.jsonl"
LIMITS = InputLimits(max_prompt_chars=2_000, max_response_chars=2_000, max_context_chars=4_000, max_batch_items=8)

QUESTION = "What catalyst oxidizes SO2 to SO3 in the contact process, and at what temperature?"
CONTEXT = (
    "In the contact process sulfur dioxide is oxidized with air over a vanadium pentoxide (V2O5) catalyst "
    "promoted with potassium sulfate on silica; gas enters each adiabatic bed at about 400–450 °C."
)
GOOD = "Vanadium pentoxide (V2O5) promoted with potassium sulfate on silica, with bed inlets at about 400–450 °C."
WRONG = "Platinum gauze promoted with potassium sulfate on silica, with bed inlets at about 900 °C."


@contextlib.asynccontextmanager
async def serving(judge):
    server = GrpcServer(GrpcSettings(port=0, max_message_bytes=1 << 20), "reward-judge")
    server.add(RewardJudgeServicer(judge), judge_pb2_grpc.add_RewardJudgeServicer_to_server)
    port = await server.start()
    await server.set_serving(True)
    channel = make_channel(f"127.0.0.1:{port}", max_message_bytes=1 << 20, retry=None, default_timeout_s=120)
    try:
        yield judge_pb2_grpc.RewardJudgeStub(channel)
    finally:
        await channel.close()
        await server.shutdown(grace_s=0)


@pytest.fixture(scope="module")
def scorer(smol_model, smol_tokenizer):
    return PrefixCachingScorer(smol_model, smol_tokenizer, model_name="SmolLM2-135M-Instruct")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stub(scorer):
    policy = RewardPolicy()
    judge = CompositeJudge(
        [(DeterministicJudge(policy, LIMITS), 0.6), (LikertLlmJudge(scorer, policy, LIMITS), 0.4)], policy, LIMITS
    )
    async with serving(judge) as s:
        yield s


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def deterministic_stub():
    async with serving(DeterministicJudge(limits=InputLimits(max_batch_items=64))) as s:
        yield s


def _attrs(scores: pb.AttributeScores) -> dict[str, float]:
    return {name: getattr(scores, name) for name in ATTRIBUTES}


# ---------------------------------------------------------------- functional


async def test_score_returns_attributes_r_and_breakdown(stub):
    reply = await stub.Score(pb.ScoreRequest(prompt=QUESTION, response=GOOD, context=CONTEXT))
    result = reply.result
    assert all(0.0 <= v <= 4.0 for v in _attrs(result.scores).values())
    weights = dict(zip(ATTRIBUTES, (0.3, 0.4, 0.2, 0.05, 0.05), strict=True))
    assert result.reward == pytest.approx(sum(weights[k] * v for k, v in _attrs(result.scores).items()))
    assert result.passed == (result.reward >= reply.keep_threshold) and reply.keep_threshold == 2.5
    judges = {b.judge: b for b in result.breakdown}
    assert set(judges) == {"deterministic", "likert"}
    assert judges["deterministic"].weight == pytest.approx(0.6) and judges["likert"].weight == pytest.approx(0.4)
    for name in ATTRIBUTES:  # the composite is the weighted mean of the backends
        mean = 0.6 * getattr(judges["deterministic"].scores, name) + 0.4 * getattr(judges["likert"].scores, name)
        assert getattr(result.scores, name) == pytest.approx(mean)
    assert judges["deterministic"].details["grounding"] == 1.0
    # The Likert backend read real SmolLM2 digit probabilities: mass on the digits is reported per attribute.
    for name in ATTRIBUTES:
        assert 0.0 < judges["likert"].details[f"{name}.digit_mass"] <= 1.0


async def test_request_weights_and_threshold_override_the_configured_ones(stub):
    reply = await stub.Score(
        pb.ScoreRequest(
            prompt=QUESTION,
            response=GOOD,
            context=CONTEXT,
            weights=pb.RewardWeights(correctness=1.0),
            keep_threshold=0.5,
        )
    )
    assert reply.result.reward == pytest.approx(reply.result.scores.correctness)
    assert reply.weights.correctness == 1.0 and reply.weights.helpfulness == 0.0
    assert reply.keep_threshold == 0.5 and reply.result.passed


async def test_score_batch_keeps_order(stub):
    reply = await stub.ScoreBatch(
        pb.ScoreBatchRequest(
            items=[
                pb.ScoreItem(prompt=QUESTION, response=GOOD, context=CONTEXT),
                pb.ScoreItem(prompt=QUESTION, response=WRONG, context=CONTEXT),
            ]
        )
    )
    assert len(reply.results) == 2
    good, wrong = reply.results
    assert good.reward > wrong.reward
    assert "unsupported:platinum" in wrong.flags and "unsupported:900" in wrong.flags


async def test_preference_gap(stub):
    reply = await stub.Preference(
        pb.PreferenceRequest(prompt=QUESTION, chosen=GOOD, rejected=WRONG, context=CONTEXT, min_gap=0.1)
    )
    assert reply.gap == pytest.approx(reply.chosen.reward - reply.rejected.reward)
    assert reply.gap > 0.1 and reply.passed and reply.min_gap == 0.1


# ---------------------------------------------------------------- bad input -> INVALID_ARGUMENT naming the field

ITEM = pb.ScoreItem(prompt="q?", response="an answer.")

BAD_REQUESTS = [
    ("empty-prompt", "Score", pb.ScoreRequest(prompt="", response="an answer."), "prompt"),
    ("blank-prompt", "Score", pb.ScoreRequest(prompt="  \n ", response="an answer."), "prompt"),
    ("empty-response", "Score", pb.ScoreRequest(prompt="q?", response=""), "response"),
    ("oversize-prompt", "Score", pb.ScoreRequest(prompt="q" * 2_001, response="a."), "prompt"),
    ("oversize-response", "Score", pb.ScoreRequest(prompt="q?", response="a" * 2_001), "response"),
    ("oversize-context", "Score", pb.ScoreRequest(prompt="q?", response="a.", context="c" * 4_001), "context"),
    ("nan-weight", "Score", pb.ScoreRequest(prompt="q?", response="a.", weights=pb.RewardWeights(helpfulness=math.nan)), "weights.helpfulness"),
    ("inf-weight", "Score", pb.ScoreRequest(prompt="q?", response="a.", weights=pb.RewardWeights(verbosity=-math.inf)), "weights.verbosity"),
    ("huge-weight", "Score", pb.ScoreRequest(prompt="q?", response="a.", weights=pb.RewardWeights(correctness=1e6)), "weights.correctness"),
    ("zero-weights", "Score", pb.ScoreRequest(prompt="q?", response="a.", weights=pb.RewardWeights()), "weights"),
    ("nan-threshold", "Score", pb.ScoreRequest(prompt="q?", response="a.", keep_threshold=math.nan), "keep_threshold"),
    ("no-items", "ScoreBatch", pb.ScoreBatchRequest(), "items"),
    ("too-many-items", "ScoreBatch", pb.ScoreBatchRequest(items=[ITEM] * 9), "items"),
    ("empty-item-response", "ScoreBatch", pb.ScoreBatchRequest(items=[ITEM, pb.ScoreItem(prompt="q?")]), "items[1].response"),
    ("batch-nan-weight", "ScoreBatch", pb.ScoreBatchRequest(items=[ITEM], weights=pb.RewardWeights(coherence=math.nan)), "weights.coherence"),
    ("empty-chosen", "Preference", pb.PreferenceRequest(prompt="q?", rejected="b."), "chosen"),
    ("empty-rejected", "Preference", pb.PreferenceRequest(prompt="q?", chosen="a."), "rejected"),
    ("nan-min-gap", "Preference", pb.PreferenceRequest(prompt="q?", chosen="a.", rejected="b.", min_gap=math.nan), "min_gap"),
]


@pytest.mark.parametrize(("case", "method", "request_message", "field"), BAD_REQUESTS, ids=[c[0] for c in BAD_REQUESTS])
async def test_bad_input_is_invalid_argument_with_the_field(stub, case, method, request_message, field):
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await getattr(stub, method)(request_message)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, info.value.details()
    violations = bad_request_details(info.value.trailing_metadata())
    assert [f for f, _ in violations] == [field], violations


# ---------------------------------------------------------------- judge sanity on the evaluation pairs


async def test_deterministic_judge_prefers_correct_on_truncated_and_off_topic_pairs(deterministic_stub):
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    assert len(pairs) >= 100
    chosen = [p for p in pairs if p["kind"] in ("truncated", "off_topic")][:20]
    items = []
    for p in chosen:
        items += [
            pb.ScoreItem(prompt=p["question"], response=p["correct"], context=p["context"]),
            pb.ScoreItem(prompt=p["question"], response=p["corrupted"], context=p["context"]),
        ]
    reply = await deterministic_stub.ScoreBatch(pb.ScoreBatchRequest(items=items))
    rewards = [r.reward for r in reply.results]
    wins = sum(rewards[2 * i] > rewards[2 * i + 1] for i in range(len(chosen)))
    assert wins >= 0.8 * len(chosen), f"prefers the correct answer on {wins}/{len(chosen)}"


# ---------------------------------------------------------------- the in-process scorer is exact


async def test_prefix_caching_scorer_matches_a_full_forward(scorer, smol_model, smol_tokenizer):
    import torch

    from autochem.inference.api import ChatMessage
    from autochem.judging.likert import LIKERT_DIGITS

    first = [ChatMessage("user", "Question: what catalyst?\nAnswer: iron.\nRate helpfulness 0-4.")]
    second = [ChatMessage("user", "Question: what catalyst?\nAnswer: iron.\nRate coherence 0-4.")]
    await scorer.continuation_logprobs(first, LIKERT_DIGITS)  # fills the cache the second call reuses
    cached = await scorer.continuation_logprobs(second, LIKERT_DIGITS)
    text = smol_tokenizer.apply_chat_template(
        [{"role": "user", "content": second[0].content}], add_generation_prompt=True, tokenize=False
    )
    ids = smol_tokenizer(text, add_special_tokens=False).input_ids
    with torch.inference_mode():
        logp = torch.log_softmax(smol_model(torch.tensor([ids])).logits[0, -1].float(), dim=-1)
    digits = [smol_tokenizer(d, add_special_tokens=False).input_ids[0] for d in LIKERT_DIGITS]
    assert cached == pytest.approx([float(logp[d]) for d in digits], abs=2e-3)
