"""Writes tests/data/sparse_layouts.tflite: sparse constants in several layouts.

One small model (a few KB, so the corruption suite also runs its Invoke) with
every way tfldbg reads a sparse constant: DENSIFY of float32 blocks walked by
column with uint8 indices, of int8 1x4 blocks with uint16 indices, of a float16
tensor with both levels compressed, and FULLY_CONNECTED with float32 (random)
and int8 (1x16 block) sparse weights. test_ops_sparse.py checks it against
LiteRT and that this script still writes the committed bytes.

    .venv/bin/python tests/data/make_sparse_layouts.py [OUT]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from tfldbg.testing.opmodel import OpModelBuilder  # noqa: E402


def pruned(rng, shape, dtype, density, block=(1, 1)):
    if dtype == "float32":
        values = rng.standard_normal(shape).astype(np.float32)
    else:
        values = rng.integers(-127, 128, shape).astype(dtype)
    keep = rng.random([s // b for s, b in zip(shape, block)]) < density
    keep.flat[0] = True
    for axis, b in enumerate(block):
        keep = np.repeat(keep, b, axis=axis)
    values.flat[0] = values.flat[0] or 1
    return np.where(keep, values, np.zeros_like(values))


def build() -> OpModelBuilder:
    rng = np.random.default_rng(2026)
    b = OpModelBuilder()
    # DENSIFY float32, 2x3 blocks walked by column, uint8 indices; then ADD.
    a = b.sparse_constant("blocks_by_column", pruned(rng, [6, 12], "float32", 0.4, (2, 3)),
                          traversal_order=[1, 0, 2, 3], block_map=[0, 1], block_size=[2, 3],
                          formats=["SPARSE_CSR", "SPARSE_CSR", "DENSE", "DENSE"], index_type="uint8")
    x = b.input("x", "float32", [6, 12])
    a_dense = b.tensor("blocks_by_column_dense", "float32", [6, 12])
    y1 = b.output("sum", "float32", [6, 12])
    b.op("DENSIFY", [a], [a_dense])
    b.op("ADD", [a_dense, x], [y1])
    # DENSIFY int8 1x4 blocks, uint16 indices; then a quantized ADD.
    q = b.sparse_constant("int8_1x4", pruned(rng, [4, 16], "int8", 0.5, (1, 4)), block_map=[1], block_size=[4],
                          formats=["DENSE", "SPARSE_CSR", "DENSE"], index_type="uint16", scale=0.05, zero_point=0)
    xq = b.input("xq", "int8", [4, 16], scale=0.1, zero_point=-3)
    q_dense = b.tensor("int8_1x4_dense", "int8", [4, 16], scale=0.05, zero_point=0)
    y2 = b.output("sum_q", "int8", [4, 16], scale=0.12, zero_point=2)
    b.op("DENSIFY", [q], [q_dense])
    b.op("ADD", [q_dense, xq], [y2])
    # DENSIFY float16, both levels compressed; DEQUANTIZE to float32.
    h = b.sparse_constant("half", pruned(rng, [5, 7], "float32", 0.3).astype(np.float16),
                          formats=["SPARSE_CSR", "SPARSE_CSR"])
    h_dense = b.tensor("half_dense", "float16", [5, 7])
    y3 = b.output("half_float", "float32", [5, 7])
    b.op("DENSIFY", [h], [h_dense])
    b.op("DEQUANTIZE", [h_dense], [y3])
    # FULLY_CONNECTED, float32 random-sparse weights.
    wf = b.sparse_constant("fc_weights", pruned(rng, [10, 24], "float32", 0.3))
    bf = b.constant("fc_bias", rng.standard_normal(10).astype(np.float32))
    xf = b.input("xf", "float32", [2, 24])
    y4 = b.output("fc", "float32", [2, 10])
    b.op("FULLY_CONNECTED", [xf, wf, bf], [y4], options={"fused_activation_function": "RELU"})
    # FULLY_CONNECTED, int8 weights in 1x16 blocks.
    wq = b.sparse_constant("fc_q_weights", pruned(rng, [8, 48], "int8", 0.5, (1, 16)), block_map=[1],
                           block_size=[16], formats=["DENSE", "SPARSE_CSR", "DENSE"], scale=0.02, zero_point=0)
    bq = b.constant("fc_q_bias", rng.integers(-2000, 2000, 8).astype(np.int32), scale=0.001, zero_point=0)
    xi = b.input("xi", "int8", [1, 48], scale=0.05, zero_point=4)
    y5 = b.output("fc_q", "int8", [1, 8], scale=0.3, zero_point=-7)
    b.op("FULLY_CONNECTED", [xi, wq, bq], [y5])
    return b


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("sparse_layouts.tflite")
    build().save(out)
    print(out)
