"""Paged KV cache: a preallocated pool of fixed-size blocks per layer, a reference-counted block allocator
with prefix reuse, per-sequence block tables, and copy-on-write.

Hand-rolled because nothing on PyPI offers a paged KV cache for CPU torch (vLLM's is CUDA-only and brings its
own model runner). The layout follows vLLM's PagedAttention:

- The pool holds ``num_blocks * block_size`` token slots; slot ``b * block_size + i`` is token ``i`` of block
  ``b``. Each stored tensor is [n_layers, slots, 2 (k/v), n_kv_heads, ...] in the codec's stored form, so one
  index operation writes a token's K/V for every layer at once.
- A sequence owns a block table (list of block ids); token position p lives in block table[p // block_size].
- Prefix reuse: when a block fills, it is registered under a digest of (parent digest, its token ids), i.e.
  of the whole prefix up to its end. A new prompt walks its full blocks and takes any registered block (ref
  count + 1) instead of recomputing it. Blocks whose count drops to 0 keep their registration and sit in an
  LRU "evictable" set: they count as free and are reclaimed only when the plain free list is empty.
- Copy-on-write: a block shared by several tables (fork, or a shared prefix) is copied to a fresh block
  before a sequence writes into it, so sharers never see each other's tokens.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import OrderedDict, deque

import torch

from autochem.inference.engine.kv_quant import KVCodec


class OutOfBlocks(RuntimeError):
    """The pool has no free or evictable block left."""


def block_digest(parent: bytes, token_ids) -> bytes:
    """Digest of a full block given its parent's digest: identifies the whole prefix, collision-safe."""
    return hashlib.blake2b(parent + array("q", token_ids).tobytes(), digest_size=16).digest()


class BlockAllocator:
    """Reference counts, free list, and the prefix digest → block map (pure bookkeeping, no tensors)."""

    def __init__(self, num_blocks: int) -> None:
        if num_blocks < 1:
            raise ValueError("the KV pool needs at least one block")
        self.num_blocks = num_blocks
        self.ref_count = [0] * num_blocks
        self._free: deque[int] = deque(range(num_blocks))
        self._evictable: OrderedDict[int, None] = OrderedDict()  # count 0 but still registered, LRU first
        self._by_digest: dict[bytes, int] = {}
        self._digest_of: dict[int, bytes] = {}

    @property
    def num_free(self) -> int:
        """Blocks an allocation can get: never-used/cleared ones plus evictable cached ones."""
        return len(self._free) + len(self._evictable)

    @property
    def num_cached_free(self) -> int:
        return len(self._evictable)

    def allocate(self) -> int:
        if self._free:
            block = self._free.popleft()
        elif self._evictable:
            block, _ = self._evictable.popitem(last=False)
            self._unregister(block)
        else:
            raise OutOfBlocks("KV cache pool is full")
        self.ref_count[block] = 1
        return block

    def incref(self, block: int) -> None:
        if self.ref_count[block] == 0:
            self._evictable.pop(block, None)
        self.ref_count[block] += 1

    def decref(self, block: int) -> None:
        count = self.ref_count[block] - 1
        if count < 0:
            raise RuntimeError(f"block {block} freed more often than taken")
        self.ref_count[block] = count
        if count == 0:
            if block in self._digest_of:
                self._evictable[block] = None
            else:
                self._free.append(block)

    def lookup(self, digest: bytes) -> int | None:
        """A registered block holding this prefix, with a reference taken for the caller; None if absent."""
        block = self._by_digest.get(digest)
        if block is not None:
            self.incref(block)
        return block

    def register(self, block: int, digest: bytes) -> None:
        """Record that ``block`` (full) holds the prefix ``digest``; the first registration wins."""
        if digest in self._by_digest or block in self._digest_of:
            return
        self._by_digest[digest] = block
        self._digest_of[block] = digest

    def _unregister(self, block: int) -> None:
        digest = self._digest_of.pop(block, None)
        if digest is not None:
            self._by_digest.pop(digest, None)


