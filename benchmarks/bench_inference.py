"""Local serving engine vs llama.cpp and plain transformers on the same SmolLM2-135M GGUF (one run).

    .venv/bin/python benchmarks/bench_inference.py [--quick] [--threads 2]

Prints one table of measured ratios beside their targets. Timings on a shared 2-core machine are noisy:
the table also prints the raw tok/s each ratio comes from.
"""

from __future__ import annotations

import argparse
import time

import torch

from autochem.inference.api import Decoding, SamplingParams
from autochem.inference.engine import Finished, PagedEngine, PagedKVCache, extract_llama_weights, make_codec
from autochem.inference.models import default_model_source, load_causal_lm, load_tokenizer

PROMPTS = [
    "Describe the main process steps of nitric acid production by the Ostwald process.",
    "List three safety hazards of ammonia synthesis and how to control them.",
    "What control loops does an ethanol-water distillation column need?",
    "Which equipment dominates the energy use in steam methane reforming?",
    "Write a short design basis for a sulfuric acid contact plant.",
    "Explain how a shell-and-tube heat exchanger is sized for crude oil preheating.",
    "How is methanol synthesized from syngas, and what limits conversion?",
    "Describe amine scrubbing of CO2 from flue gas.",
]


def chat(tok, text):
    rendered = tok.apply_chat_template(
        [{"role": "user", "content": text}], add_generation_prompt=True, tokenize=False
    )
    return list(tok.encode(rendered, add_special_tokens=False))


def engine_run(weights, tok, prompts, params, kv_mode="fp32", max_batch=8):
    """Wall time and generated tokens for all prompts through one engine (decode-only time excluded: no)."""
    engine = PagedEngine(
        weights, tok, kv_mode=kv_mode, num_blocks=1024, max_batch=max_batch, eos_token_ids=()
    )
    done: list[Finished] = []
    for ids in prompts:
        engine.submit(ids, params, lambda item: done.append(item) if isinstance(item, Finished) else None)
    t0 = time.perf_counter()
    engine.run_until_idle()
    wall = time.perf_counter() - t0
    return wall, sum(len(r.token_ids) for r in done), done


def engine_decode_rate(weights, tok, ids, n_new):
    """Single-stream decode tok/s (prefill excluded: measured as the time after the first token)."""
    engine = PagedEngine(weights, tok, num_blocks=256, max_batch=1, eos_token_ids=())
    stamps: list[float] = []
    engine.submit(ids, SamplingParams(max_new_tokens=n_new), lambda item: stamps.append(time.perf_counter()))
    engine.run_until_idle()
    return (n_new - 1) / (stamps[-2] - stamps[0])


def llama_cpp_rate(source, ids, n_new, threads):
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(source.gguf_path), n_ctx=2048, n_threads=threads, verbose=False)
    llm.reset()
    stamps = []
    for i, _token in enumerate(llm.generate(ids, temp=0.0, top_k=1)):
        stamps.append(time.perf_counter())
        if i + 1 >= n_new:
            break
    return (n_new - 1) / (stamps[-1] - stamps[0])


def hf_sequential_rate(model, prompts, n_new):
    t0 = time.perf_counter()
    total = 0
    with torch.inference_mode():
        for ids in prompts:
            out = model.generate(
                torch.tensor([ids]), max_new_tokens=n_new, min_new_tokens=n_new, do_sample=False
            )
            total += out.shape[1] - len(ids)
    return total / (time.perf_counter() - t0)


