"""Deterministic judge on crafted cases, the Likert expectation from given logprobs (fake backend), and
parsing of Nemotron-style reward endpoint replies (also over real HTTP through the openai client)."""

# ruff: noqa: RUF001, RUF003
from __future__ import annotations

import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from autochem.errors import FailedPrecondition, Unavailable
from autochem.inference.api import ChatMessage
from autochem.judging import (
    ATTRIBUTES,
    DeterministicJudge,
    LikertLlmJudge,
    RewardModelEndpointJudge,
    expected_likert,
    parse_nemotron_scores,
)
from autochem.judging.deterministic import numbers_of, truncation_of
from autochem.judging.likert import LIKERT_DIGITS, RUBRICS

QUESTION = "Which catalyst and conditions does the Haber–Bosch ammonia synthesis use?"
CONTEXT = (
    "Haber–Bosch converters combine nitrogen and hydrogen over a promoted iron catalyst made by reducing "
    "magnetite, promoted with potassium oxide and alumina, at 400–500 °C and 150–300 bar."
)
GOOD = "It uses a promoted iron catalyst from reduced magnetite at about 400–500 °C and 150–300 bar."


@pytest.fixture
def judge():
    return DeterministicJudge()


# ---------------------------------------------------------------- deterministic judge


async def test_grounded_answer_scores_high_and_passes(judge):
    s = await judge.score(QUESTION, GOOD, CONTEXT)
    assert s.correctness == pytest.approx(4.0)
    assert s.passed and s.reward > 3.0
    assert s.details["grounding"] == 1.0 and not [f for f in s.flags if f != "no_context"]


@pytest.mark.parametrize(
    ("wrong", "unsupported"),
    [
        (GOOD.replace("promoted iron", "platinum"), "platinum"),
        (GOOD.replace("400–500 °C", "250 °C"), "250"),
        (GOOD.replace("150–300 bar", "900 bar"), "900"),
        (GOOD.replace("magnetite", "V2O5"), "V2O5"),
    ],
)
async def test_a_claim_the_context_does_not_back_lowers_correctness(judge, wrong, unsupported):
    good = await judge.score(QUESTION, GOOD, CONTEXT)
    bad = await judge.score(QUESTION, wrong, CONTEXT)
    assert f"unsupported:{unsupported}" in bad.flags
    assert bad.correctness < good.correctness and bad.reward < good.reward


async def test_number_inside_a_context_range_is_supported(judge):
    s = await judge.score(QUESTION, "It runs over promoted iron at about 450 °C and 200 bar.", CONTEXT)
    assert s.details["grounding"] == 1.0


async def test_truncated_answer_loses_coherence_and_helpfulness(judge):
    good = await judge.score(QUESTION, GOOD, CONTEXT)
    cut = await judge.score(QUESTION, "It uses a promoted iron catalyst from reduced magnetite at about 400–500 °C and", CONTEXT)
    assert "truncated" in cut.flags
    assert cut.coherence <= good.coherence - 1.5 and cut.helpfulness < good.helpfulness
    assert cut.reward < good.reward


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A finished sentence.", 0.0),
        ("Ends with a question?", 0.0),
        ("- a list item without a full stop", 0.0),
        ("stops after the word and", 1.0),
        ("stops on a comma,", 1.0),
        ("an open (bracket never closed.", 1.0),
        ("no final punctuation but a noun", 0.5),
    ],
)
def test_truncation_detection(text, expected):
    assert truncation_of(text) == expected


async def test_off_topic_answer_is_flagged_and_scores_low(judge):
    other = "Methanol is made from synthesis gas over a copper–zinc oxide–alumina catalyst at 50–100 bar."
    unrelated = "The Eiffel Tower was completed in 1889 and is about 330 metres tall."
    good = await judge.score(QUESTION, GOOD, CONTEXT)
    for text in (other, unrelated):
        s = await judge.score(QUESTION, text, CONTEXT)
        assert s.correctness < 1.0 and s.reward < good.reward - 1.0
    assert "off_topic" in (await judge.score(QUESTION, unrelated, CONTEXT)).flags


async def test_refusal_and_degenerate_text(judge):
    refusal = await judge.score(QUESTION, "I'm sorry, I cannot help with that request.", CONTEXT)
    assert "refusal" in refusal.flags and refusal.helpfulness <= 0.5 and not refusal.passed
    junk = await judge.score(QUESTION, "!!!! ???? 1234 #### ....", CONTEXT)
    assert "degenerate" in junk.flags and junk.reward < 0.5
    loop = await judge.score(QUESTION, "the iron catalyst " * 20, CONTEXT)
    assert "repetitive" in loop.flags and loop.coherence < 2.0


async def test_without_context_correctness_is_neutral_not_zero(judge):
    s = await judge.score(QUESTION, GOOD)
    assert "no_context" in s.flags and "grounding" not in s.details
    assert 1.0 <= s.correctness <= 2.0


