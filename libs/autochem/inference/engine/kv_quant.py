"""Group-wise KV-cache quantization codecs: how one token's K/V rows are stored in the block pool.

Each codec turns float K/V of shape [..., head_dim] into a tuple of tensors (its stored form) and back.
Groups are ``group_size`` consecutive channels of one head of one token, so a token can be written to its
block slot without touching its neighbours (no per-block statistics to update as a block fills).

- ``fp32``: stored as is.
- ``int8``: symmetric, q = round(x / s) in [-127, 127], s = max|x| / 127 per group, s kept in float16.
  K/V activations are roughly zero-centred, so a zero point buys little at 8 bits.
- ``int4``: asymmetric, q = round((x - m) / s) in [0, 15], s = (max - min) / 15, m = min, both float16,
  two codes packed per byte (low nibble = even channel). At 4 bits the zero point matters: outlier channels
  make groups lopsided and a symmetric grid would waste half its 16 levels.

Quantization uses the float16-rounded scale/min, so the reconstruction error is at most s/2 (plus the
float16 rounding of m for int4). The engine dequantizes on read (no fused int8 attention kernel exists for
CPU in torch), and it also round-trips the *new* tokens' K/V through the codec before attending to them, so a
token sees exactly the values later reads will see: lookahead and plain greedy stay token-identical.
"""

from __future__ import annotations

import torch

KV_MODES = ("fp32", "int8", "int4")
_MIN_SCALE = 1e-6  # keeps s representable in float16 (smallest normal ~6e-5; subnormals reach 6e-8)


class KVCodec:
    mode = "fp32"

    def __init__(self, head_dim: int, group_size: int = 32) -> None:
        self.head_dim = head_dim
        self.group_size = group_size

    def storage_shapes(self) -> list[tuple[tuple[int, ...], torch.dtype]]:
        """Trailing shape and dtype of each stored tensor, per (slot, k/v, kv head)."""
        return [((self.head_dim,), torch.float32)]

    def bytes_per_head_vector(self) -> int:
        total = 0
        for shape, dtype in self.storage_shapes():
            n = 1
            for s in shape:
                n *= s
            total += n * torch.empty((), dtype=dtype).element_size()
        return total

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return (x,)

    def decode(self, stored: tuple[torch.Tensor, ...]) -> torch.Tensor:
        return stored[0]


class Int8Codec(KVCodec):
    mode = "int8"

    def __init__(self, head_dim: int, group_size: int = 32) -> None:
        if head_dim % group_size:
            raise ValueError(f"head_dim {head_dim} is not a multiple of group_size {group_size}")
        super().__init__(head_dim, group_size)
        self.n_groups = head_dim // group_size

    def storage_shapes(self):
        return [((self.head_dim,), torch.int8), ((self.n_groups,), torch.float16)]

    def encode(self, x):
        g = x.unflatten(-1, (self.n_groups, self.group_size))
        scale = (g.abs().amax(-1, keepdim=True) / 127.0).clamp_min(_MIN_SCALE).to(torch.float16)
        q = torch.round(g / scale.to(g.dtype)).clamp_(-127, 127).to(torch.int8)
        return q.flatten(-2), scale.squeeze(-1)

    def decode(self, stored):
        q, scale = stored
        g = q.unflatten(-1, (self.n_groups, self.group_size)).to(torch.float32)
        return (g * scale.unsqueeze(-1).to(torch.float32)).flatten(-2)


class Int4Codec(KVCodec):
    mode = "int4"

    def __init__(self, head_dim: int, group_size: int = 32) -> None:
        if head_dim % group_size or group_size % 2:
            raise ValueError(f"head_dim {head_dim} must be a multiple of an even group_size {group_size}")
        super().__init__(head_dim, group_size)
        self.n_groups = head_dim // group_size

    def storage_shapes(self):
        return [
            ((self.head_dim // 2,), torch.uint8),
            ((self.n_groups,), torch.float16),
            ((self.n_groups,), torch.float16),
        ]

    def encode(self, x):
        g = x.unflatten(-1, (self.n_groups, self.group_size))
        lo = g.amin(-1, keepdim=True).to(torch.float16)
        hi = g.amax(-1, keepdim=True)
        scale = ((hi - lo.to(g.dtype)) / 15.0).clamp_min(_MIN_SCALE).to(torch.float16)
        q = torch.round((g - lo.to(g.dtype)) / scale.to(g.dtype)).clamp_(0, 15).to(torch.uint8).flatten(-2)
        packed = q[..., 0::2] | (q[..., 1::2] << 4)
        return packed, scale.squeeze(-1), lo.squeeze(-1)

    def decode(self, stored):
        packed, scale, lo = stored
        q = torch.stack((packed & 15, packed >> 4), dim=-1).flatten(-2)
        g = q.unflatten(-1, (self.n_groups, self.group_size)).to(torch.float32)
        return (g * scale.unsqueeze(-1).to(torch.float32) + lo.unsqueeze(-1).to(torch.float32)).flatten(-2)


def make_codec(mode: str, head_dim: int, group_size: int = 32) -> KVCodec:
    if mode == "fp32":
        return KVCodec(head_dim, group_size)
    if mode == "int8":
        return Int8Codec(head_dim, group_size)
    if mode == "int4":
        return Int4Codec(head_dim, group_size)
    raise ValueError(f"kv_mode must be one of {KV_MODES}, not {mode!r}")
