"""Weight-only int8/int4 matmuls of the local engine (engine/weights.py) against float32 references."""

from __future__ import annotations

import pytest
import torch

from autochem.inference.engine.weights import Int4Linear, Int8Linear


def _q4_1_weight(n: int, k: int, group: int = 32, seed: int = 0) -> torch.Tensor:
    """A weight that is exactly asymmetric 4-bit per group of ``group`` inputs (what a Q4_1 GGUF holds)."""
    gen = torch.Generator().manual_seed(seed)
    levels = torch.randint(0, 16, (n, k // group, group), generator=gen).float()
    scale = torch.rand(n, k // group, 1, generator=gen) * 0.02 + 0.001
    low = (torch.rand(n, k // group, 1, generator=gen) - 0.5) * 0.2
    return (levels * scale + low).view(n, k)


def test_int4_reproduces_a_q4_1_weight_up_to_bfloat16_rounding():
    w = _q4_1_weight(64, 128)
    x = torch.randn(5, 128, generator=torch.Generator().manual_seed(1))
    ref = x @ w.T
    got = Int4Linear(w)(x)
    assert got.shape == ref.shape and got.dtype == torch.float32
    # bfloat16 activations, scales and zeros: about 3 significant digits
    rel = (got - ref).norm() / ref.norm()
    assert rel < 0.02, rel
    # and far closer than a wrong weight would be
    assert (Int4Linear(_q4_1_weight(64, 128, seed=5))(x) - ref).norm() / ref.norm() > 0.5


def test_int8_close_to_float32_on_a_random_weight():
    gen = torch.Generator().manual_seed(2)
    w, x = torch.randn(48, 96, generator=gen), torch.randn(3, 96, generator=gen)
    rel = (Int8Linear(w)(x) - x @ w.T).norm() / (x @ w.T).norm()
    assert rel < 0.02, rel


@pytest.mark.parametrize("cls", [Int4Linear, Int8Linear])
def test_each_row_is_independent_of_how_many_rows_share_the_matmul(cls):
    lin = cls(_q4_1_weight(96, 256, seed=3))
    x = torch.randn(2, 20, 256, generator=torch.Generator().manual_seed(4))
    full = lin(x)
    assert full.shape == (2, 20, 96)
    for rows in (1, 3, 8, 13):
        assert torch.equal(lin(x[:, :rows]), full[:, :rows])


def test_int4_refuses_shapes_the_kernel_cannot_pack():
    with pytest.raises(ValueError, match="in_features % 32"):
        Int4Linear(torch.randn(64, 100))
    with pytest.raises(ValueError, match="out_features % 8"):
        Int4Linear(torch.randn(60, 128))