def admitted_under_budget(weights, tok, budget_bytes, prompts, max_new, context):
    """Sequences the paged engine admits under a KV budget vs contiguous max-context preallocation."""
    codec = make_codec("fp32", weights.head_dim)
    per_token = PagedKVCache.bytes_per_token(codec, weights.n_layers, weights.n_kv_heads)
    contiguous = budget_bytes // (per_token * context)
    engine = PagedEngine(weights, tok, kv_budget_bytes=budget_bytes, max_batch=10_000, eos_token_ids=())
    for i in range(2000):
        engine.submit(prompts[i % len(prompts)], SamplingParams(max_new_tokens=max_new), lambda item: None)
    paged = len(engine._admit())  # admission only: how many fit their worst case at once
    return paged, contiguous


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="shorter generations and fewer repeats")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--engine-threads", type=int, default=None, help="torch threads for our engine (default --threads)"
    )
    ap.add_argument(
        "--weights",
        choices=["fp32", "int8", "int4"],
        default="int4",
        help="engine weight format for the decode-speed rows (int4: the GGUF's own Q4_1 groups, as llama.cpp "
        "reads them); lookahead always runs on fp32 weights",
    )
    ap.add_argument("--skip-llama-cpp", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.engine_threads or args.threads)
    n_single = 64 if args.quick else 128
    n_la = 96 if args.quick else 256
    source = default_model_source()
    tok = load_tokenizer(source)
    model = load_causal_lm(source)
    weights = extract_llama_weights(model, weight_format=args.weights)
    prompts = [chat(tok, p) for p in PROMPTS]
    rows = []

    ours = engine_decode_rate(weights, tok, prompts[0], n_single)
    cpp = None if args.skip_llama_cpp else llama_cpp_rate(source, prompts[0], n_single, args.threads)
    if cpp:
        rows.append(
            (
                "single-stream decode: engine / llama.cpp",
                ours / cpp,
                ">= 0.5",
                f"{ours:.1f} / {cpp:.1f} tok/s",
            )
        )
    else:
        rows.append(("single-stream decode: engine tok/s", ours, "(llama.cpp skipped)", ""))

    wall, toks, _ = engine_run(weights, tok, prompts, SamplingParams(max_new_tokens=n_single))
    agg = toks / wall
    hf = hf_sequential_rate(model, prompts[:2], n_single // 2)
    if cpp:
        rows.append(
            ("8 concurrent aggregate / llama.cpp single", agg / cpp, ">= 1.5", f"{agg:.1f} / {cpp:.1f} tok/s")
        )
    rows.append(
        ("8 concurrent aggregate / sequential HF generate", agg / hf, ">= 4", f"{agg:.1f} / {hf:.1f} tok/s")
    )

    # Lookahead runs on float32 weights: with weight-only int8/int4 matmuls a sequence's greedy tokens can
    # depend on the batch shape, so a wide lookahead pass and a one-token step can round differently.
    weights = extract_llama_weights(model) if args.weights != "fp32" else weights
    greedy_params = SamplingParams(max_new_tokens=n_la)
    g_wall, _, g_out = engine_run(weights, tok, prompts[:1], greedy_params, max_batch=1)
    g_pass = g_wall / g_out[0].forward_passes
    best = None
    sweep = []
    grid = [(3, 3), (4, 4)] if args.quick else [(2, 3), (3, 3), (4, 3), (4, 4), (6, 4), (5, 5)]
    for window, ngram in grid:
        params = SamplingParams(
            max_new_tokens=n_la, decoding=Decoding.LOOKAHEAD, lookahead_window=window, lookahead_ngram=ngram
        )
        l_wall, l_toks, l_out = engine_run(weights, tok, prompts[:1], params, max_batch=1)
        same = l_out[0].token_ids == g_out[0].token_ids
        speed = g_wall / l_wall
        # Why the speed-up is what it is: tokens accepted per pass / cost of one wide pass in one-token steps.
        pass_cost = (l_wall / l_out[0].forward_passes) / g_pass
        sweep.append((window, ngram, speed, l_toks / l_out[0].forward_passes, same, pass_cost))
        if best is None or speed > best[2]:
            best = sweep[-1]
    rows.append(
        (
            f"lookahead / greedy latency, {n_la} tok, fp32 w (W={best[0]}, N={best[1]})",
            best[2],
            ">= 1.5",
            f"{best[3]:.2f} tokens/pass at {best[5]:.2f} step-costs/pass, identical={best[4]}",
        )
    )

    # The codecs the engine really uses (int8/int4 include their scales, mins and float16 outlier channels;
    # the codec is per token, so there is no tail block or per-block state to add).
    per_token = {
        mode: PagedKVCache.bytes_per_token(
            PagedEngine(weights, tok, kv_mode=mode, num_blocks=1).cache.codec,
            weights.n_layers,
            weights.n_kv_heads,
        )
        for mode in ("fp32", "int8", "int4")
    }
    rows.append(
        (
            "KV bytes/token int8 / fp32",
            per_token["int8"] / per_token["fp32"],
            "<= 0.55",
            f"{per_token['int8']} B vs {per_token['fp32']} B",
        )
    )
    rows.append(
        (
            "KV bytes/token int4 / fp32 (info)",
            per_token["int4"] / per_token["fp32"],
            "",
            f"{per_token['int4']} B",
        )
    )

    budget = 1024 * 1024 * 1024
    paged, contiguous = admitted_under_budget(weights, tok, budget, prompts, 256, weights.max_positions)
    rows.append(
        (
            "sequences admitted in 1 GiB fp32 KV: paged / contiguous",
            paged / max(contiguous, 1),
            ">= 2",
            f"{paged} vs {contiguous} (prompt + 256 new vs {weights.max_positions}-token slots)",
        )
    )

    print(
        f"\nSmolLM2-135M-Instruct ({source.gguf_file}); engine weights={args.weights}, torch threads="
        f"{args.engine_threads or args.threads}, llama.cpp n_threads={args.threads}, quick={args.quick}"
    )
    print(f"{'metric':58s} {'measured':>9s}  {'target':>8s}  detail")
    for name, value, target, detail in rows:
        print(f"{name:58s} {value:9.2f}  {target:>8s}  {detail}")
    print(
        "\nlookahead sweep (W = window columns, N = n-gram size): speed-up vs greedy = tokens accepted per "
        "pass / cost of one lookahead pass in one-token greedy steps"
    )
    for window, ngram, speed, per_pass, same, pass_cost in sweep:
        print(
            f"  W={window} N={ngram}: {speed:.2f}x = {per_pass:.2f} tokens/pass / {pass_cost:.2f} step-costs "
            f"per pass; identical to greedy: {same}"
        )


if __name__ == "__main__":
    main()
