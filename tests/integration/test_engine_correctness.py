"""Local engine correctness on the real SmolLM2-135M weights (loaded once per session by conftest).

Measured acceptance (printed; run with -s to see): paged fp32 greedy vs transformers generate, lookahead vs
greedy on 50 chemical-process chat prompts, int8/int4 KV vs unquantized, continuous batching vs alone,
cancellation and prefix sharing. Generations are short (32 tokens) to keep the suite fast on 2 cores.
"""

from __future__ import annotations

import asyncio

import pytest
import torch

from autochem.inference.api import ChatMessage, Decoding, GenerationRequest, SamplingParams
from autochem.inference.engine import Finished, PagedEngine, extract_llama_weights
from autochem.inference.engine.backend import LocalEngineBackend

pytestmark = pytest.mark.slow

N_NEW = 32
SUBJECTS = [
    "nitric acid production by the Ostwald process",
    "ammonia synthesis in a Haber-Bosch loop",
    "an ethanol-water distillation column",
    "a shell-and-tube heat exchanger for crude oil",
    "sulfuric acid made by the contact process",
    "methanol synthesis from syngas",
    "a continuous stirred-tank reactor for ethyl acetate",
    "chlorine production in a membrane electrolysis cell",
    "a gas absorber removing CO2 with amine solvent",
    "steam methane reforming",
]
QUESTIONS = [
    "Describe the main process steps of {}.",
    "List three safety hazards of {} and how to control them.",
    "What control loops does {} need?",
    "Which equipment dominates the energy use in {}?",
    "Write a short design basis for {}.",
]
PROMPTS = [q.format(s) for s in SUBJECTS for q in QUESTIONS]  # 50 prompts


def chat_ids(tokenizer, text: str) -> list[int]:
    rendered = tokenizer.apply_chat_template(
        [{"role": "user", "content": text}], add_generation_prompt=True, tokenize=False
    )
    return list(tokenizer.encode(rendered, add_special_tokens=False))


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    # On the shared 2-core test host, two OpenMP threads stall whenever another process holds a core.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def weights(smol_model):
    return extract_llama_weights(smol_model)


@pytest.fixture(scope="module")
def prompt_ids(smol_tokenizer):
    return [chat_ids(smol_tokenizer, p) for p in PROMPTS]


def run_batch(weights, tokenizer, prompts, params, kv_mode="fp32", max_batch=16, num_blocks=512):
    """Generate every prompt through one engine (continuous batching, stepped on this thread)."""
    engine = PagedEngine(
        weights,
        tokenizer,
        kv_mode=kv_mode,
        num_blocks=num_blocks,
        max_batch=max_batch,
        eos_token_ids=(tokenizer.eos_token_id,),
    )
    results: dict[int, Finished] = {}

    def sink_for(i):
        def sink(item):
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, Finished):
                results[i] = item

        return sink

    for i, ids in enumerate(prompts):
        engine.submit(ids, params, sink_for(i))
    engine.run_until_idle()
    assert engine.num_free_blocks == engine.num_blocks
    return [results[i] for i in range(len(prompts))], engine


@pytest.fixture(scope="module")
def greedy_fp32(weights, smol_tokenizer, prompt_ids):
    out, _ = run_batch(weights, smol_tokenizer, prompt_ids, SamplingParams(max_new_tokens=N_NEW))
    return [r.token_ids for r in out]


def match_report(name, outputs, reference):
    mismatched = [i for i, (a, b) in enumerate(zip(outputs, reference, strict=True)) if a != b]
    rate = 1 - len(mismatched) / len(reference)
    print(f"\n{name}: {len(reference) - len(mismatched)}/{len(reference)} prompts identical ({rate:.0%})")
    for i in mismatched:
        first = next((k for k, (a, b) in enumerate(zip(outputs[i], reference[i])) if a != b), None)
        print(f"  differs at token {first}: {PROMPTS[i]!r}")
    return rate


def test_paged_greedy_matches_transformers_generate(smol_model, smol_tokenizer, prompt_ids, greedy_fp32):
    chosen = list(range(0, 50, 5))  # 10 prompts, one per subject
    reference = []
    with torch.inference_mode():
        for i in chosen:
            out = smol_model.generate(torch.tensor([prompt_ids[i]]), max_new_tokens=N_NEW, do_sample=False)
            reference.append(out[0, len(prompt_ids[i]) :].tolist())
    rate = match_report("paged fp32 engine vs HF generate", [greedy_fp32[i] for i in chosen], reference)
    assert rate >= 0.9


