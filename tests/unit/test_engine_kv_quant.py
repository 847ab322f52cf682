"""Group-wise KV quantization: error bounds, packing, memory per element, and the engine's outlier codec."""

from __future__ import annotations

import pytest
import torch

from autochem.inference.engine.kv_quant import (
    Int8Codec,
    make_codec,
    make_engine_codec,
    n_outlier_channels,
    select_outlier_channels,
)


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


def test_int8_zero_point_error_within_half_step():
    torch.manual_seed(2)
    x = torch.randn(4, 6, 64) * 2 + 3  # lopsided groups: a zero point halves the step
    codec = Int8Codec(64, 8, zero_point=True)
    q, scale, lo = codec.encode(x)
    assert q.dtype == torch.uint8 and scale.shape == lo.shape == (4, 6, 8)
    err = (codec.decode((q, scale, lo)) - x).abs().unflatten(-1, (8, 8))
    bound = scale.float().unsqueeze(-1) * 0.5 + lo.float().abs().unsqueeze(-1) * 2**-10 + 1e-5
    assert bool((err <= bound).all())


def kv_sample_with_outliers(n_layers=2, tokens=40, n_kv=3, d=64):
    torch.manual_seed(3)
    kv = torch.randn(n_layers, tokens, 2, n_kv, d)
    kv[:, :, 0, :, 5] *= 30  # K channel 5 large: it and its RoPE partner 37 must both be picked
    kv[:, :, 0, :, 40] *= 20  # partner of channel 8
    kv[:, :, 1, :, 11] *= 10
    kv[:, :4] *= 1000  # attention-sink tokens are skipped by the statistics
    return kv


def test_select_outlier_channels_takes_rope_pairs_for_k():
    out = select_outlier_channels(kv_sample_with_outliers(), 4)
    assert out.shape == (2, 2, 3, 4)
    assert out[0, 0, 0].tolist() == [5, 8, 37, 40]
    assert 11 in out[1, 1, 2].tolist()
    with pytest.raises(ValueError):
        select_outlier_channels(kv_sample_with_outliers(), 3)


def test_outlier_codec_keeps_outliers_in_float16_and_rest_within_half_step():
    sample = kv_sample_with_outliers()
    outliers = select_outlier_channels(sample, n_outlier_channels(64))
    codec = make_engine_codec("int8", 64, outliers)
    x = sample[1, 4:12].unsqueeze(0)  # [1, 8, 2, 3, 64]: layer 1's rows
    stored = codec.encode(x, 1)
    y = codec.decode(stored, 1)
    idx = outliers[1].expand(1, 8, 2, 3, 8)
    assert torch.equal(y.gather(-1, idx), x.gather(-1, idx).half().float())
    # the rest: asymmetric int8 in groups of 8, K outliers zeroed first so channel 5's size does not matter
    scale = stored[1].float().repeat_interleave(8, dim=-1)
    lo = stored[2].float().abs().repeat_interleave(8, dim=-1)
    rest = torch.ones_like(x, dtype=torch.bool).scatter(-1, idx, False)
    assert bool(((y - x).abs() <= scale * 0.5 + lo * 2**-10 + 1e-5)[rest].all())
    assert float(scale[..., 0, :, :].max()) < 10 / 255  # K group scales stay small without the outliers
    # per token: rows gathered from anywhere in the pool decode as they did when they were new
    some = tuple(t[:, [5, 2]] for t in stored)
    assert torch.equal(codec.decode(some, 1), y[:, [5, 2]])
    assert torch.equal(codec.encode(x[:, 2:3], 1)[0], stored[0][:, 2:3])


def test_engine_codec_memory_per_token():
    fp32 = make_codec("fp32", 64).bytes_per_head_vector()
    outliers = torch.zeros(1, 2, 1, 8, dtype=torch.long)
    int8 = make_engine_codec("int8", 64, outliers).bytes_per_head_vector()
    int4 = make_engine_codec("int4", 64, outliers).bytes_per_head_vector()
    # int8: 64 codes + 8 groups x (scale, min) float16 + 8 float16 outliers; int4: 32 + 4 x 4 + 16
    assert (int8, int4) == (112, 64)
    assert int8 / fp32 <= 0.55 and int4 / fp32 <= 0.25
