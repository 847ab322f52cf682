"""Group-wise KV quantization: error bounds, packing, and memory per element."""

from __future__ import annotations

import pytest
import torch

from autochem.inference.engine.kv_quant import make_codec


@pytest.mark.parametrize("group", [16, 32])
def test_int8_error_within_half_step(group):
    torch.manual_seed(0)
    x = torch.randn(5, 7, 3, 64) * torch.logspace(-2, 1, 64)
    codec = make_codec("int8", 64, group)
    q, scale = codec.encode(x)
    assert q.dtype == torch.int8 and scale.dtype == torch.float16 and scale.shape == (5, 7, 3, 64 // group)
    err = (codec.decode((q, scale)) - x).abs().unflatten(-1, (64 // group, group))
    step = scale.float().unsqueeze(-1)
    assert bool((err <= step * 0.5 + 1e-6).all())


@pytest.mark.parametrize("group", [16, 32])
def test_int4_error_within_half_step_and_packs_two_per_byte(group):
    torch.manual_seed(1)
    x = torch.randn(4, 9, 3, 64) * 3 + 1
    codec = make_codec("int4", 64, group)
    packed, scale, lo = codec.encode(x)
    assert packed.dtype == torch.uint8 and packed.shape[-1] == 32
    err = (codec.decode((packed, scale, lo)) - x).abs().unflatten(-1, (64 // group, group))
    bound = scale.float().unsqueeze(-1) * 0.5 + lo.float().abs().unsqueeze(-1) * 2**-10 + 1e-5
    assert bool((err <= bound).all())


def test_int4_roundtrip_of_exact_grid_values():
    codec = make_codec("int4", 8, 8)
    x = torch.tensor([[0.0, 1, 2, 3, 15, 14, 7, 8]])
    assert torch.equal(codec.decode(codec.encode(x)), x)


def test_memory_per_element_ratios():
    fp32 = make_codec("fp32", 64).bytes_per_head_vector()
    assert make_codec("int8", 64, 32).bytes_per_head_vector() / fp32 <= 0.55
    assert make_codec("int4", 64, 32).bytes_per_head_vector() / fp32 <= 0.2


def test_constant_group_does_not_divide_by_zero():
    codec = make_codec("int8", 32, 32)
    x = torch.zeros(2, 32)
    assert torch.equal(codec.decode(codec.encode(x)), x)
    codec4 = make_codec("int4", 32, 32)
    assert torch.allclose(codec4.decode(codec4.encode(x + 0.5)), x + 0.5, atol=1e-3)