def test_lookahead_equals_greedy_on_50_prompts(weights, smol_tokenizer, prompt_ids, greedy_fp32):
    params = SamplingParams(
        max_new_tokens=N_NEW, decoding=Decoding.LOOKAHEAD, lookahead_window=3, lookahead_ngram=3
    )
    out, _ = run_batch(weights, smol_tokenizer, prompt_ids, params)
    passes = sum(r.forward_passes for r in out)
    tokens = sum(len(r.token_ids) for r in out)
    print(f"\nlookahead: {tokens} tokens in {passes} forward passes ({tokens / passes:.2f} tokens/pass)")
    rate = match_report("lookahead vs greedy (fp32 KV)", [r.token_ids for r in out], greedy_fp32)
    assert rate == 1.0


def test_int8_kv_matches_unquantized(weights, smol_tokenizer, prompt_ids, greedy_fp32):
    params = SamplingParams(max_new_tokens=N_NEW)
    int8, _ = run_batch(weights, smol_tokenizer, prompt_ids, params, kv_mode="int8")
    int8_rate = match_report("int8 KV vs fp32 KV", [r.token_ids for r in int8], greedy_fp32)
    int4, _ = run_batch(weights, smol_tokenizer, prompt_ids, params, kv_mode="int4")
    match_report("int4 KV vs fp32 KV (reported only)", [r.token_ids for r in int4], greedy_fp32)
    agree8 = token_agreement([r.token_ids for r in int8], greedy_fp32)
    agree4 = token_agreement([r.token_ids for r in int4], greedy_fp32)
    print(f"tokens before first divergence: int8 {agree8:.1%}, int4 {agree4:.1%}")
    # Target: 95% of prompts token-identical. This small model often has top-2 logit gaps < 0.05, so one
    # near-tie flip diverges the rest of the 32 tokens; even float16 K/V flips 1 of 50. Symmetric group-32
    # int8 gave 32/50; the engine's codec (asymmetric group-8 int8 + float16 outlier channels, see
    # kv_quant.py) measured 48/50 (96%), token agreement 97.6% (int4: 14/50, 59.4%; plain int4 was
    # 2/50). The floor leaves 2 prompts of margin for torch/BLAS rounding differences across machines;
    # below it the codec has regressed.
    assert int8_rate >= 0.92 and agree8 >= 0.95, f"int8 KV matched {int8_rate:.0%} of prompts (target 95%)"
    assert agree8 > agree4


def test_int8_kv_lookahead_equals_int8_greedy(weights, smol_tokenizer, prompt_ids):
    # The KV codec is per token, so a token's stored K/V do not depend on whether it was verified in a
    # lookahead pass or decoded alone: lookahead stays equal to greedy under a quantized cache too.
    chosen = prompt_ids[:10]
    greedy, _ = run_batch(weights, smol_tokenizer, chosen, SamplingParams(max_new_tokens=N_NEW), "int8")
    params = SamplingParams(
        max_new_tokens=N_NEW, decoding=Decoding.LOOKAHEAD, lookahead_window=3, lookahead_ngram=3
    )
    look, _ = run_batch(weights, smol_tokenizer, chosen, params, "int8")
    rate = match_report(
        "lookahead vs greedy (int8 KV, 10 prompts)",
        [r.token_ids for r in look],
        [r.token_ids for r in greedy],
    )
    assert rate >= 0.9


def token_agreement(outputs, reference):
    same = 0
    for a, b in zip(outputs, reference, strict=True):
        same += next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return same / sum(len(b) for b in reference)


def test_concurrent_requests_match_solo_runs(weights, smol_tokenizer, prompt_ids, greedy_fp32):
    # greedy_fp32 was produced 16 at a time; these run alone (batch of one), then 8 together
    solo = [
        run_batch(weights, smol_tokenizer, [prompt_ids[i]], SamplingParams(max_new_tokens=N_NEW))[0][0]
        for i in (0, 7)
    ]
    assert [r.token_ids for r in solo] == [greedy_fp32[0], greedy_fp32[7]]
    together, _ = run_batch(
        weights, smol_tokenizer, prompt_ids[:8], SamplingParams(max_new_tokens=N_NEW), max_batch=8
    )
    assert [r.token_ids for r in together] == greedy_fp32[:8]


