"""Llama-family weights pulled out of a loaded transformers model, laid out for the paged engine.

Why not run the transformers module itself: its forward takes one contiguous KV cache per sequence, so it
cannot read a paged, quantized block pool, batch sequences of different lengths without padding the whole
history, or run lookahead's tree-shaped attention mask over a shared cache. We therefore keep its weights
(so outputs match it) and run our own forward (engine/model.py). To cut per-token operator count, which
dominates decode time on a 2-core CPU, the q/k/v projections are fused into one matrix and gate/up into
another; a LoRA adapter is merged into the base weights before extraction (peft merge_and_unload).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class LayerWeights:
    input_norm: torch.Tensor  # [hidden]
    # projections: float tensors, or Int8Linear/Int4Linear callables when weight_format="int8"/"int4"
    qkv: torch.Tensor  # [(n_heads + 2 * n_kv_heads) * head_dim, hidden]
    out: torch.Tensor  # [hidden, n_heads * head_dim]
    post_norm: torch.Tensor  # [hidden]
    gate_up: torch.Tensor  # [2 * intermediate, hidden]
    down: torch.Tensor  # [hidden, intermediate]


@dataclass
class LlamaWeights:
    """Everything the paged forward needs; shapes come from the model config (GQA, any head_dim)."""

    embed: torch.Tensor  # [vocab, hidden]
    lm_head: torch.Tensor  # [vocab, hidden]; the same storage as embed when embeddings are tied
    final_norm: torch.Tensor
    layers: list[LayerWeights]
    rope_cos: torch.Tensor  # [max_positions, head_dim], already multiplied by the rope attention scaling
    rope_sin: torch.Tensor
    n_heads: int
    n_kv_heads: int
    head_dim: int
    hidden: int
    intermediate: int
    rms_eps: float
    max_positions: int
    vocab_size: int

    @property
    def n_layers(self) -> int:
        return len(self.layers)


def _rope_tables(model, max_positions: int) -> tuple[torch.Tensor, torch.Tensor]:
    """cos/sin per position computed exactly as transformers' rotary embedding does (float32 outer product,
    the half-frequency table duplicated, times attention_scaling), so any rope_type the model's config
    names (default, linear, dynamic-at-init, llama3, yarn...) is honoured through its inv_freq."""
    rotary = model.model.rotary_emb
    inv_freq = rotary.inv_freq.detach().float().cpu()
    scaling = float(getattr(rotary, "attention_scaling", 1.0))
    positions = torch.arange(max_positions, dtype=torch.float32)
    freqs = positions[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos() * scaling, emb.sin() * scaling


class Int8Linear:
    """Weight-only int8 (per output row, symmetric) for torch._weight_int8pack_mm with bfloat16 activations.

    Single-stream decode on CPU is bound by reading the weights (135M float32 = 540 MB per token), so
    storing them in int8 cuts the traffic 4x. Outputs differ slightly from float32 (not token-identical to
    transformers), hence opt-in: ``weight_format="int8"``.
    """

    def __init__(self, weight: torch.Tensor) -> None:
        w = weight.detach().float()
        scale = (w.abs().amax(dim=1) / 127.0).clamp_min(1e-8)
        self.qweight = torch.round(w / scale[:, None]).clamp_(-127, 127).to(torch.int8).contiguous()
        self.scale = scale.to(torch.bfloat16)
        self.out_features = w.shape[0]

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        flat = x.reshape(-1, x.shape[-1]).to(torch.bfloat16)
        y = torch._weight_int8pack_mm(flat, self.qweight, self.scale)
        return y.view(*x.shape[:-1], self.out_features).float()


class Int4Linear:
    """Weight-only int4 (asymmetric, groups of ``group_size`` input channels) for torch's CPU int4pack kernel.

    Halves int8's weight traffic again (135M params: ~70 MB + scales per token vs ~135 MB for int8), which is
    what single-stream decode on CPU is bound by. The default GGUF is Q4_1 (asymmetric int4 in groups of 32
    along the input dimension), so with ``group_size=32`` each group's 16 levels are the original ones and
    the only new error is the bfloat16 rounding of scale and zero. Activations go through bfloat16 as in
    Int8Linear; opt-in (``weight_format="int4"``) for the same reason.
    """

    def __init__(self, weight: torch.Tensor, group_size: int = 32) -> None:
        w = weight.detach().float().cpu()
        n, k = w.shape
        if k % group_size or n % 8:
            raise ValueError(f"int4 weights need in_features % {group_size} == 0 and out_features % 8 == 0")
        g = w.view(n, k // group_size, group_size)
        lo = g.amin(-1, keepdim=True)
        scale = ((g.amax(-1, keepdim=True) - lo) / 15.0).clamp_min(1e-8)
        q = torch.round((g - lo) / scale).clamp_(0, 15).to(torch.int32).view(n, k)
        zero = lo + 8.0 * scale  # the kernel computes (q - 8) * scale + zero
        self.scales_and_zeros = (
            torch.stack((scale.squeeze(-1), zero.squeeze(-1)), dim=-1).transpose(0, 1).contiguous()
        ).to(torch.bfloat16)  # [k / group, n, 2]
        self.packed = torch.ops.aten._convert_weight_to_int4pack_for_cpu(q, 2)
        self.group_size = group_size
        self.out_features = n

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        flat = x.reshape(-1, x.shape[-1]).to(torch.bfloat16)
        y = torch.ops.aten._weight_int4pack_mm_for_cpu(
            flat, self.packed, self.group_size, self.scales_and_zeros
        )
        return y.view(*x.shape[:-1], self.out_features).float()


WEIGHT_FORMATS = ("fp32", "int8", "int4")


def extract_llama_weights(
    model, device: str = "cpu", dtype: torch.dtype = torch.float32, weight_format: str = "fp32"
) -> LlamaWeights:
    """Copy a LlamaForCausalLM's (or any model with the same module names) weights into fused tensors.

    ``weight_format="int8"``/``"int4"`` stores the projection and lm_head matrices as Int8Linear/Int4Linear
    (CPU speed options; the int4 path needs CPU tensors)."""
    if weight_format not in WEIGHT_FORMATS:
        raise ValueError(f"weight_format must be one of {WEIGHT_FORMATS}")
    if weight_format == "int4" and not str(device).startswith("cpu"):
        raise ValueError("weight_format='int4' uses torch's CPU int4pack kernel: device must be cpu")
    cfg = model.config
    n_heads = cfg.num_attention_heads
    n_kv = getattr(cfg, "num_key_value_heads", None) or n_heads
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // n_heads
    if getattr(cfg, "attention_bias", False) or getattr(cfg, "mlp_bias", False):
        raise ValueError("the paged engine supports bias-free Llama projections only")

    def t(x: torch.Tensor) -> torch.Tensor:
        return x.detach().to(device=device, dtype=dtype).contiguous()

    layers = []
    for layer in model.model.layers:
        att, mlp = layer.self_attn, layer.mlp
        layers.append(
            LayerWeights(
                input_norm=t(layer.input_layernorm.weight),
                qkv=t(torch.cat((att.q_proj.weight, att.k_proj.weight, att.v_proj.weight), dim=0)),
                out=t(att.o_proj.weight),
                post_norm=t(layer.post_attention_layernorm.weight),
                gate_up=t(torch.cat((mlp.gate_proj.weight, mlp.up_proj.weight), dim=0)),
                down=t(mlp.down_proj.weight),
            )
        )
    embed = t(model.model.embed_tokens.weight)
    tied = model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr()
    lm_head = embed if tied else t(model.lm_head.weight)
    max_positions = int(getattr(cfg, "max_position_embeddings", 4096))
    cos, sin = _rope_tables(model, max_positions)
    if weight_format != "fp32":
        quant = Int8Linear if weight_format == "int8" else Int4Linear
        for lw in layers:
            lw.qkv, lw.out, lw.gate_up, lw.down = (quant(m) for m in (lw.qkv, lw.out, lw.gate_up, lw.down))
        lm_head = quant(lm_head)
    return LlamaWeights(
        embed=embed,
        lm_head=lm_head,
        final_norm=t(model.model.norm.weight),
        layers=layers,
        rope_cos=cos.to(device=device, dtype=dtype),
        rope_sin=sin.to(device=device, dtype=dtype),
        n_heads=n_heads,
        n_kv_heads=n_kv,
        head_dim=head_dim,
        hidden=cfg.hidden_size,
        intermediate=cfg.intermediate_size,
        rms_eps=float(cfg.rms_norm_eps),
        max_positions=max_positions,
        vocab_size=embed.shape[0],
    )
