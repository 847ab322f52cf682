"""The Llama forward pass over the paged KV cache.

One call runs B sequences x T new tokens each: T = 1 for a batched decode step, the prompt suffix for a
prefill, or the lookahead + verification branches for one lookahead step. Past tokens are gathered from
the block pool by slot id (padded to the longest context and masked); the new tokens' K/V are computed,
round-tripped through the KV codec, attended to in the same pass, and returned in stored form so the
caller commits only the rows it keeps (all of them for decode/prefill, the verified ones for lookahead).

Why hand-rolled: see engine/weights.py. Why this shape: on 2 CPU cores a 135M model's decode time is
dominated by operator count and weight bandwidth, not FLOPs, so each layer is ~20 torch ops (fused QKV and
gate/up matmuls, F.rms_norm, one SDPA call with enable_gqa instead of repeating K/V heads, rotate-half done
as one tiny matmul), and every sequence in the batch shares each weight read.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from autochem.inference.engine.paged_cache import PagedKVCache
from autochem.inference.engine.weights import LlamaWeights


class PagedLlama:
    def __init__(self, weights: LlamaWeights, cache: PagedKVCache) -> None:
        self.w = weights
        self.cache = cache
        d = weights.head_dim
        half = d // 2
        # rotate_half(x) = cat(-x[half:], x[:half]) written as x @ R: a signed permutation, so the product is
        # exact (every output is one input times ±1 plus zeros) and costs one op instead of three.
        rot = torch.zeros(d, d, dtype=weights.embed.dtype, device=weights.embed.device)
        idx = torch.arange(half)
        rot[idx + half, idx] = -1.0
        rot[idx, idx + half] = 1.0
        self.rotate = rot
        self.linear = _apply_int8 if not isinstance(weights.lm_head, torch.Tensor) else F.linear

    @torch.inference_mode()
    def forward(
        self,
        input_ids: torch.Tensor,  # [B, T]
        positions: torch.Tensor,  # [B, T]
        ctx_slots: torch.Tensor | None,  # [B, C] pool slots of past tokens (padding rows point anywhere)
        attn_mask: torch.Tensor | None,  # [B, 1, T, C + T] bool, True = may attend; None = causal, no padding
        logit_rows: torch.Tensor | None,  # rows of the flattened [B*T] batch to return logits for; None = all
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """Logits [rows, vocab] and the new tokens' K/V in stored form, each [n_layers, B, T, 2, n_kv, ...]."""
        w = self.w
        linear = self.linear
        codec = self.cache.codec
        quantized = codec.mode != "fp32"
        B, T = input_ids.shape
        nh, nkv, d = w.n_heads, w.n_kv_heads, w.head_dim
        qk_width = (nh + nkv) * d
        hidden_shape = (w.hidden,)
        cos = w.rope_cos[positions].unsqueeze(2)  # [B, T, 1, d]
        sin = w.rope_sin[positions].unsqueeze(2)
        causal = attn_mask is None and ctx_slots is None and T > 1
        x = w.embed[input_ids]  # [B, T, H]
        new_kv: list[tuple[torch.Tensor, ...]] = []
        for layer_idx, lw in enumerate(w.layers):
            h = F.rms_norm(x, hidden_shape, lw.input_norm, w.rms_eps)
            qkv = linear(h, lw.qkv)
            qk = qkv[..., :qk_width].view(B, T, nh + nkv, d)
            qk = qk * cos + torch.matmul(qk, self.rotate) * sin
            kv = torch.cat((qk[:, :, nh:], qkv[..., qk_width:].view(B, T, nkv, d)), dim=2).view(
                B, T, 2, nkv, d
            )
            if quantized:
                stored = codec.encode(kv, layer_idx)
                kv = codec.decode(stored, layer_idx)
            else:
                stored = (kv,)
            new_kv.append(stored)
            if ctx_slots is not None:
                kv = torch.cat(
                    (self.cache.read_layer(layer_idx, ctx_slots), kv), dim=1
                )  # [B, C+T, 2, nkv, d]
            q = qk[:, :, :nh].transpose(1, 2)  # [B, nh, T, d]
            k = kv[:, :, 0].transpose(1, 2)  # [B, nkv, S, d]
            v = kv[:, :, 1].transpose(1, 2)
            a = F.scaled_dot_product_attention(
                q, k, v, attn_mask=attn_mask, is_causal=causal, enable_gqa=True
            )
            x = x + linear(a.transpose(1, 2).reshape(B, T, nh * d), lw.out)
            h = F.rms_norm(x, hidden_shape, lw.post_norm, w.rms_eps)
            gu = linear(h, lw.gate_up)
            x = x + linear(F.silu(gu[..., : w.intermediate]) * gu[..., w.intermediate :], lw.down)
        x = x.reshape(B * T, w.hidden)
        if logit_rows is not None:
            x = x[logit_rows]
        logits = linear(F.rms_norm(x, hidden_shape, w.final_norm, w.rms_eps), w.lm_head)
        stacked = tuple(torch.stack([layer[i] for layer in new_kv]) for i in range(len(new_kv[0])))
        return logits.float(), stacked


def kv_sample(weights: LlamaWeights, token_ids: list[int]) -> torch.Tensor:
    """float32 K/V of one uncached causal pass: [n_layers, len(token_ids), 2, n_kv_heads, head_dim].

    Used once at engine start to pick the KV codec's float16 outlier channels (kv_quant.OutlierCodec)."""
    from autochem.inference.engine.kv_quant import KVCodec

    device = str(weights.embed.device)
    cache = PagedKVCache(KVCodec(weights.head_dim), weights.n_layers, weights.n_kv_heads, 1, 1, device)
    model = PagedLlama(weights, cache)
    n = len(token_ids)
    ids = torch.tensor([token_ids], device=weights.embed.device)
    pos = torch.arange(n, device=weights.embed.device)[None, :]
    _, (kv,) = model.forward(ids, pos, None, None, torch.tensor([n - 1]))
    return kv[:, 0].float().cpu()


def _apply_int8(x: torch.Tensor, weight) -> torch.Tensor:
    return weight(x)
