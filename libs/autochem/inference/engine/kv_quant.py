"""Group-wise KV-cache quantization codecs: how one token's K/V rows are stored in the block pool.

Each codec turns float K/V of shape [..., head_dim] into a tuple of tensors (its stored form) and back.
Groups are ``group_size`` consecutive channels of one head of one token, so a token can be written to its
block slot without touching its neighbours (no per-block statistics to update as a block fills).

- ``fp32``: stored as is.
- ``int8``: symmetric, q = round(x / s) in [-127, 127], s = max|x| / 127 per group, s kept in float16; or
  with ``zero_point=True`` asymmetric, q = round((x - m) / s) in [0, 255], s = (max - min) / 255, m = min.
- ``int4``: asymmetric, q = round((x - m) / s) in [0, 15], s = (max - min) / 15, m = min, both float16,
  two codes packed per byte (low nibble = even channel). At 4 bits the zero point matters: outlier channels
  make groups lopsided and a symmetric grid would waste half its 16 levels.

Quantization uses the float16-rounded scale/min, so the reconstruction error is at most s/2 (plus the
float16 rounding of m with a zero point). The engine dequantizes on read (no fused int8 attention kernel exists for
CPU in torch), and it also round-trips the *new* tokens' K/V through the codec before attending to them, so a
token sees exactly the values later reads will see: lookahead and plain greedy stay token-identical.

What the engine uses for ``kv_mode="int8"``/``"int4"`` (``make_engine_codec``): ``OutlierCodec``, a per-token
codec as above plus a few *outlier channels* per (layer, K/V, kv head) kept in float16, chosen once at engine
start from the mean |K|/|V| of each channel on a fixed calibration text (``select_outlier_channels``; K
channels are taken in RoPE pairs, since the rotation moves magnitude between the two halves of a pair).
Measured on SmolLM2-135M (50 chat prompts x 32 greedy tokens vs float32 KV): symmetric group-32 int8 K/V
gave 32/50 identical outputs; float16 K/V 49/50; float16 K + asymmetric group-8 int8 V 49/50; int8 K is the
sensitive part: a handful of high-magnitude K channels (mostly the low-frequency RoPE pairs) inflate every
group scale they sit in and their errors are multiplied by equally large query channels. Keeping the top
4 RoPE pairs (8 of 64 channels) in float16 and the rest asymmetric group-8 int8 gave 48-50/50 depending on
the calibration text (48/50 with CALIBRATION_TEXT). Bytes per (token, K/V, head) for head_dim 64: fp32 256;
int8 64 codes + 8 x (scale, min) + 8 float16 outliers = 112 (0.44x; the scales and outliers are most of the
difference from plain int8's 0.27x); int4 32 + 4 x (scale, min) + 8 outliers = 64 (0.25x). This keeps the
codec per token (no per-block statistics, so prefix sharing, copy-on-write and lookahead are unaffected),
which a KIVI-style per-channel K over full blocks with a float16 tail block would not (simulated, it also
measured worse: 44-46/50). Note that float16 K + group-8 int8 V takes the same 224 bytes per (token, head)
and measured 49/50 in the same simulation: the outlier codec's gain is that it is int8 for both K and V and
scales to int4 (which plain float16 K cannot reach).
"""

from __future__ import annotations

import torch

KV_MODES = ("fp32", "int8", "int4")
_MIN_SCALE = 1e-6  # keeps s representable in float16 (smallest normal ~6e-5; subnormals reach 6e-8)


class KVCodec:
    """float32, stored as is. ``layer`` (the model layer the rows belong to) matters to OutlierCodec only."""

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

    def encode(self, x: torch.Tensor, layer: int | None = None) -> tuple[torch.Tensor, ...]:
        return (x,)

    def decode(self, stored: tuple[torch.Tensor, ...], layer: int | None = None) -> torch.Tensor:
        return stored[0]


