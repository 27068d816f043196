"""FULLY_CONNECTED, BATCH_MATMUL: swept against LiteRT's reference kernels (integers bit for bit), with
the refusals LiteRT makes too.

From the former test_ops_sweep.py, test_ops_tensor.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sweep import ACTIVATIONS, check, refused
from tfldbg.testing.opmodel import OpModelBuilder


rng = np.random.default_rng(1234)


FC_CASES = list(itertools.product(ACTIVATIONS, [False, True], ["int8", "float32", "uint8", "int16", "hybrid"], [1, 3]))


MATMUL_CASES = [
    ([3, 4], [4, 5], False, False),
    ([2, 3, 4], [2, 4, 5], False, False),
    ([2, 4, 3], [2, 4, 5], True, False),
    ([2, 3, 4], [2, 5, 4], False, True),
    ([2, 4, 3], [5, 4], True, True),
    ([2, 1, 3, 4], [3, 4, 6], False, False),
    ([1, 2, 2, 3, 4], [2, 1, 1, 4, 2], False, False),
]


MATMUL_QUANT = {"float32": ({}, {}, {}),
                "int8": ({"scale": 0.05, "zero_point": -3}, {"scale": 0.02, "zero_point": 4}, {"scale": 0.3, "zero_point": 7}),
                "int16": ({"scale": 0.001, "zero_point": 0}, {"scale": 0.002, "zero_point": 0}, {"scale": 0.004, "zero_point": 0})}


@pytest.mark.parametrize("act,keep_dims,dtype,batches", FC_CASES,
                         ids=[f"{a}-{'keep' if kd else 'flat'}-{t}-b{n}" for a, kd, t, n in FC_CASES])
def test_fully_connected(tmp_path, act, keep_dims, dtype, batches):
    depth, units = 13, 6
    b = OpModelBuilder()
    in_shape = [batches, 2, depth] if keep_dims else [batches, depth]
    out_shape = [batches, 2, units] if keep_dims else [batches * (1 if not keep_dims else 2), units]
    rows = batches * (2 if keep_dims else 1)
    if not keep_dims:
        out_shape = [rows, units]
    options = {"fused_activation_function": act, "keep_num_dims": keep_dims}
    if dtype in ("float32", "hybrid"):
        x = b.input("x", "float32", in_shape)
        if dtype == "float32":
            w = b.constant("w", rng.normal(0, 0.5, [units, depth]).astype(np.float32))
        else:
            w = b.constant("w", rng.integers(-127, 128, [units, depth]).astype(np.int8), scale=0.01, zero_point=0)
        bias = b.constant("bias", rng.normal(0, 0.1, [units]).astype(np.float32))
        y = b.output("y", "float32", out_shape)
    else:
        u8 = dtype == "uint8"
        s_in = {"int8": 0.05, "uint8": 0.05, "int16": 0.001}[dtype]
        x = b.input("x", dtype, in_shape, scale=s_in, zero_point={"int8": 4, "uint8": 127, "int16": 0}[dtype])
        w = b.constant("w", rng.integers(0 if u8 else -127, 256 if u8 else 128, [units, depth]).astype(np.uint8 if u8 else np.int8),
                       scale=0.01, zero_point=130 if u8 else 0)
        bias_t = np.int64 if dtype == "int16" else np.int32
        bias = b.constant("bias", rng.integers(-300, 300, [units]).astype(bias_t), scale=s_in * 0.01, zero_point=0)
        y = b.output("y", dtype, out_shape, scale={"int8": 0.06, "uint8": 0.06, "int16": 0.002}[dtype],
                     zero_point={"int8": -10, "uint8": 90, "int16": 0}[dtype])
    b.op("FULLY_CONNECTED", [x, w, bias], [y], options=options, version=7)
    check(b, tmp_path)


@pytest.mark.parametrize("dtype", ["float32", "int8", "int16"])
@pytest.mark.parametrize("case", MATMUL_CASES, ids=[f"{c[0]}x{c[1]}-adj{int(c[2])}{int(c[3])}" for c in MATMUL_CASES])
def test_batch_matmul(tmp_path, case, dtype):
    lshape, rshape, adj_x, adj_y = case
    ql, qr, qo = MATMUL_QUANT[dtype]
    b = OpModelBuilder()
    lhs = b.input("lhs", dtype, lshape, **ql)
    rhs = b.input("rhs", dtype, rshape, **qr)
    m = lshape[-1] if adj_x else lshape[-2]
    n = rshape[-2] if adj_y else rshape[-1]
    batch = list(np.broadcast_shapes(tuple(lshape[:-2]), tuple(rshape[:-2])))
    y = b.output("y", dtype, batch + [m, n], **qo)
    b.op("BATCH_MATMUL", [lhs, rhs], [y], {"adj_x": adj_x, "adj_y": adj_y}, version=1 if dtype == "float32" else 3)
    check(b, tmp_path)


# --- hybrid FULLY_CONNECTED: float input, int8 weights, rows quantized on the fly --------------------

FC_HYBRID_CASES = [(asym, per_channel, batches, depth) for asym in (False, True) for per_channel in (False, True)
                   for batches, depth in ((1, 13), (3, 70))]


def fc_hybrid_model(asym, per_channel, batches, depth, act="NONE", keep_dims=False, weights_input=False, units=6):
    b = OpModelBuilder()
    in_shape = [batches, 2, depth] if keep_dims else [batches, depth]
    rows = batches * (2 if keep_dims else 1)
    x = b.input("x", "float32", in_shape)
    scales = list(rng.uniform(0.002, 0.02, units).astype(np.float32)) if per_channel else [0.01]
    wq = dict(scale=scales, zero_point=[0] * len(scales), quantized_dimension=0)
    if weights_input:
        w = b.input("w", "int8", [units, depth], **wq)
    else:
        w = b.constant("w", rng.integers(-127, 128, [units, depth]).astype(np.int8), **wq)
    bias = b.constant("bias", rng.normal(0, 0.1, [units]).astype(np.float32))
    y = b.output("y", "float32", [batches, 2, units] if keep_dims else [rows, units])
    b.op("FULLY_CONNECTED", [x, w, bias], [y], version=9 if asym else 7,
         options={"fused_activation_function": act, "keep_num_dims": keep_dims, "asymmetric_quantize_inputs": asym})
    return b


@pytest.mark.parametrize("asym,per_channel,batches,depth", FC_HYBRID_CASES,
                         ids=[f"{'asym' if a else 'sym'}-{'pc' if pc else 'pt'}-b{n}-d{d}" for a, pc, n, d in FC_HYBRID_CASES])
def test_fully_connected_hybrid(tmp_path, asym, per_channel, batches, depth):
    index = FC_HYBRID_CASES.index((asym, per_channel, batches, depth))
    check(fc_hybrid_model(asym, per_channel, batches, depth, act=ACTIVATIONS[index % 4], keep_dims=index % 3 == 1), tmp_path)


@pytest.mark.parametrize("asym", [False, True], ids=["sym", "asym"])
def test_fully_connected_hybrid_edge_rows(tmp_path, asym):
    """Rows all zero, all negative (zero point at the top), all positive (at the bottom), mixed
    with one huge value, and with weights given at run time (row sums computed per Invoke)."""
    x = np.random.default_rng(6).uniform(-1, 1, [5, 13]).astype(np.float32)
    x[0] = 0
    x[1] = -np.abs(x[1]) - 0.1
    x[2] = np.abs(x[2]) + 0.1
    x[3, 4] = 1e6
    check(fc_hybrid_model(asym, True, 5, 13), tmp_path, inputs={"x": x})
    w = np.random.default_rng(7).integers(-127, 128, [6, 13]).astype(np.int8)
    (tmp_path / "w").mkdir()
    check(fc_hybrid_model(asym, False, 5, 13, weights_input=True), tmp_path / "w", inputs={"x": x, "w": w})


@pytest.mark.parametrize("asym,per_channel", [(False, False), (True, True)], ids=["sym-pt", "asym-pc"])
def test_fully_connected_hybrid_wide(tmp_path, asym, per_channel):
    """Wider than one 64-unit group of the fast hybrid GEMM, more rows than one 6-row block, a
    depth that is not a multiple of the kernels' 4-byte step."""
    check(fc_hybrid_model(asym, per_channel, 7, 67, act="RELU6" if asym else "NONE", units=70), tmp_path)


