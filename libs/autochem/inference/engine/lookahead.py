"""Lookahead decoding (Fu et al. 2024, "Break the Sequential Dependency of LLM Inference Using Lookahead
Decoding"), exact with respect to greedy decoding.

Each step runs ONE forward pass over three parts after the pending token x (position p):

- the lookahead branch: a 2-D Jacobi window of ``ngram - 1`` levels x ``window`` columns. Token (j, i) sits
  at position p + 1 + i + j and attends to x, level 0's columns 0..i, and levels 1..j of column i: exactly
  the sequence of positions p .. p+1+i+j, so its output is a Jacobi update for position p + 2 + i + j.
  Column i plus the top level's output form an n-gram of ``ngram`` tokens, stored in the pool under its
  first token. The window then drops its oldest level and takes the top level's outputs as its newest.
- the verification branch: up to ``max_candidates`` n-grams from the pool whose key is x; candidate g's
  token k sits at position p + 1 + k and attends to x and its own tokens 0..k.
- x itself, whose output is the next greedy token t1.

A candidate is accepted token by token while each token equals the greedy prediction made from the tokens
before it (t1 for the first, the candidate's previous row's argmax after that); the longest run wins and
its K/V rows plus x's are the only ones committed to the cache. Every accepted token is therefore the argmax
of the model given the exact greedy prefix: output equals greedy token for token (up to float summation
order, since the batch shape differs from one-token decode). The pool is also seeded with the prompt's
n-grams, which costs nothing and helps when answers quote the question.

Lookahead runs per sequence (its attention mask is specific to one sequence's window), so the engine does
not batch it with other sequences' decode steps. On a CPU the forward cost grows with the number of tokens
in the pass (compute-bound once T ≳ 8), which limits the speedup compared with GPUs, where a wide pass costs
about as much as a one-token step.
"""

from __future__ import annotations

import random
from collections import OrderedDict

import torch

DEFAULT_WINDOW = 4
DEFAULT_NGRAM = 4
DEFAULT_MAX_CANDIDATES = 4


class LookaheadState:
    def __init__(self, prompt_ids: list[int], window: int, ngram: int, max_candidates: int) -> None:
        if window < 1 or ngram < 2:
            raise ValueError("lookahead needs window >= 1 and n-gram size >= 2")
        self.window = window
        self.ngram = ngram
        self.max_candidates = max_candidates
        rng = random.Random(0)  # noqa: S311 - the initial guesses only affect speed, never output; keep runs reproducible
        self.levels = [[rng.choice(prompt_ids) for _ in range(window)] for _ in range(ngram - 1)]
        self.pool: dict[int, OrderedDict[tuple[int, ...], None]] = {}
        for i in range(len(prompt_ids) - ngram + 1):
            self._remember(prompt_ids[i], tuple(prompt_ids[i + 1 : i + ngram]))
        self._mask_cache: dict[int, torch.Tensor] = {}

    def _remember(self, key: int, tail: tuple[int, ...]) -> None:
        bucket = self.pool.setdefault(key, OrderedDict())
        bucket[tail] = None
        bucket.move_to_end(tail)
        while len(bucket) > self.max_candidates:
            bucket.popitem(last=False)

    def candidates(self, token: int) -> list[tuple[int, ...]]:
        bucket = self.pool.get(token)
        return list(reversed(bucket)) if bucket else []

    def branch_size(self, n_candidates: int) -> int:
        return 1 + (self.ngram - 1) * (self.window + n_candidates)

    def build(self, token: int, position: int, candidates: list[tuple[int, ...]]):
        """Input ids, positions and the [T, T] attention mask among the new tokens for one step."""
        W, levels = self.window, self.ngram - 1
        ids = [token]
        pos = [position]
        for j in range(levels):
            ids.extend(self.levels[j])
            pos.extend(position + 1 + i + j for i in range(W))
        for cand in candidates:
            ids.extend(cand)
            pos.extend(position + 1 + k for k in range(levels))
        return ids, pos, self._mask(len(candidates))

    def _mask(self, n_candidates: int) -> torch.Tensor:
        mask = self._mask_cache.get(n_candidates)
        if mask is not None:
            return mask
        W, levels = self.window, self.ngram - 1
        T = self.branch_size(n_candidates)
        mask = torch.zeros(T, T, dtype=torch.bool)
        mask[:, 0] = True  # everything sees x

        def row(j, i):
            return 1 + j * W + i

        for j in range(levels):
            for i in range(W):
                r = row(j, i)
                mask[r, [row(0, c) for c in range(i + 1)]] = True
                mask[r, [row(jj, i) for jj in range(1, j + 1)]] = True
        base = 1 + levels * W
        for g in range(n_candidates):
            for k in range(levels):
                r = base + g * levels + k
                mask[r, base + g * levels : r + 1] = True
        self._mask_cache[n_candidates] = mask
        return mask

    def verify(self, greedy_out: list[int], candidates: list[tuple[int, ...]]) -> tuple[list[int], list[int]]:
        """Accepted tokens (greedy-exact) and the branch rows whose K/V must be committed (x first)."""
        levels = self.ngram - 1
        base = 1 + levels * self.window
        best_tokens = [greedy_out[0]]
        best_rows = [0]
        for g, cand in enumerate(candidates):
            tokens, rows = [greedy_out[0]], [0]
            for k in range(levels):
                if cand[k] != tokens[-1]:
                    break
                r = base + g * levels + k
                rows.append(r)
                tokens.append(greedy_out[r])
            if len(tokens) > len(best_tokens):
                best_tokens, best_rows = tokens, rows
        return best_tokens, best_rows

    def advance(self, greedy_out: list[int]) -> None:
        """Harvest n-grams from the window's columns and shift the window by one level."""
        W, levels = self.window, self.ngram - 1
        top_out = [greedy_out[1 + (levels - 1) * W + i] for i in range(W)]
        for i in range(W):
            column = [self.levels[j][i] for j in range(levels)] + [top_out[i]]
            self._remember(column[0], tuple(column[1:]))
        self.levels = [*self.levels[1:], top_out]