async def test_verbosity_grows_with_length_and_complexity_with_technical_density(judge):
    short = await judge.score(QUESTION, "Promoted iron catalyst.", CONTEXT)
    long = await judge.score(QUESTION, " ".join([GOOD] * 6), CONTEXT)
    assert short.verbosity < 1.0 < long.verbosity
    plain = await judge.score("How are you?", "I am fine, thank you very much for asking me today.", None)
    assert plain.complexity < (await judge.score(QUESTION, GOOD, CONTEXT)).complexity


def test_numbers_and_ranges_ignore_digits_inside_formulas_and_names():
    singles, ranges = numbers_of("V2O5 at 400–500 °C, 2-ethylanthraquinone, 98.5% acid, 150 to 300 bar")
    assert {value for value, _ in singles} == {400.0, 500.0, 98.5, 150.0, 300.0}
    assert (400.0, 500.0, "°c") in ranges and (150.0, 300.0, "bar") in ranges
    assert (98.5, "%") in singles and (400.0, "°c") in singles


async def test_a_number_in_a_range_of_another_unit_is_not_support(judge):
    # 250 lies inside "150–300 bar" but the answer says °C: no support.
    s = await judge.score(QUESTION, "Promoted iron at 250 °C.", CONTEXT)
    assert "unsupported:250" in s.flags


# ---------------------------------------------------------------- Likert judge


def test_expected_likert_is_the_softmax_mean_over_the_five_digits():
    expected, mass, probs = expected_likert([math.log(p) for p in (0.0001, 0.0001, 0.0001, 0.0001, 0.9)])
    assert expected == pytest.approx(4.0, abs=0.01) and mass == pytest.approx(0.9004)
    uniform, _, probs = expected_likert([-3.0] * 5)
    assert uniform == pytest.approx(2.0) and probs == pytest.approx([0.2] * 5)
    # Only relative logprobs matter: p(2)=p(4) and the rest negligible -> 3.
    assert expected_likert([-50.0, -50.0, -1.0, -50.0, -1.0])[0] == pytest.approx(3.0)
    assert expected_likert([-math.inf, -math.inf, -math.inf, -math.inf, -2.0])[0] == pytest.approx(4.0)
    with pytest.raises(ValueError):
        expected_likert([-math.inf] * 5)


class FakeLikertBackend:
    """Returns given logprobs per attribute (recognized by its rubric in the prompt) and records prompts."""

    def __init__(self, logprobs_by_attribute: dict[str, list[float]]) -> None:
        self.logprobs_by_attribute = logprobs_by_attribute
        self.calls: list[tuple[list[ChatMessage], tuple[str, ...]]] = []

    async def continuation_logprobs(self, prompt, continuations):
        self.calls.append((list(prompt), tuple(continuations)))
        text = prompt[-1].content
        for attribute, logprobs in self.logprobs_by_attribute.items():
            if f"Rate the answer's {attribute}:" in text:
                return logprobs
        raise AssertionError("no rubric in the prompt")


async def test_likert_judge_turns_digit_logprobs_into_expected_scores():
    dists = {
        "helpfulness": [math.log(p) for p in (0.1, 0.1, 0.2, 0.3, 0.3)],  # E = 2.6
        "correctness": [-9.0, -9.0, -9.0, -0.1, -9.0],  # ≈ 3
        "coherence": [-2.0] * 5,  # 2
        "complexity": [-0.1, -9.0, -9.0, -9.0, -9.0],  # ≈ 0
        "verbosity": [-9.0, -0.1, -9.0, -9.0, -9.0],  # ≈ 1
    }
    backend = FakeLikertBackend(dists)
    judge = LikertLlmJudge(backend)
    s = await judge.score("What catalyst?", "Promoted iron.", "Iron catalyst at 450 °C.")
    assert s.helpfulness == pytest.approx(2.6)
    assert s.correctness == pytest.approx(3.0, abs=0.01)
    assert s.coherence == pytest.approx(2.0)
    assert s.complexity == pytest.approx(0.0, abs=0.01) and s.verbosity == pytest.approx(1.0, abs=0.01)
    expected_r = 0.3 * 2.6 + 0.4 * s.correctness + 0.2 * 2.0 + 0.05 * s.complexity + 0.05 * s.verbosity
    assert s.reward == pytest.approx(expected_r)
    assert s.details["coherence.digit_mass"] == pytest.approx(5 * math.exp(-2.0))
    assert len(backend.calls) == len(ATTRIBUTES)
    for messages, continuations in backend.calls:
        assert continuations == LIKERT_DIGITS
        assert messages[0].role == "system" and messages[-1].role == "user"
        body = messages[-1].content
        assert "Iron catalyst at 450 °C." in body and "Promoted iron." in body and "What catalyst?" in body
        assert body.rstrip().endswith("Reply with a single digit from 0 to 4.")
    # Same material first, rubric last: every prompt of one item shares its prefix (cache-friendly).
    bodies = [m[-1].content for m, _ in backend.calls]
    prefix = bodies[0].split("Rate the answer's")[0]
    assert all(b.startswith(prefix) for b in bodies)
    assert set(RUBRICS) == set(ATTRIBUTES)