# --- hybrid BATCH_MATMUL: float lhs, constant int8 rhs ------------------------------------------------

BMM_HYBRID_SHAPES = MATMUL_CASES + [
    ([2, 3, 5, 4], [2, 3, 4, 6], False, False),   # two batch dimensions on both sides: LiteRT's row indexing
    ([2, 3, 5, 4], [2, 1, 4, 6], False, False),   # rhs innermost batch 1: lhs batch folded into rows
    ([3, 2, 4, 5], [1, 2, 4, 6], True, False),    # adj_x: no folding, broadcast lhs over rhs
    ([2, 2, 2, 3, 4], [1, 2, 2, 5, 4], False, True),
]
BMM_HYBRID_CASES = [(shape, asym, per_channel) for i, shape in enumerate(BMM_HYBRID_SHAPES)
                    for asym, per_channel in ((False, i % 2 == 1), (True, i % 2 == 0))]


def bmm_hybrid_model(lshape, rshape, adj_x, adj_y, asym, per_channel):
    b = OpModelBuilder()
    lhs = b.input("lhs", "float32", lshape)
    n = rshape[-2] if adj_y else rshape[-1]
    scales = list(rng.uniform(0.002, 0.02, n).astype(np.float32)) if per_channel else [0.01]
    rhs = b.constant("rhs", rng.integers(-127, 128, rshape).astype(np.int8), scale=scales, zero_point=[0] * len(scales),
                     quantized_dimension=len(rshape) - (2 if adj_y else 1))
    m = lshape[-1] if adj_x else lshape[-2]
    batch = list(np.broadcast_shapes(tuple(lshape[:-2]), tuple(rshape[:-2])))
    y = b.output("y", "float32", batch + [m, n])
    b.op("BATCH_MATMUL", [lhs, rhs], [y], {"adj_x": adj_x, "adj_y": adj_y, "asymmetric_quantize_inputs": asym}, version=4)
    return b


