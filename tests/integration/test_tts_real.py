"""Test-time scaling on the real SmolLM2-135M: attention-times-gradient token weights, and one small run of
the whole procedure through a GenerationBackend built on transformers' generate()."""

from __future__ import annotations

import asyncio
import copy
import math
import threading

import pytest

from autochem.errors import FailedPrecondition
from autochem.inference.api import (
    ChatMessage,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    ModelInfo,
)
from autochem.inference.tts import (
    CHAIN_OF_THOUGHT_INSTRUCTION,
    TokenWeighting,
    TokenWeightScorer,
    TtsOptions,
    run_test_time_scaling,
)

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.slow

QUESTION = "Water enters a heater at 20 °C and leaves at 80 °C. What is the temperature rise?"


@pytest.fixture(scope="module")
def eager_model(smol_model):
    """A private copy with eager attention: the shared fixture model stays as other tests loaded it."""
    model = copy.deepcopy(smol_model)
    model.set_attn_implementation("eager")
    return model


@pytest.fixture(scope="module")
def scorer(eager_model, smol_tokenizer):
    return TokenWeightScorer(eager_model, smol_tokenizer)


class TransformersGenerateBackend:
    """Just enough of GenerationBackend for TTS: chat-template prompts, seeded sampling through
    ``model.generate``, and per-token logprob/entropy from the raw (untempered) logits, i.e. of the
    model's own distribution, which is what the TTS score is defined on."""

    def __init__(self, model, tokenizer):
        self.model = model
        self.tokenizer = tokenizer
        self._lock = threading.Lock()  # torch.manual_seed is global: one generation at a time

    def info(self) -> ModelInfo:
        return ModelInfo("test-hf", "SmolLM2-135M-Instruct", "test", 8192)

    async def start(self) -> None:
        pass

    def stream(self, request):
        raise NotImplementedError

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        request.validate()
        return await asyncio.to_thread(self._generate_sync, request)

    def _generate_sync(self, request: GenerationRequest) -> GenerationResult:
        if request.messages:
            rendered = self.tokenizer.apply_chat_template(
                [{"role": m.role, "content": m.content} for m in request.messages],
                add_generation_prompt=True,
                tokenize=False,
            )
        else:
            rendered = request.prompt
        prompt_ids = self.tokenizer(rendered, add_special_tokens=False, return_tensors="pt")["input_ids"]
        params = request.params
        sampling = {}
        if not params.greedy:
            sampling = {"temperature": params.temperature, "top_p": params.top_p}
            if params.top_k:
                sampling["top_k"] = params.top_k
        with self._lock, torch.no_grad():
            if params.seed is not None:
                torch.manual_seed(params.seed)
            output = self.model.generate(
                prompt_ids,
                attention_mask=torch.ones_like(prompt_ids),
                max_new_tokens=params.max_new_tokens,
                do_sample=not params.greedy,
                return_dict_in_generate=True,
                output_logits=True,
                pad_token_id=self.tokenizer.eos_token_id,
                **sampling,
            )
        token_ids = output.sequences[0, prompt_ids.shape[1] :].tolist()
        logprobs = entropies = None
        if params.logprobs:
            log_p = torch.log_softmax(torch.stack(output.logits, dim=1)[0].float(), dim=-1)
            chosen = torch.tensor(token_ids)
            logprobs = log_p[torch.arange(len(token_ids)), chosen].tolist()
            entropies = (-(log_p.exp() * log_p).sum(dim=-1)).tolist()
        stopped = bool(token_ids) and token_ids[-1] == self.tokenizer.eos_token_id
        return GenerationResult(
            text=self.tokenizer.decode(token_ids, skip_special_tokens=True),
            token_ids=token_ids,
            finish_reason=FinishReason.STOP if stopped else FinishReason.LENGTH,
            prompt_tokens=prompt_ids.shape[1],
            model_version="test",
            logprobs=logprobs,
            entropies=entropies,
        )

    async def continuation_logprobs(self, prompt, continuations):
        raise NotImplementedError

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    async def close(self) -> None:
        pass