class Int8Codec(KVCodec):
    mode = "int8"

    def __init__(self, head_dim: int, group_size: int = 32, zero_point: bool = False) -> None:
        if head_dim % group_size:
            raise ValueError(f"head_dim {head_dim} is not a multiple of group_size {group_size}")
        super().__init__(head_dim, group_size)
        self.n_groups = head_dim // group_size
        self.zero_point = zero_point

    def storage_shapes(self):
        if self.zero_point:
            return [
                ((self.head_dim,), torch.uint8),
                ((self.n_groups,), torch.float16),
                ((self.n_groups,), torch.float16),
            ]
        return [((self.head_dim,), torch.int8), ((self.n_groups,), torch.float16)]

    def encode(self, x, layer=None):
        g = x.unflatten(-1, (self.n_groups, self.group_size))
        if self.zero_point:
            lo = g.amin(-1, keepdim=True).to(torch.float16)
            hi = g.amax(-1, keepdim=True)
            scale = ((hi - lo.to(g.dtype)) / 255.0).clamp_min(_MIN_SCALE).to(torch.float16)
            q = torch.round((g - lo.to(g.dtype)) / scale.to(g.dtype)).clamp_(0, 255).to(torch.uint8)
            return q.flatten(-2), scale.squeeze(-1), lo.squeeze(-1)
        scale = (g.abs().amax(-1, keepdim=True) / 127.0).clamp_min(_MIN_SCALE).to(torch.float16)
        q = torch.round(g / scale.to(g.dtype)).clamp_(-127, 127).to(torch.int8)
        return q.flatten(-2), scale.squeeze(-1)

    def decode(self, stored, layer=None):
        g = stored[0].unflatten(-1, (self.n_groups, self.group_size)).to(torch.float32)
        out = g * stored[1].unsqueeze(-1).to(torch.float32)
        if self.zero_point:
            out = out + stored[2].unsqueeze(-1).to(torch.float32)
        return out.flatten(-2)


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

    def encode(self, x, layer=None):
        g = x.unflatten(-1, (self.n_groups, self.group_size))
        lo = g.amin(-1, keepdim=True).to(torch.float16)
        hi = g.amax(-1, keepdim=True)
        scale = ((hi - lo.to(g.dtype)) / 15.0).clamp_min(_MIN_SCALE).to(torch.float16)
        q = torch.round((g - lo.to(g.dtype)) / scale.to(g.dtype)).clamp_(0, 15).to(torch.uint8).flatten(-2)
        packed = q[..., 0::2] | (q[..., 1::2] << 4)
        return packed, scale.squeeze(-1), lo.squeeze(-1)

    def decode(self, stored, layer=None):
        packed, scale, lo = stored
        q = torch.stack((packed & 15, packed >> 4), dim=-1).flatten(-2)
        g = q.unflatten(-1, (self.n_groups, self.group_size)).to(torch.float32)
        return (g * scale.unsqueeze(-1).to(torch.float32) + lo.unsqueeze(-1).to(torch.float32)).flatten(-2)


class OutlierCodec(KVCodec):
    """A per-token codec plus ``n_out`` channels per (layer, K/V, kv head) stored in float16 beside it.

    ``outliers`` is a long tensor [n_layers, 2, n_kv_heads, n_out] of channel indices (from
    ``select_outlier_channels``). encode/decode take rows shaped [..., 2, n_kv_heads, head_dim] and the layer.
    On decode the stored float16 values overwrite the base codec's output in those channels. K outlier
    channels are zeroed before the base codec quantizes the rest, so they do not widen its group ranges (K
    has a few channels 3-10x the median magnitude). V has no such channels (its per-channel means are flat):
    unless ``zero_v``, V rows are quantized whole and the float16 copies only make the largest channels
    exact (at 8 bits zeroing them cost accuracy: it widens groups whose values all share a sign).
    """

    def __init__(self, base: KVCodec, outliers: torch.Tensor, zero_v: bool = False) -> None:
        super().__init__(base.head_dim, base.group_size)
        if outliers.dim() != 4 or outliers.shape[1] != 2:
            raise ValueError("outliers must be [n_layers, 2, n_kv_heads, n_out] channel indices")
        self.base = base
        self.mode = base.mode
        self.outliers = outliers.long()
        self.n_out = outliers.shape[-1]
        mask = torch.zeros(*outliers.shape[:-1], base.head_dim, dtype=torch.bool, device=outliers.device)
        mask.scatter_(-1, self.outliers, True)
        if not zero_v:
            mask[:, 1] = False  # V outliers are only overwritten on decode (see class docstring)
        self.zero_masks = mask

    def storage_shapes(self):
        return [*self.base.storage_shapes(), ((self.n_out,), torch.float16)]

    def encode(self, x, layer=None):
        idx = self.outliers[layer]
        kept = x.gather(-1, idx.expand(*x.shape[:-1], self.n_out)).to(torch.float16)
        return (*self.base.encode(x.masked_fill(self.zero_masks[layer], 0.0)), kept)

    def decode(self, stored, layer=None):
        rest = self.base.decode(stored[:-1])
        idx = self.outliers[layer]
        return rest.scatter(-1, idx.expand(*rest.shape[:-1], self.n_out), stored[-1].to(rest.dtype))


