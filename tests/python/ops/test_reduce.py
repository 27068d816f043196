"""MEAN, SUM, REDUCE_MAX, REDUCE_MIN, ARG_MAX: swept against LiteRT's reference kernels (integers bit
for bit), with the refusals LiteRT makes too.

From the former test_ops_shape.py, test_ops_sweep.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sweep import check, refused
from tfldbg.testing.opmodel import OpModelBuilder


MEAN_CASES = list(itertools.product([[1, 2], [1], [3], [0, 2]], [True, False], ["int8", "float32", "uint8"]))


# Per-type quantization used when a case does not care: (scale, zero point).
QUANT = {"float32": {}, "int8": {"scale": 0.07, "zero_point": -5}, "uint8": {"scale": 0.06, "zero_point": 131},
         "int16": {"scale": 0.002, "zero_point": 0}}


MEAN_SHAPES = {4: [2, 5, 4, 3], 3: [3, 4, 7], 2: [6, 9], 5: [2, 3, 2, 4, 3], 1: [11]}


MEAN_AXES = [(4, [1, 2]), (4, [2, 1]), (4, [-3, -2]), (4, [1]), (4, [3]), (4, [0, 2]), (4, [0, 1, 2, 3]), (4, [1, 1, 2]),
             (3, [1]), (3, [0, 2]), (3, [-1]), (2, [0]), (2, [1]), (5, [1, 3]), (1, [0])]


MEAN_QUANT = {"same": ((0.05, 4), (0.05, 4)), "rescale": ((0.05, 4), (0.03, -2)), "wide": ((0.5, -20), (0.004, 7)),
              "narrow": ((0.001, 0), (0.2, 3))}


MEAN_CASES_SHAPE = [(r, a, k, t, qn) for (r, a), k, t, qn in itertools.product(MEAN_AXES, [True, False], ["float32", "int8", "uint8", "int16"],
                                                                          list(MEAN_QUANT))
              if (t != "float32" or qn == "same") and (qn in ("same", "rescale") or (r == 4 and a == [1, 2]) or a == [0])]


REDUCE_AXES = [(4, [1, 2]), (4, [3]), (4, [0, 1, 2, 3]), (3, [-1]), (2, [0]), (5, [1, 3]), (1, [0])]


ARG_CASES = list(itertools.product([0, 1, 2, -1], ["float32", "int8", "uint8", "int32"], ["INT32", "INT64"],
                                   ["int32", "int64"]))


ARG_CASES = [c for c in ARG_CASES if c[3] == "int32" or (c[1] == "int8" and c[2] == "INT64")]


@pytest.mark.parametrize("axes,keep,dtype", MEAN_CASES, ids=[f"ax{''.join(map(str, a))}-{'keep' if k else 'drop'}-{t}" for a, k, t in MEAN_CASES])
def test_mean(tmp_path, axes, keep, dtype):
    shape = [2, 5, 4, 3]
    out = [1 if i in axes else d for i, d in enumerate(shape)] if keep else [d for i, d in enumerate(shape) if i not in axes]
    b = OpModelBuilder()
    qi = {} if dtype == "float32" else {"scale": 0.05, "zero_point": 130 if dtype == "uint8" else 4}
    qo = {} if dtype == "float32" else {"scale": 0.03, "zero_point": 120 if dtype == "uint8" else -2}
    x = b.input("x", dtype, shape, **qi)
    ax = b.constant("axes", np.array(axes, np.int32))
    y = b.output("y", dtype, out, **qo)
    b.op("MEAN", [x, ax], [y], options={"keep_dims": keep}, version=2)
    check(b, tmp_path)


@pytest.mark.parametrize("axis,dtype", [(1, "float32"), (2, "int8"), (0, "uint8")], ids=["ax1-f32", "ax2-i8", "ax0-u8"])
def test_arg_max(tmp_path, axis, dtype):
    shape = [3, 4, 5]
    b = OpModelBuilder()
    q = {} if dtype == "float32" else {"scale": 0.1, "zero_point": 0}
    x = b.input("x", dtype, shape, **q)
    y = b.output("y", "int32", [d for i, d in enumerate(shape) if i != axis])
    b.op("ARG_MAX", [x, b.constant("axis", np.array([axis], np.int32))], [y], options={"output_type": "INT32"}, version=2)
    check(b, tmp_path)


@pytest.mark.parametrize("rank,axes,keep,dtype,qname", MEAN_CASES_SHAPE,
                         ids=[f"r{r}-ax{'_'.join(map(str, a))}-{'keep' if k else 'drop'}-{t}-{q}" for r, a, k, t, q in MEAN_CASES_SHAPE])
def test_mean_basic_grid(tmp_path, rank, axes, keep, dtype, qname):
    shape = MEAN_SHAPES[rank]
    axes_set = {a % rank for a in axes}
    out = [1 if i in axes_set else d for i, d in enumerate(shape)] if keep else [d for i, d in enumerate(shape) if i not in axes_set]
    (si, zi), (so, zo) = MEAN_QUANT[qname]
    if dtype == "uint8":
        zi, zo = zi + 128, zo + 128
    if dtype == "int16":
        zi = zo = 0
    b = OpModelBuilder()
    qi = {} if dtype == "float32" else {"scale": si, "zero_point": zi}
    qo = {} if dtype == "float32" else {"scale": so, "zero_point": zo}
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, out, **qo)
    b.op("MEAN", [x, b.constant("axes", np.array(axes, np.int32))], [y], options={"keep_dims": keep}, version=2)
    check(b, tmp_path)


def test_mean_large_reduction(tmp_path):
    # 64*48 elements per output: the 1/N folded into the multiplier loses bits.
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 64, 48, 2], scale=0.02, zero_point=-3)
    y = b.output("y", "int8", [1, 1, 1, 2], scale=0.011, zero_point=1)
    b.op("MEAN", [x, b.constant("axes", np.array([1, 2], np.int32))], [y], options={"keep_dims": True}, version=2)
    check(b, tmp_path)


def test_mean_int16_nonzero_zero_point_is_refused(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int16", [2, 3], scale=0.01, zero_point=3)
    y = b.output("y", "int16", [2], scale=0.01, zero_point=3)
    b.op("MEAN", [x, b.constant("axes", np.array([1], np.int32))], [y], options={"keep_dims": False}, version=2)
    assert "zero point" in refused(b, tmp_path)


@pytest.mark.parametrize("op", ["SUM", "REDUCE_MAX", "REDUCE_MIN"])
@pytest.mark.parametrize("rank,axes", REDUCE_AXES, ids=[f"r{r}-{a}" for r, a in REDUCE_AXES])
@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "int8", "uint8", "int16", "int32"])
def test_sum_max_min(tmp_path, op, rank, axes, keep, dtype):
    if op == "SUM" and dtype in ("int8", "int16"):
        pytest.skip("refused: the pinned LiteRT computes no defined int8/int16 SUM (see test_int8_int16_sum_is_refused)")
    shape = MEAN_SHAPES[rank]
    axes_set = {a % rank for a in axes}
    out = [1 if i in axes_set else d for i, d in enumerate(shape)] if keep else [d for i, d in enumerate(shape) if i not in axes_set]
    qi = {"float32": {}, "int32": {}, "int8": {"scale": 0.05, "zero_point": 4}, "uint8": {"scale": 0.05, "zero_point": 132},
          "int16": {"scale": 0.001, "zero_point": 0}}[dtype]
    # SUM requantizes to a wider output scale; MAX/MIN keep the input's, as LiteRT requires.
    qo = dict(qi)
    if op == "SUM" and qi:
        qo = {"scale": qi["scale"] * 7, "zero_point": -3 if dtype == "int8" else (100 if dtype == "uint8" else 0)}
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, out, **qo)
    b.op(op, [x, b.constant("axes", np.array(axes, np.int32))], [y], options={"__table__": "ReducerOptions", "keep_dims": keep})
    check(b, tmp_path)


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_int8_int16_sum_is_refused(tmp_path, dtype):
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 3], scale=0.05, zero_point=0)
    y = b.output("y", dtype, [3], scale=0.1, zero_point=0)
    b.op("SUM", [x, b.constant("axes", np.array([0], np.int32))], [y], options={"__table__": "ReducerOptions", "keep_dims": False})
    assert f"operator 0 (SUM): {dtype} SUM (the pinned LiteRT computes no defined sum for it" in refused(b, tmp_path)


@pytest.mark.parametrize("axis,dtype,out_type,axis_type", ARG_CASES,
                         ids=[f"ax{a}-{t}-{o.lower()}-axis_{at}" for a, t, o, at in ARG_CASES])
def test_arg_max_basic_grid(tmp_path, axis, dtype, out_type, axis_type):
    shape = [3, 40, 5]  # 40 random 8-bit values along axis 1: ties of the maximum happen
    b = OpModelBuilder()
    q = {} if dtype in ("float32", "int32") else QUANT[dtype]
    x = b.input("x", dtype, shape, **q)
    y = b.output("y", out_type.lower(), [d for i, d in enumerate(shape) if i != axis % 3])
    b.op("ARG_MAX", [x, b.constant("axis", np.array([axis], axis_type))], [y], options={"output_type": out_type}, version=2)
    check(b, tmp_path)


def test_arg_max_ties_take_the_first(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [2, 6])
    y = b.output("y", "int32", [2])
    b.op("ARG_MAX", [x, b.constant("axis", np.array([1], np.int32))], [y], options={"output_type": "INT32"})
    check(b, tmp_path, inputs={"x": np.array([[1, 5, 2, 5, 5, 0], [-3, -3, -3, -4, -3, -9]], np.float32)})