def _messages() -> tuple[ChatMessage, ...]:
    return (ChatMessage("system", CHAIN_OF_THOUGHT_INSTRUCTION), ChatMessage("user", QUESTION))


def test_scorer_refuses_a_model_without_attention_weights(smol_model, smol_tokenizer):
    if smol_model.config._attn_implementation == "eager":
        pytest.skip("the shared model happens to be eager")
    with pytest.raises(FailedPrecondition):
        TokenWeightScorer(smol_model, smol_tokenizer)


def test_weights_are_finite_non_negative_sum_to_t_and_not_uniform(scorer, smol_tokenizer):
    completion = "The temperature rise is 80 °C minus 20 °C, which is 60 °C.\nAnswer: 60 °C"
    completion_ids = smol_tokenizer(completion, add_special_tokens=False)["input_ids"]
    weights = scorer.token_weights_sync(_messages(), completion_ids)

    count = len(completion_ids)
    assert len(weights) == count > 10
    assert all(math.isfinite(w) and w >= 0 for w in weights)
    assert math.isclose(sum(weights), count, rel_tol=1e-9)
    assert max(weights) - min(weights) > 0.1  # a real profile, not w_t = 1


def test_hooked_importance_matches_a_direct_computation(scorer, eager_model, smol_tokenizer):
    """The per-layer hook reduction equals the same quantity computed from output_attentions and the
    closed form of the NLL gradient wrt logits, softmax(z_t) - onehot(y_t)."""
    prompt_ids = scorer.prompt_token_ids(_messages())
    completion_ids = smol_tokenizer("It rises by 60 degrees.", add_special_tokens=False)["input_ids"]
    raw = scorer._raw_importance(prompt_ids, completion_ids)

    p, t = len(prompt_ids), len(completion_ids)
    with torch.no_grad():
        out = eager_model(input_ids=torch.tensor([prompt_ids + completion_ids]), output_attentions=True)
    per_layer = []
    for attn in out.attentions:  # (1, heads, S, S)
        columns = attn[0, :, :, p:].double()  # all queries → completion keys
        attending = torch.arange(t, 0, -1, dtype=torch.float64)  # queries at or after each key
        per_layer.append((columns.sum(dim=1) / attending).mean(dim=0))
    attention_received = torch.stack(per_layer).mean(dim=0)
    probs = torch.softmax(out.logits[0, p - 1 : p + t - 1].double(), dim=-1)
    probs[torch.arange(t), torch.tensor(completion_ids)] -= 1.0
    expected = attention_received * probs.norm(dim=-1)

    assert raw == pytest.approx(expected.tolist(), rel=1e-4, abs=1e-9)


async def test_end_to_end_small_run(smol_model, smol_tokenizer, scorer):
    backend = TransformersGenerateBackend(smol_model, smol_tokenizer)
    request = GenerationRequest(messages=(ChatMessage("user", QUESTION),))
    options = TtsOptions(n=3, top_k=2, lam=0.5, revise=True, max_new_tokens=48, temperature=0.8, seed=1234)

    result = await run_test_time_scaling(backend, request, options, scorer=scorer)

    assert result.weighting is TokenWeighting.ATTENTION_GRADIENT
    assert len(result.candidates) == 3 and result.seed == 1234
    assert len({c.seed for c in result.candidates}) == 3
    kept = [c for c in result.candidates if c.kept]
    assert len(kept) == 2
    for candidate in result.candidates:
        assert 0 < candidate.token_count <= 48
        assert (
            math.isfinite(candidate.score) and candidate.weighted_entropy >= 0 and candidate.mean_logprob <= 0
        )
        expected = 0.5 * candidate.weighted_entropy - 0.5 * candidate.mean_logprob
        assert candidate.score == pytest.approx(expected)
    assert max(c.score for c in kept) <= min(c.score for c in result.candidates if not c.kept)
    assert all(c.revised_text is not None and c.critique is not None for c in kept)
    assert sum(result.votes.values()) <= 4  # two kept originals + two revisions, blanks excepted
    pool = [c.text for c in kept] + [c.revised_text for c in kept]
    assert result.chosen_text in pool
    if result.votes:
        assert result.votes[result.answer] == max(result.votes.values())
