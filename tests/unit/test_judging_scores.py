"""R = Σ α·score arithmetic, weights/threshold validation, input limits, composite means, settings."""

# ruff: noqa: RUF002
from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pydantic
import pytest

from autochem.errors import InvalidArgument
from autochem.judging import (
    ATTRIBUTES,
    CompositeJudge,
    InputLimits,
    JudgeBase,
    JudgeItem,
    PreferenceResult,
    RewardPolicy,
    RewardWeights,
    Thresholds,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
ALL_TWOS = dict.fromkeys(ATTRIBUTES, 2.0)


class FixedJudge(JudgeBase):
    """Returns the same attribute scores for every item (or per response text when given a mapping)."""

    def __init__(self, name: str, attributes, policy: RewardPolicy | None = None) -> None:
        super().__init__(policy)
        self.name = name
        self.attributes = attributes

    async def _score_item(self, item: JudgeItem):
        attrs = self.attributes.get(item.response, ALL_TWOS) if "by_text" in self.name else self.attributes
        return self.policy.scores(self.name, attrs, {"n": 1.0}, ("flag-" + self.name,))


def test_default_weights_sum_to_one_so_r_stays_on_the_likert_scale():
    w = RewardWeights()
    assert math.isclose(sum(w.as_dict().values()), 1.0)
    assert math.isclose(w.reward(dict.fromkeys(ATTRIBUTES, 4.0)), 4.0)
    assert w.correctness > w.helpfulness > w.coherence > w.complexity == w.verbosity


def test_reward_is_the_weighted_sum_and_passed_compares_with_tau():
    policy = RewardPolicy(RewardWeights(1.0, 0.5, 0.0, 0.0, -0.25), Thresholds(keep=3.0))
    s = policy.scores("x", {"helpfulness": 2, "correctness": 3, "coherence": 4, "complexity": 1, "verbosity": 4}, {})
    assert s.reward == pytest.approx(2 + 1.5 - 1.0)
    assert s.passed is False
    assert policy.scores("x", {**ALL_TWOS, "helpfulness": 4.0, "correctness": 4.0}, {}).passed  # 4 + 2 - 0.5 = 5.5


def test_scores_are_clamped_to_0_4_before_r():
    s = RewardPolicy().scores("x", {**ALL_TWOS, "correctness": 7.5, "helpfulness": -1.0}, {})
    assert s.correctness == 4.0 and s.helpfulness == 0.0
    with pytest.raises(ValueError):
        RewardPolicy().scores("x", {**ALL_TWOS, "coherence": math.nan}, {})


def test_with_policy_recomputes_r_and_passed_only():
    s = RewardPolicy().scores("x", ALL_TWOS, {"d": 1.0}, ("f",))
    assert s.reward == pytest.approx(2.0) and not s.passed
    lenient = s.with_policy(RewardPolicy(RewardWeights(), Thresholds(keep=1.5)))
    assert lenient.passed and lenient.attributes() == s.attributes() and lenient.details == {"d": 1.0}


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        (RewardWeights(helpfulness=math.nan), "weights.helpfulness"),
        (RewardWeights(correctness=math.inf), "weights.correctness"),
        (RewardWeights(verbosity=-11.0), "weights.verbosity"),
        (RewardWeights(0, 0, 0, 0, 0), "weights"),
    ],
)
def test_bad_weights_name_the_field(weights, field):
    with pytest.raises(InvalidArgument) as info:
        weights.validate()
    assert info.value.field == field


def test_bad_thresholds_name_the_field():
    with pytest.raises(InvalidArgument) as info:
        Thresholds(keep=math.nan).validate()
    assert info.value.field == "thresholds.keep"
    with pytest.raises(InvalidArgument) as info:
        Thresholds(preference_gap=math.inf).validate()
    assert info.value.field == "thresholds.preference_gap"


def test_preference_gap_and_tau_dpo():
    policy = RewardPolicy(thresholds=Thresholds(preference_gap=0.5))
    good = policy.scores("x", dict.fromkeys(ATTRIBUTES, 3.0), {})
    meh = policy.scores("x", dict.fromkeys(ATTRIBUTES, 2.7), {})
    bad = policy.scores("x", dict.fromkeys(ATTRIBUTES, 1.0), {})
    assert PreferenceResult.of(good, bad, policy).gap == pytest.approx(2.0)
    assert PreferenceResult.of(good, bad, policy).passed
    near = PreferenceResult.of(good, meh, policy)
    assert near.gap == pytest.approx(0.3) and not near.passed