@pytest.mark.parametrize("case,asym,per_channel", BMM_HYBRID_CASES,
                         ids=[f"{c[0]}x{c[1]}-adj{int(c[2])}{int(c[3])}-{'asym' if a else 'sym'}-{'pc' if pc else 'pt'}"
                              for c, a, pc in BMM_HYBRID_CASES])
def test_batch_matmul_hybrid(tmp_path, case, asym, per_channel):
    check(bmm_hybrid_model(*case, asym, per_channel), tmp_path)


def test_batch_matmul_hybrid_refusals(tmp_path):
    # LiteRT sums the rows of the weight matrices of batch dimensions 1 and 2 only, then reads
    # row (b0 + b1 + b2)·N: a rank-5 rhs batched on its first dimension reaches rows never summed.
    refused(bmm_hybrid_model([2, 2, 2, 3, 4], [2, 1, 2, 5, 4], False, True, True, False), tmp_path,
            "LiteRT reads weight row sums it never computed")
    # Per-channel scales along the contracted dimension: LiteRT would read one per output column.
    b = bmm_hybrid_model([2, 3, 4], [4, 4], False, False, False, True)
    b.tensors[1].quantized_dimension = 0
    (tmp_path / "pc").mkdir()
    refused(b, tmp_path / "pc", "per-channel scales must be one per output column (rhs axis 1)")