class PagedKVCache:
    """The block pool tensors plus the allocator; sequences keep their own block tables (lists of ints)."""

    def __init__(
        self,
        codec: KVCodec,
        n_layers: int,
        n_kv_heads: int,
        block_size: int,
        num_blocks: int,
        device: str = "cpu",
    ) -> None:
        self.codec = codec
        self.n_layers = n_layers
        self.n_kv_heads = n_kv_heads
        self.block_size = block_size
        self.num_blocks = num_blocks
        self.allocator = BlockAllocator(num_blocks)
        slots = num_blocks * block_size
        self.pool = [
            torch.zeros((n_layers, slots, 2, n_kv_heads, *shape), dtype=dtype, device=device)
            for shape, dtype in codec.storage_shapes()
        ]
        self._block_offsets = torch.arange(block_size, device=device)

    @staticmethod
    def bytes_per_token(codec: KVCodec, n_layers: int, n_kv_heads: int) -> int:
        return n_layers * 2 * n_kv_heads * codec.bytes_per_head_vector()

    @classmethod
    def blocks_for_budget(
        cls, budget_bytes: int, codec: KVCodec, n_layers: int, n_kv_heads: int, block_size: int
    ):
        return budget_bytes // (cls.bytes_per_token(codec, n_layers, n_kv_heads) * block_size)

    @property
    def pool_bytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in self.pool)

    # --- block tables -------------------------------------------------------------------------------

    def blocks_needed(self, n_tokens: int) -> int:
        return -(-n_tokens // self.block_size)

    def take_prefix(self, token_ids: list[int]) -> tuple[list[int], list[bytes]]:
        """Shared blocks for the longest registered prefix of ``token_ids`` in whole blocks.

        At most ``len(token_ids) - 1`` tokens are reused: the last prompt token must run through the model to
        produce the first output's logits. Returns the block table and the digests of those blocks.
        """
        bs = self.block_size
        table: list[int] = []
        digests: list[bytes] = []
        parent = b""
        for i in range((len(token_ids) - 1) // bs):
            digest = block_digest(parent, token_ids[i * bs : (i + 1) * bs])
            block = self.allocator.lookup(digest)
            if block is None:
                break
            table.append(block)
            digests.append(digest)
            parent = digest
        return table, digests

    def ensure_capacity(self, table: list[int], n_tokens: int) -> None:
        """Append fresh blocks until the table can hold ``n_tokens`` tokens."""
        while len(table) * self.block_size < n_tokens:
            table.append(self.allocator.allocate())

    def make_writable(self, table: list[int], start: int, end: int) -> None:
        """Copy-on-write for positions [start, end): any block there with other owners is copied first."""
        bs = self.block_size
        for idx in range(start // bs, (end - 1) // bs + 1):
            block = table[idx]
            if self.allocator.ref_count[block] > 1:
                fresh = self.allocator.allocate()
                for t in self.pool:
                    t[:, fresh * bs : (fresh + 1) * bs] = t[:, block * bs : (block + 1) * bs]
                self.allocator.decref(block)
                table[idx] = fresh

    def fork(self, table: list[int]) -> list[int]:
        """A second table sharing every block (e.g. several samples of one prompt); writes then copy."""
        for block in table:
            self.allocator.incref(block)
        return list(table)

    def free(self, table: list[int]) -> None:
        for block in table:
            self.allocator.decref(block)
        table.clear()

    def register_full_blocks(
        self, table: list[int], digests: list[bytes], token_ids: list[int], n_tokens: int
    ):
        """Register every block that is now full (its tokens' K/V written), extending ``digests``."""
        bs = self.block_size
        while len(digests) < n_tokens // bs:
            i = len(digests)
            parent = digests[-1] if digests else b""
            digest = block_digest(parent, token_ids[i * bs : (i + 1) * bs])
            self.allocator.register(table[i], digest)
            digests.append(digest)

    # --- slots --------------------------------------------------------------------------------------

    def slot_ids(self, table: list[int], start: int, end: int) -> torch.Tensor:
        """Pool slot of each position in [start, end) of a sequence."""
        blocks = torch.tensor(table[start // self.block_size : (end - 1) // self.block_size + 1])
        slots = (blocks[:, None] * self.block_size + self._block_offsets.cpu()[None, :]).flatten()
        first = start % self.block_size
        return slots[first : first + (end - start)]

    def write(self, slots: torch.Tensor, stored: tuple[torch.Tensor, ...]) -> None:
        """Store encoded K/V rows: each stored tensor is [n_layers, len(slots), 2, n_kv_heads, ...]."""
        slots = slots.to(self.pool[0].device)
        for pool, rows in zip(self.pool, stored, strict=True):
            pool[:, slots] = rows

    def read_layer(self, layer: int, slots: torch.Tensor) -> torch.Tensor:
        """Dequantized K/V of the given slots for one layer: [*slots.shape, 2, n_kv_heads, head_dim]."""
        return self.codec.decode(tuple(p[layer][slots] for p in self.pool), layer)