@pytest.mark.parametrize(
    ("prompt", "response", "context", "field"),
    [
        ("", "an answer", None, "prompt"),
        ("   \n", "an answer", None, "prompt"),
        ("a question", "", None, "response"),
        ("a question", " \t", None, "response"),
        ("q" * 101, "an answer", None, "prompt"),
        ("a question", "r" * 201, None, "response"),
        ("a question", "an answer", "c" * 301, "context"),
        ("a question", "an\x00answer", None, "response"),
    ],
)
async def test_input_limits_raise_invalid_argument_naming_the_field(prompt, response, context, field):
    judge = FixedJudge("fixed", ALL_TWOS)
    judge.limits = InputLimits(max_prompt_chars=100, max_response_chars=200, max_context_chars=300, max_batch_items=3)
    with pytest.raises(InvalidArgument) as info:
        await judge.score(prompt, response, context)
    assert info.value.field == field


async def test_batch_limits_and_item_fields():
    judge = FixedJudge("fixed", ALL_TWOS)
    judge.limits = InputLimits(max_batch_items=3)
    ok = JudgeItem("q", "r")
    with pytest.raises(InvalidArgument) as info:
        await judge.score_batch([ok] * 4)
    assert info.value.field == "items"
    with pytest.raises(InvalidArgument) as info:
        await judge.score_batch([])
    assert info.value.field == "items"
    with pytest.raises(InvalidArgument) as info:
        await judge.score_batch([ok, JudgeItem("q", "")])
    assert info.value.field == "items[1].response"
    assert len(await judge.score_batch([ok, ok])) == 2


async def test_preference_validates_chosen_and_rejected():
    judge = FixedJudge("fixed", ALL_TWOS)
    with pytest.raises(InvalidArgument) as info:
        await judge.preference("q", "a", "")
    assert info.value.field == "rejected"
    with pytest.raises(InvalidArgument) as info:
        await judge.preference("q", "", "b")
    assert info.value.field == "chosen"


async def test_composite_is_the_weighted_mean_per_attribute_with_components():
    a = FixedJudge("a", dict.fromkeys(ATTRIBUTES, 4.0))
    b = FixedJudge("b", dict.fromkeys(ATTRIBUTES, 1.0))
    composite = CompositeJudge([(a, 3.0), (b, 1.0)])
    s = await composite.score("q", "r")
    assert s.correctness == pytest.approx(0.75 * 4 + 0.25 * 1)
    assert s.reward == pytest.approx(3.25)
    assert [c.judge for c in s.components] == ["a", "b"]
    assert s.details == {"weight.a": 0.75, "weight.b": 0.25}
    assert s.flags == ("flag-a", "flag-b")
    with pytest.raises(InvalidArgument):
        CompositeJudge([(a, math.nan)])
    with pytest.raises(ValueError):
        CompositeJudge([(a, 0.0)])


def _load_service_main():
    path = REPO_ROOT / "services" / "reward-judge" / "__main__.py"
    spec = importlib.util.spec_from_file_location("reward_judge_main", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["reward_judge_main"] = module
    spec.loader.exec_module(module)
    return module


def test_settings_defaults_are_described_and_validated(monkeypatch):
    main = _load_service_main()
    settings = main.RewardJudgeSettings()
    assert settings.grpc.port == 50064 and settings.metrics_port == 9164
    assert settings.lm_backend == "grpc" and settings.slm_inference_address == "127.0.0.1:50067"
    assert settings.policy().weights == RewardWeights()
    for model in (main.RewardJudgeSettings, main.RewardWeightSettings):
        missing = [n for n, f in model.model_fields.items() if not (f.description or "").strip()]
        assert not missing, missing
    with pytest.raises(pydantic.ValidationError):
        main.RewardJudgeSettings(weights={"correctness": math.nan})
    with pytest.raises(pydantic.ValidationError):
        main.RewardJudgeSettings(judges=["oracle"])
    monkeypatch.setenv("AUTOCHEM_REWARD_ENDPOINT_KEY", "sk-secret")
    assert "sk-secret" not in repr(main.RewardJudgeSettings())
    judge = main.build_from_settings(main.RewardJudgeSettings(judges=["deterministic"]))
    assert judge.name == "deterministic"
