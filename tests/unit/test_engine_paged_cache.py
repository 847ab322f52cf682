"""Paged KV cache bookkeeping: allocator ref counts, prefix reuse, copy-on-write, slot gathering."""

from __future__ import annotations

import pytest
import torch

from autochem.inference.engine.kv_quant import make_codec
from autochem.inference.engine.paged_cache import BlockAllocator, OutOfBlocks, PagedKVCache


def make_cache(num_blocks=8, block_size=4, mode="fp32"):
    return PagedKVCache(
        make_codec(mode, 8, 4), n_layers=2, n_kv_heads=1, block_size=block_size, num_blocks=num_blocks
    )


def test_allocator_refcounts_and_exhaustion():
    alloc = BlockAllocator(2)
    a, b = alloc.allocate(), alloc.allocate()
    assert alloc.num_free == 0
    with pytest.raises(OutOfBlocks):
        alloc.allocate()
    alloc.incref(a)
    alloc.decref(a)
    assert alloc.num_free == 0  # still one owner
    alloc.decref(a)
    alloc.decref(b)
    assert alloc.num_free == 2
    with pytest.raises(RuntimeError):
        alloc.decref(b)


def test_registered_block_is_evictable_and_reusable():
    alloc = BlockAllocator(2)
    a = alloc.allocate()
    alloc.register(a, b"digest")
    alloc.decref(a)
    assert alloc.num_free == 2 and alloc.num_cached_free == 1
    assert alloc.lookup(b"digest") == a  # revived from the evictable set
    assert alloc.num_free == 1
    alloc.decref(a)
    alloc.allocate()  # plain free block first
    evicted = alloc.allocate()  # then the cached one is reclaimed and unregistered
    assert evicted == a and alloc.lookup(b"digest") is None


def test_prefix_sharing_takes_full_blocks_only_and_keeps_last_token():
    cache = make_cache(block_size=4)
    prompt = list(range(10))
    table, digests = cache.take_prefix(prompt)
    assert table == []  # nothing registered yet
    cache.ensure_capacity(table, len(prompt))
    cache.register_full_blocks(table, digests, prompt, len(prompt))
    assert len(digests) == 2  # 10 tokens = 2 full blocks + 2 tokens
    shared, _ = cache.take_prefix(prompt)
    assert shared == table[:2]
    assert [cache.allocator.ref_count[b] for b in shared] == [2, 2]
    # a prompt of exactly 8 tokens may reuse only the first block: its last token must be recomputed
    short, _ = cache.take_prefix(prompt[:8])
    assert short == table[:1]
    other, _ = cache.take_prefix([99, *prompt[1:]])
    assert other == []  # a different first block changes every digest after it


def test_copy_on_write_copies_shared_partial_block():
    cache = make_cache(block_size=4)
    table: list[int] = []
    cache.ensure_capacity(table, 6)  # block 0 full, block 1 half-filled
    slots = cache.slot_ids(table, 0, 6)
    rows = torch.arange(6 * 2 * 1 * 8, dtype=torch.float32).view(1, 6, 2, 1, 8).expand(2, -1, -1, -1, -1)
    cache.write(slots, (rows.contiguous(),))
    fork = cache.fork(table)
    assert all(cache.allocator.ref_count[b] == 2 for b in table)
    cache.make_writable(fork, 6, 7)  # the fork writes position 6 into the shared partial block
    assert fork[0] == table[0] and fork[1] != table[1]
    assert cache.allocator.ref_count[table[1]] == 1 and cache.allocator.ref_count[fork[1]] == 1
    same = cache.read_layer(0, cache.slot_ids(fork, 0, 6))
    assert torch.equal(same, cache.read_layer(0, slots))  # the copy carries the existing tokens
    cache.write(cache.slot_ids(fork, 6, 7), (torch.full((2, 1, 2, 1, 8), -1.0),))
    assert not torch.equal(cache.read_layer(0, cache.slot_ids(fork, 4, 7)), cache.read_layer(0, slots[4:6]))
    free_before = cache.allocator.num_free
    cache.free(fork)
    cache.free(table)
    assert cache.allocator.num_free == free_before + 3


def test_slot_ids_follow_block_table_across_boundaries():
    cache = make_cache(block_size=4)
    table = [5, 2, 7]
    assert cache.slot_ids(table, 0, 10).tolist() == [20, 21, 22, 23, 8, 9, 10, 11, 28, 29]
    assert cache.slot_ids(table, 3, 6).tolist() == [23, 8, 9]


def test_gather_reads_back_what_was_written_per_layer():
    cache = make_cache(block_size=4, num_blocks=4)
    table: list[int] = []
    cache.ensure_capacity(table, 7)
    kv = torch.randn(2, 7, 2, 1, 8)
    slots = cache.slot_ids(table, 0, 7)
    cache.write(slots, (kv,))
    padded = torch.stack([slots, torch.cat([slots[:3], torch.zeros(4, dtype=torch.long)])])
    got = cache.read_layer(1, padded)
    assert got.shape == (2, 7, 2, 1, 8)
    assert torch.equal(got[0], kv[1]) and torch.equal(got[1, :3], kv[1, :3])


def test_budget_constructor_counts_blocks():
    codec = make_codec("int8", 64, 32)
    per_token = PagedKVCache.bytes_per_token(codec, n_layers=30, n_kv_heads=3)
    assert per_token == 30 * 2 * 3 * (64 + 2 * 2)
    assert PagedKVCache.blocks_for_budget(per_token * 16 * 10 + 5, codec, 30, 3, 16) == 10