async def test_backend_cancel_frees_blocks_and_prefix_sharing(smol_source, smol_model, smol_tokenizer):
    backend = LocalEngineBackend(
        smol_source, num_blocks=256, max_batch=8, model=smol_model, tokenizer=smol_tokenizer
    )
    await backend.start()
    try:
        baseline = backend.stats()["free_blocks"]
        assert baseline == 256
        system = ChatMessage("system", "You are a chemical process engineer. " * 12)  # ~100 tokens shared
        req = GenerationRequest(
            messages=(system, ChatMessage("user", "Name a nitric acid absorber material.")),
            params=SamplingParams(max_new_tokens=200, logprobs=True),
        )
        stream = backend.stream(req)
        first = await anext(stream)
        assert first.token_ids and len(first.logprobs) == len(first.token_ids)
        assert backend.stats()["free_blocks"] < baseline
        await stream.aclose()  # cancel mid-generation
        for _ in range(100):
            if backend.stats()["running"] == 0 and backend.stats()["free_blocks"] == baseline:
                break
            await asyncio.sleep(0.05)
        assert backend.stats()["free_blocks"] == baseline and backend.stats()["in_flight"] == 0

        score = await backend.continuation_logprobs("The capital of France is", [" Paris", " a banana"])
        assert score[0] > score[1]
        assert backend.count_tokens("nitric acid") > 0
    finally:
        await backend.close()


async def test_int4_weight_backend_decodes_lookahead_requests_as_greedy(
    smol_source, smol_model, smol_tokenizer
):
    # Quantized weights make a sequence's greedy tokens depend on its batch shape, so the backend keeps
    # lookahead's promise (greedy's exact output) by decoding such requests as plain greedy.
    backend = LocalEngineBackend(
        smol_source, weight_format="int4", num_blocks=128, model=smol_model, tokenizer=smol_tokenizer
    )
    await backend.start()
    try:
        messages = (ChatMessage("user", PROMPTS[0]),)
        greedy = await backend.generate(
            GenerationRequest(messages=messages, params=SamplingParams(max_new_tokens=N_NEW))
        )
        look = await backend.generate(
            GenerationRequest(
                messages=messages,
                params=SamplingParams(max_new_tokens=N_NEW, decoding=Decoding.LOOKAHEAD),
            )
        )
        assert look.token_ids == greedy.token_ids and len(look.token_ids) > 0
        assert look.forward_passes == greedy.forward_passes
    finally:
        await backend.close()


def test_prefix_sharing_reduces_blocks(weights, smol_tokenizer):
    system = "You are a chemical process engineer who answers briefly and precisely. " * 8
    prompts = [
        list(
            smol_tokenizer.encode(
                smol_tokenizer.apply_chat_template(
                    [{"role": "system", "content": system}, {"role": "user", "content": q}],
                    add_generation_prompt=True,
                    tokenize=False,
                ),
                add_special_tokens=False,
            )
        )
        for q in ("What is a reboiler?", "What is a flash drum?", "What is a condenser?")
    ]
    engine = PagedEngine(
        weights, smol_tokenizer, num_blocks=128, eos_token_ids=(smol_tokenizer.eos_token_id,)
    )
    params = SamplingParams(max_new_tokens=4)
    engine.submit(prompts[0], params, lambda item: None)
    engine.step()  # prefill registers the shared system prompt's full blocks
    one = engine.num_blocks - engine.num_free_blocks
    for ids in prompts[1:]:
        engine.submit(ids, params, lambda item: None)
    engine.step()
    three = engine.num_blocks - engine.num_free_blocks
    unshared = sum(engine.cache.blocks_needed(len(ids) + 1) for ids in prompts)
    print(
        f"\nprefix sharing: 3 requests hold {three} blocks; {unshared} without sharing ({one} for the first)"
    )
    assert three < unshared - 2 * ((len(prompts[0]) - 40) // 16)
    engine.run_until_idle()
    assert engine.num_free_blocks == engine.num_blocks
