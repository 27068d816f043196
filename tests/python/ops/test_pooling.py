"""AVERAGE_POOL_2D, MAX_POOL_2D: swept against LiteRT's reference kernels (integers bit for bit), with
the refusals LiteRT makes too.

From the former test_ops_shape.py, test_ops_sweep.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sweep import check, out_size, refused
from tfldbg.testing.opmodel import OpModelBuilder


POOL_CASES = list(itertools.product(["AVERAGE_POOL_2D", "MAX_POOL_2D"], ["SAME", "VALID"], [(2, 2), (3, 2)], [1, 2],
                                    ["int8", "float32", "uint8", "int16"]))


POOL_CASES_SHAPE = list(itertools.product(
    ["AVERAGE_POOL_2D", "MAX_POOL_2D"], ["SAME", "VALID"], [(1, 1), (2, 3), (3, 3), (5, 4)], [(1, 1), (2, 1), (3, 2)],
    ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"], ["float32", "int8", "uint8", "int16"]))


# Keep the sweep fast: every filter/stride/padding with two activations, every activation with one geometry.
POOL_CASES_SHAPE = [c for c in POOL_CASES_SHAPE if c[4] in ("NONE", "RELU6") or (c[2] == (3, 3) and c[3] == (2, 1))]


@pytest.mark.parametrize("op,padding,filt,stride,dtype", POOL_CASES,
                         ids=[f"{o}-{p}-f{f[0]}x{f[1]}-s{s}-{t}" for o, p, f, s, t in POOL_CASES])
def test_pooling(tmp_path, op, padding, filt, stride, dtype):
    n, h, w, c = 2, 7, 6, 3
    oh, ow = out_size(padding, h, filt[0], stride, 1), out_size(padding, w, filt[1], stride, 1)
    b = OpModelBuilder()
    q = {} if dtype == "float32" else {"scale": 0.1, "zero_point": 0 if dtype == "int16" else 5}
    x = b.input("x", dtype, [n, h, w, c], **q)
    y = b.output("y", dtype, [n, oh, ow, c], **q)
    b.op(op, [x], [y], options={"padding": padding, "stride_w": stride, "stride_h": stride, "filter_width": filt[1],
                                "filter_height": filt[0], "fused_activation_function": "RELU6"}, version=2)
    check(b, tmp_path)


@pytest.mark.parametrize("op,padding,filt,stride,act,dtype", POOL_CASES_SHAPE,
                         ids=[f"{o[:3]}-{p}-f{f[0]}x{f[1]}-s{s[0]}x{s[1]}-{a}-{t}" for o, p, f, s, a, t in POOL_CASES_SHAPE])
def test_pooling_basic_grid(tmp_path, op, padding, filt, stride, act, dtype):
    n, h, w, c = 2, 7, 6, 3
    oh, ow = out_size(padding, h, filt[0], stride[0]), out_size(padding, w, filt[1], stride[1])
    b = OpModelBuilder()
    q = {"float32": {}, "int8": {"scale": 0.02, "zero_point": -9}, "uint8": {"scale": 0.03, "zero_point": 100},
         "int16": {"scale": 0.0002, "zero_point": 0}}[dtype]
    x = b.input("x", dtype, [n, h, w, c], **q)
    y = b.output("y", dtype, [n, oh, ow, c], **q)
    b.op(op, [x], [y], options={"padding": padding, "stride_w": stride[1], "stride_h": stride[0], "filter_width": filt[1],
                                "filter_height": filt[0], "fused_activation_function": act}, version=3 if dtype == "int16" else 2)
    check(b, tmp_path)


@pytest.mark.parametrize("op", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
def test_pooling_window_larger_than_input(tmp_path, op):
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 3, 2, 5], scale=0.1, zero_point=2)
    y = b.output("y", "int8", [1, 1, 1, 5], scale=0.1, zero_point=2)
    b.op(op, [x], [y], options={"padding": "SAME", "stride_w": 4, "stride_h": 4, "filter_width": 5, "filter_height": 5})
    check(b, tmp_path)


def test_average_pool_rounds_half_away_from_zero(tmp_path):
    # Windows of two with sums of both signs: ties go away from zero.
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 1, 8, 1], scale=0.1, zero_point=0)
    y = b.output("y", "int8", [1, 1, 4, 1], scale=0.1, zero_point=0)
    b.op("AVERAGE_POOL_2D", [x], [y], options={"padding": "VALID", "stride_w": 2, "stride_h": 1, "filter_width": 2,
                                               "filter_height": 1})
    check(b, tmp_path, inputs={"x": np.array([1, 2, -1, -2, 3, 4, -127, -128], np.int8).reshape(1, 1, 8, 1)})


# ---- L2_POOL_2D (float32 only, as LiteRT) -----------------------------------------------------------------

L2_POOL = [(p, f, s, a) for p in ("SAME", "VALID") for f in ((1, 1), (2, 2), (3, 2), (5, 4)) for s in ((1, 1), (2, 2), (3, 1))
           for a in ("NONE",)] + [("SAME", (3, 3), (2, 1), a) for a in ("RELU", "RELU6", "RELU_N1_TO_1")]


@pytest.mark.parametrize("padding,filt,stride,act", L2_POOL,
                         ids=[f"{p}-f{f[0]}x{f[1]}-s{s[0]}x{s[1]}-{a}" for p, f, s, a in L2_POOL])
def test_l2_pool(tmp_path, padding, filt, stride, act):
    n, h, w, c = 2, 7, 6, 3
    oh, ow = out_size(padding, h, filt[0], stride[0], 1), out_size(padding, w, filt[1], stride[1], 1)
    b = OpModelBuilder()
    x = b.input("x", "float32", [n, h, w, c])
    y = b.output("y", "float32", [n, oh, ow, c])
    b.op("L2_POOL_2D", [x], [y], options={"padding": padding, "stride_w": stride[1], "stride_h": stride[0],
                                          "filter_width": filt[1], "filter_height": filt[0], "fused_activation_function": act})
    v = np.random.default_rng(5).uniform(-3, 3, [n, h, w, c]).astype(np.float32)
    v[0, 0, 0, :] = [np.inf, np.nan, 0.0]
    v[1, 0, :, 0] = 0.0  # windows of zeros
    check(b, tmp_path, {"x": v})


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16"])
def test_l2_pool_quantized_is_refused(tmp_path, dtype):
    b = OpModelBuilder()
    x = b.input("x", dtype, [1, 4, 4, 1], scale=0.1, zero_point=0)
    y = b.output("y", dtype, [1, 2, 2, 1], scale=0.1, zero_point=0)
    b.op("L2_POOL_2D", [x], [y], options={"padding": "VALID", "stride_w": 2, "stride_h": 2, "filter_width": 2, "filter_height": 2})
    refused(b, tmp_path, f"input has type {dtype}")
