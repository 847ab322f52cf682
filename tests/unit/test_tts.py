"""Test-time scaling without a model: answer extraction, voting, score arithmetic, option checks, and
the whole procedure over a scripted fake backend."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest

from autochem.errors import FailedPrecondition, InvalidArgument, ResourceExhausted
from autochem.inference.api import (
    ChatMessage,
    Decoding,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    ModelInfo,
)
from autochem.inference.tts import (
    CHAIN_OF_THOUGHT_INSTRUCTION,
    Ballot,
    TokenWeighting,
    TtsOptions,
    candidate_score,
    derive_seed,
    extract_answer,
    majority_vote,
    normalize_token_weights,
    run_test_time_scaling,
)

# ---------------------------------------------------------------------------------------------------
# Answer extraction


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Step 1: heat the feed.\nAnswer: 350 K", "350 k"),
        ("Reasoning...\n**Answer:** 350 K.", "350 k"),
        ("final answer: Distillation Column", "distillation column"),
        ("The Final Answer is: 2.50 bar", "2.5 bar"),
        ("Answer: about 1,000.0 kg/h of steam", "1000 kg/h"),  # one quantity in the answer: just it
        ("Answer: 350 K (77 °C)", "350 k (77 °c)"),  # two quantities: the normalized line
        ("Answer: 1e3 Pa", "1000 pa"),
        ("Answer: \u22124 °C", "-4 °c"),  # typeset minus sign
        ("Answer: 42\nlater text\nAnswer: 43", "43"),  # the last answer line wins
        ("Answer:\nThe column runs at 2 bar.", "2 bar"),  # empty answer line is ignored
        ("Feed at 25 °C, product at 1,200 kg/h. That's it.", "1200 kg/h"),  # last number with unit
        ("It takes 5 min to settle and the yield is 95.0%", "95 %"),
        ("Heat duty 3.5 MW.\nCooling is needed", "3.5 mw"),  # a unit beats a later unit-less sentence
        ("So the total is 42.", "42"),  # last sentence holding one number reduces to it
        ("Therefore   we get  42", "42"),
        ("Use a   Distillation Column.", "use a distillation column"),
        ("CO2 leaves R-101.", "co2 leaves r-101"),  # identifiers are not numbers
        ("Pick the 2nd option.", "pick the 2nd option"),  # ordinals are not quantities
        ("", ""),
        ("   \n  ", ""),
    ],
)
def test_extract_answer(text, expected):
    assert extract_answer(text) == expected


def test_equal_answers_in_different_formatting_compare_equal():
    forms = [
        "Answer: 1,500 kPa",
        "answer:1500.0 kPa.",
        "**Final answer**: 1500 KPA",
        "The result is 1500 kPa",
    ]
    assert {extract_answer(f) for f in forms} == {"1500 kpa"}


# ---------------------------------------------------------------------------------------------------
# Voting


def test_majority_wins_over_better_score():
    ballots = [
        Ballot("a", 0.1, "text a", 0),
        Ballot("b", 0.5, "text b1", 1),
        Ballot("b", 0.9, "text b2", 2),
    ]
    outcome = majority_vote(ballots)
    assert outcome.answer == "b"
    assert outcome.votes == {"a": 1, "b": 2}
    assert outcome.chosen is not None and outcome.chosen.text == "text b1"  # best-scoring text among "b"


def test_tie_goes_to_answer_with_best_score():
    ballots = [
        Ballot("x", 0.7, "x orig", 0),
        Ballot("x", 0.7, "x rev", 0, is_revision=True),
        Ballot("y", 0.3, "y orig", 1),
        Ballot("y", 0.3, "y rev", 1, is_revision=True),
    ]
    outcome = majority_vote(ballots)
    assert outcome.answer == "y" and outcome.votes == {"x": 2, "y": 2}
    # Same trajectory, same score: the revision is the text chosen.
    assert outcome.chosen is not None and outcome.chosen.text == "y rev"


def test_exact_tie_is_broken_by_sampling_order():
    outcome = majority_vote([Ballot("late", 0.5, "late", 3), Ballot("early", 0.5, "early", 1)])
    assert outcome.answer == "early"


def test_empty_answers_do_not_vote():
    outcome = majority_vote(
        [Ballot("", 0.1, "rambling", 0), Ballot("", 0.2, "more", 1), Ballot("z", 0.9, "z", 2)]
    )
    assert outcome.answer == "z" and outcome.votes == {"z": 1}


def test_no_answer_anywhere_chooses_best_scoring_text():
    outcome = majority_vote([Ballot("", 0.4, "worse", 0), Ballot("", 0.2, "better", 1)])
    assert outcome.answer == "" and outcome.votes == {}
    assert outcome.chosen is not None and outcome.chosen.text == "better"


# ---------------------------------------------------------------------------------------------------
# Weights and score arithmetic


@pytest.mark.parametrize(
    "raw",
    [[0.2, 0.5, 0.3], [1e-9, 3e-9], [5.0], [0.0, 0.0, 1.0, 7.0], list(range(1, 50))],
)
def test_normalized_weights_sum_to_token_count(raw):
    weights = normalize_token_weights(raw)
    assert len(weights) == len(raw)
    assert math.isclose(sum(weights), len(raw), rel_tol=1e-12)
    assert all(w >= 0 for w in weights)
    # Proportions are kept.
    assert math.isclose(weights[-1] / sum(weights), raw[-1] / sum(raw), rel_tol=1e-9)


def test_weights_without_signal_fall_back_to_uniform():
    assert normalize_token_weights([0.0, 0.0, 0.0]) == [1.0, 1.0, 1.0]
    assert normalize_token_weights([]) == []
    # Negative and non-finite importances count as none at all.
    assert normalize_token_weights([-1.0, math.nan, 2.0, math.inf]) == [0.0, 0.0, 4.0, 0.0]


def test_score_arithmetic():
    logprobs = [-0.5, -1.0, -1.5, -1.0]
    entropies = [2.0, 1.0, 0.0, 1.0]
    weights = [2.0, 1.0, 0.5, 0.5]  # sums to T = 4
    h_bar, l_bar, score = candidate_score(logprobs, entropies, weights, lam=0.25)
    assert h_bar == pytest.approx((2 * 2 + 1 * 1 + 0.5 * 0 + 0.5 * 1) / 4)  # 1.375
    assert l_bar == pytest.approx(-1.0)
    assert score == pytest.approx(0.25 * 1.375 - 0.75 * -1.0)  # 1.09375


@pytest.mark.parametrize(("lam", "expected"), [(0.0, 1.0), (1.0, 1.0), (0.5, 1.0)])
def test_score_extremes_of_lambda(lam, expected):
    # H_bar = 1 and l_bar = -1, so every λ gives 1: λ picks how much each part counts, not the scale.
    _, _, score = candidate_score([-1.0, -1.0], [1.0, 1.0], [1.0, 1.0], lam)
    assert score == pytest.approx(expected)


def test_empty_generation_scores_worst():
    assert candidate_score([], [], [], 0.5) == (0.0, 0.0, math.inf)


def test_score_rejects_misaligned_inputs():
    with pytest.raises(ValueError):
        candidate_score([-1.0], [1.0, 2.0], [1.0], 0.5)


# ---------------------------------------------------------------------------------------------------
# Options


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (TtsOptions(n=0), "options.n"),
        (TtsOptions(n=33), "options.n"),
        (TtsOptions(n=4, top_k=0), "options.top_k"),
        (TtsOptions(n=4, top_k=5), "options.top_k"),
        (TtsOptions(lam=-0.01), "options.lam"),
        (TtsOptions(lam=1.5), "options.lam"),
        (TtsOptions(lam=math.nan), "options.lam"),
        (TtsOptions(max_new_tokens=0), "options.max_new_tokens"),
        (TtsOptions(max_new_tokens=100_000), "options.max_new_tokens"),
        (TtsOptions(temperature=0.0), "options.temperature"),
        (TtsOptions(temperature=math.inf), "options.temperature"),
        (TtsOptions(seed=-1), "options.seed"),
        (TtsOptions(seed=2**63), "options.seed"),
        (TtsOptions(revise="yes"), "options.revise"),  # type: ignore[arg-type]
    ],
)
def test_invalid_options_name_the_field(options, field):
    with pytest.raises(InvalidArgument) as caught:
        options.validate()
    assert caught.value.field == field


@pytest.mark.parametrize(
    "options", [TtsOptions(), TtsOptions(n=1, top_k=1, lam=0.0), TtsOptions(n=32, top_k=32, lam=1.0)]
)
def test_valid_options_pass(options):
    options.validate()


def test_derived_seeds_are_distinct_and_reproducible():
    seeds = [derive_seed(7, k) for k in range(300)]
    assert len(set(seeds)) == 300
    assert seeds == [derive_seed(7, k) for k in range(300)]
    assert all(0 <= s < 2**63 for s in seeds)


# ---------------------------------------------------------------------------------------------------
# The procedure over a scripted backend


class ScriptedBackend:
    """Answers by role (told apart by the request id suffix TTS gives each sub-request)."""

    def __init__(self, candidates: Sequence[tuple[str, list[float], list[float]]], revisions: dict[int, str]):
        self.candidates = candidates  # index → (text, logprobs, entropies)
        self.revisions = revisions
        self.requests: list[GenerationRequest] = []
        self.omit_logprobs = False

    def info(self) -> ModelInfo:
        return ModelInfo("fake", "fake", "v1", 2048)

    async def start(self) -> None:
        pass

    def stream(self, request):
        raise NotImplementedError

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        request.validate()
        self.requests.append(request)
        role, index = request.request_id.rsplit("-", 2)[-2:]
        i = int(index)
        if role == "candidate":
            text, logprobs, entropies = self.candidates[i]
            if self.omit_logprobs:
                return self._result(text, len(logprobs))
            return self._result(text, len(logprobs), logprobs, entropies)
        if role == "critique":
            return self._result(f"critique of {i}", 3)
        return self._result(self.revisions[i], 4)

    @staticmethod
    def _result(text, count, logprobs=None, entropies=None) -> GenerationResult:
        return GenerationResult(
            text=text,
            token_ids=list(range(10, 10 + count)),
            finish_reason=FinishReason.STOP,
            prompt_tokens=5,
            model_version="v1",
            logprobs=logprobs,
            entropies=entropies,
        )

    async def continuation_logprobs(self, prompt, continuations):
        raise NotImplementedError

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    async def close(self) -> None:
        pass

    def by_role(self, role: str) -> list[GenerationRequest]:
        return [r for r in self.requests if f"-tts-{role}-" in r.request_id]


class FixedWeightScorer:
    """Stands in for TokenWeightScorer: fixed raw importances per candidate length."""

    def __init__(self, raw_by_length: dict[int, list[float]]):
        self.raw_by_length = raw_by_length
        self.calls: list[tuple[tuple[ChatMessage, ...], list[int]]] = []

    async def token_weights(self, messages, completion_token_ids):
        self.calls.append((tuple(messages), list(completion_token_ids)))
        return normalize_token_weights(self.raw_by_length[len(completion_token_ids)])


def _three_candidates():
    # (text, logprobs, entropies); uniform-weight scores at λ = 0.5:
    #   0: H=1.0, l=-0.5 → 0.75   1: H=0.2, l=-0.1 → 0.15   2: H=2.0, l=-2.0 → 2.0
    return [
        ("Reasoning A.\nAnswer: 350 K", [-0.5, -0.5], [1.0, 1.0]),
        ("Reasoning B.\nAnswer: 77 °C", [-0.1, -0.1, -0.1], [0.2, 0.2, 0.2]),
        ("Reasoning C.\nAnswer: 350 K", [-2.0, -2.0], [2.0, 2.0]),
    ]


async def test_uniform_weighting_scores_keeps_and_votes():
    backend = ScriptedBackend(
        _three_candidates(), revisions={0: "Fixed.\nAnswer: 350.0 K", 1: "Fixed.\nAnswer: 350 K"}
    )
    request = GenerationRequest(messages=(ChatMessage("user", "At what temperature does the reboiler run?"),))
    result = await run_test_time_scaling(backend, request, TtsOptions(n=3, top_k=2, lam=0.5, seed=11))

    assert result.weighting == TokenWeighting.UNIFORM == "uniform"
    assert [c.score for c in result.candidates] == pytest.approx([0.75, 0.15, 2.0])
    assert [c.kept for c in result.candidates] == [True, True, False]
    assert [c.answer for c in result.candidates] == ["350 k", "77 °c", "350 k"]
    # Pool = kept originals (350 k, 77 °c) + their revisions (350 k, 350 k); candidate 2 was not kept.
    assert result.votes == {"350 k": 3, "77 °c": 1}
    assert result.answer == "350 k"
    # Best score with the winning answer is candidate 1 (0.15) through its revision.
    assert result.chosen_text == "Fixed.\nAnswer: 350 K"
    assert result.candidates[1].revised_answer == "350 k"
    assert result.candidates[2].revised_text is None and result.candidates[2].critique is None
    assert result.seed == 11


async def test_attention_gradient_weights_change_the_entropy_term():
    candidates = [
        ("Answer: 1 bar", [-1.0, -1.0], [3.0, 0.0]),
        ("Answer: 2 bar", [-1.0, -1.0], [0.0, 3.0]),
    ]
    # Length-2 candidates get importances 3:1 → weights [1.5, 0.5].
    scorer = FixedWeightScorer({2: [3.0, 1.0]})
    backend = ScriptedBackend(candidates, revisions={})
    request = GenerationRequest(prompt="Pressure?")
    options = TtsOptions(n=2, top_k=1, lam=1.0, revise=False, seed=3)
    result = await run_test_time_scaling(backend, request, options, scorer=scorer)

    assert result.weighting == "attention_gradient"
    assert [c.weighted_entropy for c in result.candidates] == pytest.approx([1.5 * 3 / 2, 0.5 * 3 / 2])
    assert [c.kept for c in result.candidates] == [False, True]
    assert result.answer == "2 bar" and result.votes == {"2 bar": 1}
    # The scorer saw the same conversation the candidates were sampled from.
    assert scorer.calls[0][0] == backend.by_role("candidate")[0].messages
    # Uniform weights would have tied the two candidates on entropy.
    uniform = await run_test_time_scaling(ScriptedBackend(candidates, {}), request, options)
    assert [c.weighted_entropy for c in uniform.candidates] == pytest.approx([1.5, 1.5])


async def test_sub_requests_carry_instructions_seeds_and_logprobs():
    backend = ScriptedBackend(_three_candidates(), revisions={0: "Answer: 1", 1: "Answer: 1"})
    request = GenerationRequest(
        messages=(ChatMessage("system", "Context: plant P-7."), ChatMessage("user", "Which column?")),
        model_version="m-3",
        request_id="req42",
    )
    options = TtsOptions(n=3, top_k=2, max_new_tokens=64, temperature=0.7, seed=5)
    await run_test_time_scaling(backend, request, options)

    candidate_requests = backend.by_role("candidate")
    assert len(candidate_requests) == 3
    assert len({r.params.seed for r in candidate_requests}) == 3
    for r in candidate_requests:
        assert r.params.logprobs and r.params.decoding is Decoding.SAMPLE
        assert r.params.temperature == 0.7 and r.params.max_new_tokens == 64
        assert r.model_version == "m-3" and r.request_id.startswith("req42-")
        system = r.messages[0]
        assert system.role == "system" and "Context: plant P-7." in system.content
        assert CHAIN_OF_THOUGHT_INSTRUCTION in system.content
        assert r.messages[1:] == (ChatMessage("user", "Which column?"),)

    critiques, revisions = backend.by_role("critique"), backend.by_role("revision")
    assert len(critiques) == len(revisions) == 2
    assert (
        "Reasoning A." in critiques[0].messages[-1].content
        and "Which column?" in critiques[0].messages[-1].content
    )
    assert "critique of 0" in revisions[0].messages[-1].content
    all_seeds = [r.params.seed for r in backend.requests]
    assert len(set(all_seeds)) == len(all_seeds) == 7

    # Same base seed → the same sub-request seeds.
    again = ScriptedBackend(_three_candidates(), revisions={0: "Answer: 1", 1: "Answer: 1"})
    await run_test_time_scaling(again, request, options)
    assert sorted(r.params.seed for r in again.requests) == sorted(all_seeds)


async def test_without_revision_votes_over_kept_originals_only():
    backend = ScriptedBackend(_three_candidates(), revisions={})
    request = GenerationRequest(prompt="Reboiler temperature?")
    result = await run_test_time_scaling(backend, request, TtsOptions(n=3, top_k=2, revise=False, seed=1))
    assert backend.by_role("critique") == [] and backend.by_role("revision") == []
    assert result.votes == {"350 k": 1, "77 °c": 1}
    # One vote each: the tie goes to the better score (candidate 1, 0.15 < 0.75).
    assert result.answer == "77 °c" and result.chosen_text == "Reasoning B.\nAnswer: 77 °C"


async def test_empty_candidate_is_never_preferred():
    candidates = [("", [], []), ("Answer: 5 bar", [-3.0], [4.0])]
    backend = ScriptedBackend(candidates, revisions={})
    result = await run_test_time_scaling(
        backend, GenerationRequest(prompt="P?"), TtsOptions(n=2, top_k=1, revise=False, seed=2)
    )
    assert result.candidates[0].score == math.inf and not result.candidates[0].kept
    assert result.answer == "5 bar"


async def test_backend_without_logprobs_is_a_failed_precondition():
    backend = ScriptedBackend(_three_candidates(), revisions={})
    backend.omit_logprobs = True
    with pytest.raises(FailedPrecondition):
        await run_test_time_scaling(backend, GenerationRequest(prompt="P?"), TtsOptions(n=3, top_k=1, seed=0))


async def test_backend_errors_surface_unwrapped():
    class OverloadedBackend(ScriptedBackend):
        async def generate(self, request):
            raise ResourceExhausted("queue full")

    backend = OverloadedBackend(_three_candidates(), revisions={})
    with pytest.raises(ResourceExhausted):
        await run_test_time_scaling(backend, GenerationRequest(prompt="P?"), TtsOptions(n=3, top_k=1))


async def test_invalid_request_and_options_are_rejected_before_generating():
    backend = ScriptedBackend(_three_candidates(), revisions={})
    with pytest.raises(InvalidArgument) as caught:
        await run_test_time_scaling(backend, GenerationRequest(prompt="P?"), TtsOptions(n=2, top_k=3))
    assert caught.value.field == "options.top_k"
    with pytest.raises(InvalidArgument):
        await run_test_time_scaling(backend, GenerationRequest(), TtsOptions())
    assert backend.requests == []