def select_outlier_channels(kv_sample: torch.Tensor, n_out: int, skip: int = 4) -> torch.Tensor:
    """Channels with the largest mean |value| per (layer, K/V, kv head): [n_layers, 2, n_kv_heads, n_out].

    ``kv_sample`` is [n_layers, tokens, 2, n_kv_heads, head_dim] from a float forward over calibration text;
    the first ``skip`` tokens (attention sinks, whose K/V are atypical) are left out. K channels come in RoPE
    pairs (i, i + head_dim / 2) ranked by the larger of the two means, so ``n_out`` must be even.
    """
    if n_out % 2:
        raise ValueError("n_out must be even (K outliers are RoPE pairs)")
    mean = kv_sample[:, skip:].abs().mean(dim=1)  # [L, 2, nkv, d]
    half = mean.shape[-1] // 2
    pair = torch.maximum(mean[:, 0, :, :half], mean[:, 0, :, half:])
    k_first = pair.topk(n_out // 2, dim=-1).indices
    k_idx = torch.cat((k_first, k_first + half), dim=-1)
    v_idx = mean[:, 1].topk(n_out, dim=-1).indices
    return torch.stack((k_idx, v_idx), dim=1).sort(dim=-1).values


# A fixed text for choosing outlier channels: chemical-process prose plus chat-style and list formatting,
# so the channel statistics reflect the kinds of prompts the engine serves.
CALIBRATION_TEXT = (
    "You are a helpful assistant for chemical process engineers. User: Describe the main steps of a plant.\n"
    "Assistant: 1. Feed preparation: the raw materials are filtered, heated to 180 C and pumped at 25 bar.\n"
    "2. Reaction: a packed-bed reactor converts 92% of the feed; the heat of reaction is removed by steam.\n"
    "3. Separation: a distillation column with 40 trays splits the product from unreacted feed, which is "
    "recycled. Safety: relief valves, interlocks on high temperature and pressure, and gas detectors. "
    "The control loops regulate flow, level, temperature and pressure; the reboiler duty sets the purity."
)


def calibration_ids(tokenizer, vocab_size: int) -> list[int]:
    """CALIBRATION_TEXT as a chat user turn (plain text without a chat template) tokenized; a fixed spread of
    token ids when the tokenizer cannot encode text."""
    text = CALIBRATION_TEXT
    try:
        if getattr(tokenizer, "chat_template", None):
            text = tokenizer.apply_chat_template(
                [{"role": "user", "content": text}], add_generation_prompt=True, tokenize=False
            )
        ids = list(tokenizer.encode(text, add_special_tokens=False))
    except (AttributeError, TypeError, ValueError):
        ids = []
    if len(ids) < 32:
        ids = [(i * 7919) % vocab_size for i in range(1, 129)]
    return ids


def n_outlier_channels(head_dim: int) -> int:
    """One eighth of the channels, rounded down to an even count (K outliers are RoPE pairs)."""
    return max(2, head_dim // 16 * 2)


# Group size per mode for the engine's OutlierCodec (see the module docstring for the measurements).
# int4 (50 prompts, greedy identical / tokens before divergence): plain group-32 int4 2/50; with outliers,
# group 32: 11/50 / 48%, group 16: 14/50 / 59% (V outliers zeroed: at 4 bits the step is coarse enough that
# taking the largest V channels out of the range pays; at 8 bits it did not).
ENGINE_GROUP_SIZE = {"int8": 8, "int4": 16}
ZERO_V_OUTLIERS = {"int8": False, "int4": True}


def make_engine_codec(
    mode: str, head_dim: int, outliers: torch.Tensor | None, group_size: int | None = None
) -> KVCodec:
    """The codec the engine uses: fp32 as is; int8 = asymmetric group-8 int8 + float16 outlier channels;
    int4 = asymmetric group-16 int4 + float16 outlier channels (V outliers zeroed too)."""
    if mode == "fp32":
        return KVCodec(head_dim, group_size or 32)
    if mode not in KV_MODES:
        raise ValueError(f"kv_mode must be one of {KV_MODES}, not {mode!r}")
    group = group_size or ENGINE_GROUP_SIZE[mode]
    base = Int8Codec(head_dim, group, zero_point=True) if mode == "int8" else Int4Codec(head_dim, group)
    return base if outliers is None else OutlierCodec(base, outliers, ZERO_V_OUTLIERS[mode])


def make_codec(mode: str, head_dim: int, group_size: int = 32) -> KVCodec:
    if mode == "fp32":
        return KVCodec(head_dim, group_size)
    if mode == "int8":
        return Int8Codec(head_dim, group_size)
    if mode == "int4":
        return Int4Codec(head_dim, group_size)
    raise ValueError(f"kv_mode must be one of {KV_MODES}, not {mode!r}")