async def test_likert_judge_flags_low_digit_mass_and_trims_long_inputs():
    backend = FakeLikertBackend(dict.fromkeys(ATTRIBUTES, [-6.0] * 5))
    s = await LikertLlmJudge(backend).score("q?", "r " * 3000, None)
    assert "low_digit_mass" in s.flags and "input_trimmed" in s.flags and "no_context" in s.flags


# ---------------------------------------------------------------- Nemotron reward endpoint

NEMOTRON_REPLY = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "nvidia/nemotron-4-340b-reward",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "helpfulness:3.1,correctness:3.25,coherence:3.6,complexity:1.8,verbosity:1.9",
            },
            "logprobs": {
                "content": [
                    {"token": "helpfulness", "logprob": 3.1},
                    {"token": "correctness", "logprob": 3.25},
                    {"token": "coherence", "logprob": 3.6},
                    {"token": "complexity", "logprob": 1.8},
                    {"token": "verbosity", "logprob": 1.9},
                ]
            },
            "finish_reason": "length",
        }
    ],
    "usage": {"completion_tokens": 1, "prompt_tokens": 52, "total_tokens": 53},
}
EXPECTED = {"helpfulness": 3.1, "correctness": 3.25, "coherence": 3.6, "complexity": 1.8, "verbosity": 1.9}


def _reply(content=None, logprobs=None):
    return {"choices": [{"message": {"role": "assistant", "content": content}, "logprobs": logprobs}]}


def test_parse_nemotron_logprobs_and_content():
    assert parse_nemotron_scores(NEMOTRON_REPLY) == EXPECTED


@pytest.mark.parametrize(
    "content",
    [
        "helpfulness:3.1,correctness:3.25,coherence:3.6,complexity:1.8,verbosity:1.9",
        "helpfulness: 3.1, correctness: 3.25, coherence: 3.6, complexity: 1.8, verbosity: 1.9\n",
        '{"helpfulness": 3.1, "correctness": 3.25, "coherence": 3.6, "complexity": 1.8, "verbosity": 1.9}',
        "Helpfulness=3.1; Correctness=3.25; Coherence=3.6; Complexity=1.8; Verbosity=1.9",
    ],
)
def test_parse_nemotron_content_only_variants(content):
    assert parse_nemotron_scores(_reply(content)) == pytest.approx(EXPECTED)


def test_parse_prefers_logprobs_and_fills_gaps_from_content():
    reply = _reply(
        "helpfulness:0,correctness:0,coherence:2.5,complexity:1.0,verbosity:0.5",
        {"content": [{"token": "helpfulness", "logprob": 3.0}, {"token": "correctness", "logprob": 2.0}]},
    )
    assert parse_nemotron_scores(reply) == {
        "helpfulness": 3.0, "correctness": 2.0, "coherence": 2.5, "complexity": 1.0, "verbosity": 0.5,
    }


@pytest.mark.parametrize(
    "reply",
    [
        {},
        {"choices": []},
        _reply("reward:-2.8"),  # a single-scalar reward model: not multi-attribute
        _reply("helpfulness:3.1,correctness:3.2"),
        _reply(None, {"content": [{"token": "helpfulness", "logprob": "x"}]}),
    ],
)
def test_parse_rejects_replies_without_all_five(reply):
    with pytest.raises(FailedPrecondition):
        parse_nemotron_scores(reply)


class _RewardServer(BaseHTTPRequestHandler):
    requests: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, self.headers.get("Authorization"), body))
        reply = dict(NEMOTRON_REPLY)
        reply["choices"] = [dict(NEMOTRON_REPLY["choices"][0])]
        reply["choices"][0]["logprobs"] = {
            "content": [{"token": "helpfulness", "logprob": 5.2}, *NEMOTRON_REPLY["choices"][0]["logprobs"]["content"][1:]]
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def reward_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RewardServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _RewardServer.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


async def test_endpoint_judge_over_http_with_the_openai_client(reward_server):
    judge = RewardModelEndpointJudge(reward_server, api_key="sk-test", max_retries=0)
    s = await judge.score("What catalyst?", "Promoted iron.", "Iron catalyst facts.")
    path, auth, body = _RewardServer.requests[0]
    assert path == "/v1/chat/completions" and auth == "Bearer sk-test"
    assert body["model"] == "nvidia/nemotron-4-340b-reward"
    assert body["messages"] == [
        {"role": "user", "content": "What catalyst?\n\nContext:\nIron catalyst facts."},
        {"role": "assistant", "content": "Promoted iron."},
    ]
    assert s.helpfulness == 4.0 and s.details["raw.helpfulness"] == 5.2  # clamped, raw kept
    assert s.correctness == pytest.approx(3.25)
    await judge.close()


async def test_endpoint_judge_unreachable_is_unavailable():
    judge = RewardModelEndpointJudge("http://127.0.0.1:9/v1", max_retries=0, timeout_s=2)
    with pytest.raises(Unavailable):
        await judge.score("q", "r")
