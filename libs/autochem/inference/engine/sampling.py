"""Choosing tokens from logits: greedy, temperature / top-k / top-p sampling with a per-request seeded
torch.Generator, and per-token log-probabilities and entropies.

Log-probs and entropies are those of the model's own distribution (softmax of the raw logits, temperature 1,
no truncation), whatever the sampling settings: that is what judges and test-time scaling score.
"""

from __future__ import annotations

import torch

from autochem.inference.api import SamplingParams


def make_generator(params: SamplingParams) -> torch.Generator | None:
    if params.greedy:
        return None
    gen = torch.Generator(device="cpu")
    if params.seed is not None:
        gen.manual_seed(params.seed)
    else:
        gen.seed()
    return gen


def sample_token(logits: torch.Tensor, params: SamplingParams, generator: torch.Generator | None) -> int:
    """One token from a [vocab] row: argmax when greedy, else a draw after temperature/top-k/top-p."""
    if params.greedy:
        return int(torch.argmax(logits))
    scores = logits.float() / params.temperature
    if params.top_k and params.top_k < scores.shape[-1]:
        kth = torch.topk(scores, params.top_k).values[-1]
        scores = scores.masked_fill(scores < kth, float("-inf"))
    if params.top_p < 1.0:
        sorted_scores, order = torch.sort(scores, descending=True)
        probs = torch.softmax(sorted_scores, dim=-1)
        # drop a token when the tokens ranked above it already cover top_p (the first one always stays)
        drop = (torch.cumsum(probs, dim=-1) - probs) >= params.top_p
        sorted_scores = sorted_scores.masked_fill(drop, float("-inf"))
        scores = torch.full_like(scores, float("-inf")).scatter(0, order, sorted_scores)
    probs = torch.softmax(scores, dim=-1)
    return int(torch.multinomial(probs.cpu(), 1, generator=generator))


def logprobs_and_entropies(logits: torch.Tensor, tokens: list[int]) -> tuple[list[float], list[float]]:
    """log p(token) and the entropy (nats) of each row's distribution, for rows [n, vocab] and n tokens."""
    logp = torch.log_softmax(logits.float(), dim=-1)
    picked = logp[torch.arange(len(tokens)), torch.tensor(tokens)]
    entropy = -(logp.exp() * logp).sum(-1)
    return picked.tolist(), entropy.tolist()
