"""Lookahead bookkeeping: the attention mask shape of the Jacobi window and greedy-exact verification."""

from __future__ import annotations

from autochem.inference.engine.lookahead import LookaheadState


def test_mask_follows_jacobi_window_and_candidate_chains():
    state = LookaheadState(list(range(20)), window=3, ngram=3, max_candidates=2)
    ids, pos, mask = state.build(7, 100, [(1, 2), (3, 4)])
    assert len(ids) == 1 + 2 * 3 + 2 * 2 == mask.shape[0]
    # level 1, column 2 (row 1 + 3 + 2 = 6): x, level-0 columns 0..2, itself
    assert mask[6].nonzero().flatten().tolist() == [0, 1, 2, 3, 6]
    assert pos[6] == 100 + 1 + 2 + 1
    # candidate 1 token 1 (row 7 + 2 + 1 = 10): x, its own token 0, itself
    assert mask[10].nonzero().flatten().tolist() == [0, 9, 10]
    assert pos[9:11] == [101, 102]


def test_verify_accepts_longest_greedy_consistent_prefix():
    state = LookaheadState([5, 6, 7, 8], window=2, ngram=3, max_candidates=3)
    base = 1 + 2 * 2
    out = [0] * (base + 3 * 2)
    out[0] = 11  # greedy after x
    cands = [(11, 99), (11, 12), (13, 14)]
    out[base + 2] = 12  # candidate 1 token 0 (=11) predicts 12, which candidate 1 proposes next
    out[base + 3] = 40  # and after 12 the model says 40
    tokens, rows = state.verify(out, cands)
    assert tokens == [11, 12, 40]
    assert rows == [0, base + 2, base + 3]
    tokens, rows = state.verify(out, [])
    assert tokens == [11] and rows == [0]


def test_prompt_ngrams_seed_the_pool():
    state = LookaheadState([1, 2, 3, 4, 1, 2, 5], window=2, ngram=3, max_candidates=4)
    assert state.candidates(1) == [(2, 5), (2, 3)]
