"""L2_NORMALIZATION: swept against LiteRT's reference kernels (integers bit for bit), with the refusals
LiteRT makes too.

From the former test_ops_tensor.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from sweep import check
from tfldbg.testing.opmodel import OpModelBuilder


rng = np.random.default_rng(99)


def values(dtype: str, shape) -> np.ndarray:
    if dtype == "float32":
        return (rng.standard_normal(shape) * 40).astype(np.float32)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -300), min(info.max, 300) + 1, shape).astype(dtype)


@pytest.mark.parametrize("shape", [[5], [3, 4], [2, 3, 1], [2, 2, 8]])
def test_l2_normalization(tmp_path, shape):
    b = OpModelBuilder()
    x = b.input("x", "float32", shape)
    y = b.output("y", "float32", shape)
    b.op("L2_NORMALIZATION", [x], [y])
    v = values("float32", shape)
    v.reshape(-1, shape[-1])[0] = 0.0  # a zero row: divided by the 1e-6 floor
    check(b, tmp_path, {"x": v})
